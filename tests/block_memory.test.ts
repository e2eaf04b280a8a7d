// The pool gives memory back: after discard + compact the process's resident memory falls with
// mem_used_total (freed zspages are returned to the system, not kept in a growing buffer).
import process from "node:process";
import { corpus, expect, test } from "./harness.ts";
import { Algorithm, CompressorBuilder } from "../mod.ts";
import { BlockDevice } from "../lib/block/mod.ts";

const MiB = 1 << 20;

test("RSS falls after discard + compact, by most of what mem_used_total gave back", () => {
  const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  const pages = corpus()[1].pages;
  const rounds = 6; // the corpus file written again at other offsets: ~80 MiB of pool
  const device = new BlockDevice(rounds * 32 * MiB, compressor, { entropyThreshold: 8 });
  const requestBytes = MiB;
  for (let r = 0; r < rounds; r++) {
    for (let at = 0; at + requestBytes <= pages.length; at += requestBytes) {
      device.write(r * 32 * MiB + at, pages.subarray(at, at + requestBytes));
    }
  }
  const full = device.stats().memUsedTotal;
  const rssFull = process.memoryUsage().rss;
  // Keep one page in 16: every zspage keeps a few objects until compaction packs them.
  for (let page = 0; page < device.pageCount; page++) if (page % 16 !== 0) device.discard(page * 4096, 4096);
  const sparse = device.stats().memUsedTotal;
  const released = device.compact();
  const compacted = device.stats().memUsedTotal;
  const rssCompacted = process.memoryUsage().rss;
  console.log(
    `mem_used_total ${full} -> ${sparse} after discard -> ${compacted} after compact (${released} pages); ` +
      `RSS ${rssFull} -> ${rssCompacted}`,
  );
  expect(released).toBeGreaterThan(0);
  expect(full - compacted).toBeGreaterThan(40 * MiB);
  expect(rssFull - rssCompacted).toBeGreaterThan(0.8 * (full - compacted));
  device.close();
  compressor.close();
});
