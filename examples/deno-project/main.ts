// A Deno project that imports trueno-zram from npm: compress a few pages, restore them, check them.
import { Algorithm, CompressorBuilder, PAGE_SIZE } from "trueno-zram";

const pages = new Uint8Array(4 * PAGE_SIZE);
pages.fill(7, PAGE_SIZE, 2 * PAGE_SIZE); // a same-filled page
pages.set(new TextEncoder().encode("hello, compressed memory ".repeat(160)).subarray(0, PAGE_SIZE), 2 * PAGE_SIZE);
crypto.getRandomValues(pages.subarray(3 * PAGE_SIZE)); // an incompressible page

const compressor = new CompressorBuilder().algorithm(Algorithm.Zstd(3)).build();
const batch = compressor.compressBatch(pages);
const restored = compressor.decompressBatch(batch);
const kinds = Array.from({ length: batch.count }, (_, i) => batch.page(i).kind).join(",");
compressor.close();

if (!restored.every((b, i) => b === pages[i])) {
  console.error("deno example: round trip FAILED");
  Deno.exit(1);
}
console.log(`deno example: round trip verified, ${batch.count} pages (${kinds}) in ${batch.totalBytes} bytes`);
