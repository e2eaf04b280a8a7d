// The async batch calls: same results as the sync ones, and the JS thread stays free meanwhile.
import { Algorithm, CompressorBuilder, PAGE_SIZE } from "../mod.ts";
import { DEFAULT_ALGORITHMS } from "./algorithms.ts";
import { expectSamePage } from "./compare.ts";
import { corpusFile, expect, nth, test } from "./harness.ts";
import { concatPages, edgePages } from "./pages.ts";

for (const algorithm of DEFAULT_ALGORITHMS) {
  test(`${algorithm}: async batches equal sync batches`, async () => {
    const c = new CompressorBuilder().algorithm(algorithm).build();
    try {
      for (const pages of [concatPages(edgePages()), corpusFile(0).pages]) {
        const sync = c.compressBatch(pages);
        const async = await c.compressBatchAsync(pages);
        expect(async.count).toBe(sync.count);
        expect(async.totalBytes).toBe(sync.totalBytes);
        for (let i = 0; i < sync.count; i++) expectSamePage(async.page(i), sync.page(i), `${algorithm} page ${i}`);
        expect(await c.decompressBatchAsync(async)).toEqualBytes(pages);
        const out = new Uint8Array(pages.length);
        expect(await c.decompressBatchAsync(sync, out)).toBe(out);
        expect(out).toEqualBytes(pages);
      }
    } finally {
      c.close();
    }
  });
}

test("the JS thread runs timers while an async batch is in flight", async () => {
  const c = new CompressorBuilder().algorithm(Algorithm.Lz4hc(12)).threads(1).build();
  const pages = corpusFile(0).pages.subarray(0, 2000 * PAGE_SIZE);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const batch = await c.compressBatchAsync(pages);
    expect(batch.count).toBe(2000);
    expect(ticks, "timer ticks while compressing").toBeGreaterThan(0);
  } finally {
    clearInterval(timer);
    c.close();
  }
});

test("several async batches on one compressor run concurrently and all settle", async () => {
  const c = new CompressorBuilder().algorithm(Algorithm.Zstd()).build();
  try {
    const pages = corpusFile(1).pages.subarray(0, 512 * PAGE_SIZE);
    const expected = c.compressBatch(pages);
    const batches = await Promise.all([1, 2, 3, 4].map(() => c.compressBatchAsync(pages)));
    for (const batch of batches) {
      expect(batch.totalBytes).toBe(expected.totalBytes);
      expect(await c.decompressBatchAsync(batch)).toEqualBytes(pages);
    }
  } finally {
    c.close();
  }
});

test("async calls with small batches copy nothing the caller sees and stay correct", async () => {
  const c = new CompressorBuilder().build();
  try {
    const page = edgePages().find((p) => p.name === "text")!.page;
    const batch = await c.compressBatchAsync(page);
    const { count, arena, offsets, sizes, kinds, patterns } = batch;
    // A caller-built batch of small plain arrays, as another module would pass it.
    const own = {
      count,
      arena: arena.slice(nth(offsets, 0), nth(offsets, 0) + nth(sizes, 0)),
      offsets: Int32Array.of(0),
      sizes: Int32Array.of(nth(sizes, 0)),
      kinds: Uint8Array.of(nth(kinds, 0)),
      patterns: BigUint64Array.of(nth(patterns, 0)),
    };
    expect(await c.decompressBatchAsync(own)).toEqualBytes(page);
    expect(own.offsets[0]).toBe(0);
  } finally {
    c.close();
  }
});
