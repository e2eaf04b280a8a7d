// More than 4 GiB of compressed pages in one device: 64-bit sizes in the pool and the counters, and
// every page still readable. Opt-in (it holds ~5 GB of memory for about a minute): run it with
//   TRUENO_ZRAM_SLOW=1 node_modules/.bin/bun test tests/block_large.test.ts
// (or TRUENO_ZRAM_SLOW=1 node_modules/.bin/deno test -A tests/block_large.test.ts).
import process from "node:process";
import { expect, test } from "./harness.ts";
import { randomBytes } from "./pages.ts";
import { Algorithm, CompressorBuilder } from "../mod.ts";
import { BlockDevice } from "../lib/block/mod.ts";

const GiB = 2 ** 30;
const REQUEST_PAGES = 256;
const MAX_REQUEST_PAGES = 524_287;

/** A request of pages that LZ4 compresses to about 3.5 KiB each (random bytes, a zero tail), the first
 * 8 bytes of each page naming it, so that every stored page is distinct. */
function request(firstPage: number, template: Uint8Array): Uint8Array {
  const view = new DataView(template.buffer);
  for (let i = 0; i < REQUEST_PAGES; i++) view.setFloat64(i * 4096, firstPage + i, true);
  return template;
}

test("a device holds more than 4 GiB of compressed pages, counted exactly", () => {
  if (process.env.TRUENO_ZRAM_SLOW !== "1") {
    console.log("skipped: set TRUENO_ZRAM_SLOW=1 to store more than 4 GiB (needs ~5 GB of memory)");
    return;
  }
  const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  const pages = 1_280_000; // ~4.2 GiB of compressed pages at ~3.5 KiB each
  const device = new BlockDevice(pages * 4096, compressor, { entropyThreshold: 8 });
  const template = new Uint8Array(REQUEST_PAGES * 4096);
  for (let i = 0; i < REQUEST_PAGES; i++) template.set(randomBytes(3500, i + 1), i * 4096 + 8);
  for (let first = 0; first < pages; first += REQUEST_PAGES) device.write(first * 4096, request(first, template));
  const s = device.stats();
  console.log(`${s.pagesStored} pages: compr_data_size ${s.comprDataSize}, mem_used_total ${s.memUsedTotal}`);
  expect(s.pagesStored).toBe(pages);
  expect(s.comprDataSize).toBeGreaterThan(4 * GiB);
  expect(s.memUsedTotal).toBeGreaterThan(4 * GiB);
  expect(s.hugePages).toBe(0);
  expect(s.bytesCompressed).toBe(s.comprDataSize);
  // Pages from the start, past 2^20 pages and at the very end read back whole.
  for (const first of [0, 2 ** 20, pages - REQUEST_PAGES]) {
    const out = new Uint8Array(REQUEST_PAGES * 4096);
    device.read(first * 4096, out);
    expect(out, `pages from ${first}`).toEqualBytes(request(first, template));
  }
  for (let first = 0; first < pages; first += MAX_REQUEST_PAGES) {
    device.discard(first * 4096, Math.min(MAX_REQUEST_PAGES, pages - first) * 4096);
  }
  const empty = device.stats();
  expect([empty.pagesStored, empty.comprDataSize, empty.memUsedTotal]).toEqual([0, 0, 0]);
  expect(empty.memUsedMax).toBe(s.memUsedTotal);
  device.close();
  compressor.close();
});
