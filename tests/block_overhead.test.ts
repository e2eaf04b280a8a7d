// Pool overhead on the corpus: pool memory held per stored (compressed) byte, with lz4 and no
// entropy skip, as zram stores them. The pool is zsmalloc's, so this is Linux zram's own overhead for
// these pages; it stays within the 1.134 measured on the kernel.
import { corpus, expect, test } from "./harness.ts";
import { Algorithm, CompressorBuilder } from "../mod.ts";
import { BlockDevice } from "../lib/block/mod.ts";

const LINUX_ZRAM_OVERHEAD = 1.134;

test("pool overhead (memUsedTotal / compressed bytes) on the corpus with lz4 beats Linux zram's", () => {
  const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  try {
    for (const { name, pages } of corpus()) {
      const device = new BlockDevice(1 << 30, compressor, { entropyThreshold: 8 });
      for (let at = 0; at < pages.length; at += 1 << 20) {
        device.write(at, pages.subarray(at, Math.min(at + (1 << 20), pages.length)));
      }
      const s = device.stats();
      const overhead = s.memUsedTotal / s.comprDataSize;
      console.log(
        `${name}: ${s.pagesStored} pages, compressed ${s.comprDataSize} B, mem_used_total ${s.memUsedTotal} B, ` +
          `overhead ${overhead.toFixed(4)}`,
      );
      expect(overhead, name).toBeLessThanOrEqual(LINUX_ZRAM_OVERHEAD);
      device.close();
    }
  } finally {
    compressor.close();
  }
});
