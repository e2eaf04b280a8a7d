// Resident output memory: BatchArena reuse, release(), the plain path's recycling, compressInto, and
// that reuse never overwrites a batch still in use.
import { Algorithm, BatchArena, type CompressedBatch, CompressorBuilder, PAGE_SIZE } from "../mod.ts";
import { corpusFile, expect, nth, test } from "./harness.ts";
import { concatPages, edgePages } from "./pages.ts";

const lz4 = () => new CompressorBuilder().algorithm(Algorithm.Lz4).threads(2).build();
/** Two different sets of 600 corpus pages. */
function twoSets(): [Uint8Array, Uint8Array] {
  const pages = corpusFile(0).pages;
  return [pages.slice(0, 600 * PAGE_SIZE), pages.slice(600 * PAGE_SIZE, 1200 * PAGE_SIZE)];
}
const memoryOf = (b: CompressedBatch) => b.arena.buffer;

test("a released batch's arena memory is filled again by the next batch", () => {
  const c = lz4();
  const [a, b] = twoSets();
  const arena = new BatchArena(600);
  expect(arena.capacity).toBe(600);
  const first = c.compressBatch(a, { into: arena });
  expect(arena.capacity).toBe(0);
  expect(c.decompressBatch(first)).toEqualBytes(a);
  const memory = memoryOf(first);
  first.release();
  expect(arena.capacity).toBe(600);
  const second = c.compressBatch(b, { into: arena });
  expect(memoryOf(second)).toBe(memory);
  expect(c.decompressBatch(second)).toEqualBytes(b);
  c.close();
});

test("reuse never overwrites a batch that was not released", () => {
  const c = lz4();
  const [a, b] = twoSets();
  const arena = new BatchArena();
  const first = c.compressBatch(a, { into: arena });
  const firstPage = first.page(3).data.slice();
  const second = c.compressBatch(b, { into: arena });
  expect(memoryOf(second) === memoryOf(first)).toBeFalse();
  expect(first.page(3).data).toEqualBytes(firstPage);
  expect(c.decompressBatch(first)).toEqualBytes(a);
  expect(c.decompressBatch(second)).toEqualBytes(b);
  // The arena keeps one of them once both are given back, and reuses it.
  first.release();
  second.release();
  expect(arena.capacity).toBe(600);
  const third = c.compressBatch(a, { into: arena });
  expect([memoryOf(first), memoryOf(second)].includes(memoryOf(third))).toBeTrue();
  expect(c.decompressBatch(third)).toEqualBytes(a);
  c.close();
});

test("a released batch refuses use; releasing twice is harmless", () => {
  const c = lz4();
  const batch = c.compressBatch(concatPages(edgePages()));
  expect(batch.released).toBeFalse();
  batch.release();
  batch.release();
  expect(batch.released).toBeTrue();
  expect(() => batch.page(0)).toThrow("Closed");
  expect(() => c.decompressBatch(batch)).toThrow("Closed");
  c.close();
});

test("plain compressBatch reuses the memory of the compressor's last released batch", () => {
  const c = lz4();
  const [a, b] = twoSets();
  const first = c.compressBatch(a);
  const memory = memoryOf(first);
  const kept = c.compressBatch(b);
  expect(memoryOf(kept) === memory).toBeFalse();
  first.release();
  const second = c.compressBatch(b);
  expect(memoryOf(second)).toBe(memory);
  expect(c.decompressBatch(second)).toEqualBytes(b);
  expect(c.decompressBatch(kept)).toEqualBytes(b);
  c.close();
});

test("an arena grows for a larger batch and keeps the larger memory", () => {
  const c = lz4();
  const [a] = twoSets();
  const arena = new BatchArena(10);
  const batch = c.compressBatch(a, { into: arena });
  expect(c.decompressBatch(batch)).toEqualBytes(a);
  batch.release();
  expect(arena.capacity).toBe(600);
  const small = c.compressBatch(a.subarray(0, 5 * PAGE_SIZE), { into: arena });
  expect(small.arena.length).toBe(5 * PAGE_SIZE);
  expect(c.decompressBatch(small)).toEqualBytes(a.subarray(0, 5 * PAGE_SIZE));
  c.close();
});

test("an async batch holds its arena memory from the call on", async () => {
  const c = lz4();
  const [a, b] = twoSets();
  const arena = new BatchArena(600);
  const pending = c.compressBatchAsync(a, { into: arena });
  expect(arena.capacity).toBe(0);
  const during = c.compressBatch(b, { into: arena });
  const done = await pending;
  expect(memoryOf(done) === memoryOf(during)).toBeFalse();
  expect(await c.decompressBatchAsync(done)).toEqualBytes(a);
  expect(c.decompressBatch(during)).toEqualBytes(b);
  done.release();
  const again = await c.compressBatchAsync(b, { into: arena });
  expect(memoryOf(again)).toBe(memoryOf(done));
  expect(c.decompressBatch(again)).toEqualBytes(b);
  c.close();
});

test("decompressBatch into a reused buffer", async () => {
  const c = lz4();
  const [a, b] = twoSets();
  const out = new Uint8Array(a.length);
  for (const pages of [a, b, a]) {
    const batch = c.compressBatch(pages);
    expect(c.decompressBatch(batch, out)).toBe(out);
    expect(out).toEqualBytes(pages);
    expect(await c.decompressBatchAsync(batch, out)).toBe(out);
    expect(out).toEqualBytes(pages);
    batch.release();
  }
  c.close();
});

test("compressInto writes into the caller's buffer page after page", () => {
  const c = new CompressorBuilder().algorithm(Algorithm.Adaptive).build();
  const out = new Uint8Array(PAGE_SIZE);
  const back = new Uint8Array(PAGE_SIZE);
  for (const { name, page } of edgePages()) {
    const stored = c.compressInto(page, out);
    const expected = c.compress(page);
    expect(stored.data.buffer).toBe(out.buffer);
    expect(stored.kind).toBe(expected.kind);
    expect(stored.data).toEqualBytes(expected.data);
    c.decompressInto(stored, back);
    expect(back, name).toEqualBytes(page);
  }
  expect(() => c.compressInto(nth(edgePages(), 0).page, new Uint8Array(PAGE_SIZE - 1))).toThrow("BufferTooSmall");
  c.close();
});

test("bad arenas are InvalidInput", () => {
  const c = lz4();
  const pages = concatPages(edgePages());
  expect(() => new BatchArena(-1)).toThrow("InvalidInput");
  expect(() => new BatchArena(1.5)).toThrow("InvalidInput");
  expect(() => c.compressBatch(pages, { into: {} as BatchArena })).toThrow("InvalidInput");
  expect(c.compressBatchAsync(pages, { into: new Uint8Array(8) as unknown as BatchArena })).toReject("InvalidInput");
  c.close();
});

test("plain compressBatch does not tie a large released batch's memory to a small batch", () => {
  const c = lz4();
  const [a] = twoSets();
  const large = c.compressBatch(a);
  const memory = memoryOf(large);
  large.release();
  const small = c.compressBatch(a.subarray(0, 10 * PAGE_SIZE));
  expect(memoryOf(small) === memory).toBeFalse();
  const again = c.compressBatch(a.subarray(0, 400 * PAGE_SIZE));
  expect(memoryOf(again)).toBe(memory);
  expect(c.decompressBatch(again)).toEqualBytes(a.subarray(0, 400 * PAGE_SIZE));
  c.close();
});
