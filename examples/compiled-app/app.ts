// A program compiled to one file with `bun build --compile` (`bun run build`): importing the platform
// package's `embed` entry makes the compiler carry the native library inside the executable, and
// useEmbeddedLibrary() points trueno-zram at that copy. On arm64, import @trueno-zram/linux-arm64-gnu/embed.
import library from "@trueno-zram/linux-x64-gnu/embed";
import { Algorithm, CompressorBuilder, libraryPath, PAGE_SIZE, useEmbeddedLibrary } from "trueno-zram";

useEmbeddedLibrary(library);

const pages = new Uint8Array(64 * PAGE_SIZE);
const text = new TextEncoder().encode("a page of a compiled app's memory ".repeat(8192));
pages.set(text.subarray(0, 32 * PAGE_SIZE)); // 32 text pages, then 32 zero pages

const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
const batch = compressor.compressBatch(pages);
const restored = compressor.decompressBatch(batch);
compressor.close();

if (!restored.every((b, i) => b === pages[i])) {
  console.error("compiled app: round trip FAILED");
  process.exit(1);
}
console.log(`compiled app: round trip verified, ${batch.count} pages in ${batch.totalBytes} bytes`);
console.log(`library: ${libraryPath()}`);
