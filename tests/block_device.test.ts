import { corpusFile, expect, nth, test } from "./harness.ts";
import { randomBytes, repeated, textPage } from "./pages.ts";
import { Algorithm, type Compressor, CompressorBuilder, TruenoError } from "../mod.ts";
import { BlockDevice } from "../lib/block/mod.ts";
import { Refusal, refusalError } from "../lib/block/native_store.ts";

const MiB = 1 << 20;
const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();

function pagesOf(...pages: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pages.length * 4096);
  pages.forEach((p, i) => out.set(p, i * 4096));
  return out;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

function readBack(dev: BlockDevice, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  dev.read(offset, out);
  return out;
}

/** A compressor whose JS batch methods and native-handle lookups are counted. */
function counting(inner: Compressor) {
  const calls = { batch: 0, nativeHandle: 0 };
  const proxy = new Proxy(inner, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (typeof key === "string" && /^(de)?compressBatch/.test(key)) calls.batch++;
        if (key === "nativeHandle") calls.nativeHandle++;
        return value.apply(target, args);
      };
    },
  });
  return { proxy, calls };
}

test("corpus pages round-trip through 1 MiB requests; unwritten pages read as zeros", () => {
  const pages = corpusFile(1).pages.subarray(0, 1024 * 4096);
  const dev = new BlockDevice(8 * MiB, compressor);
  for (let at = 0; at < pages.length; at += MiB) dev.write(at + MiB, pages.subarray(at, at + MiB));
  expect(readBack(dev, MiB, pages.length)).toEqualBytes(pages);
  expect(readBack(dev, 0, MiB)).toEqualBytes(new Uint8Array(MiB));
  const s = dev.stats();
  expect(s.pagesStored).toBe(1024);
  expect(s.origDataSize).toBe(1024 * 4096);
  expect(s.bytesWritten).toBe(1024 * 4096);
  expect(s.memUsedTotal % 4096).toBe(0);
  expect(s.memUsedTotal).toBeGreaterThanOrEqual(s.comprDataSize - s.hugePages * 4096);
  expect(s.compressionRatio()).toBeGreaterThan(1);
  expect(s.writeIos).toBe(4);
  expect(s.readIos).toBe(2);
});

test("a request is one native call on the compressor's threads: no JS batch, no per-page JS", () => {
  const { proxy, calls } = counting(compressor);
  const dev = new BlockDevice(MiB, proxy as Compressor);
  dev.write(0, pagesOf(textPage(), randomBytes(4096, 1), new Uint8Array(4096), repeated([1, 2, 3])));
  dev.read(0, new Uint8Array(8 * 4096));
  expect(calls).toEqual({ batch: 0, nativeHandle: 2 });
});

test("misaligned or out-of-range requests are InvalidInput and change nothing", () => {
  const dev = new BlockDevice(64 * 4096, compressor);
  dev.write(0, textPage());
  const before = JSON.stringify(dev.stats());
  const page = new Uint8Array(4096).fill(9);
  expect(() => dev.write(1, page)).toThrow("InvalidInput");
  expect(() => dev.write(512, page)).toThrow("InvalidInput");
  expect(() => dev.write(0, new Uint8Array(100))).toThrow("InvalidInput");
  expect(() => dev.write(64 * 4096, page)).toThrow("InvalidInput");
  expect(() => dev.write(63 * 4096, new Uint8Array(8192))).toThrow("InvalidInput");
  expect(() => dev.write(-4096, page)).toThrow("InvalidInput");
  expect(() => dev.write(0, "text" as unknown as Uint8Array)).toThrow("InvalidInput");
  expect(() => dev.read(4095, page)).toThrow("InvalidInput");
  expect(() => dev.read(0, new Uint8Array(65 * 4096))).toThrow("InvalidInput");
  expect(() => dev.discard(0, 100)).toThrow("InvalidInput");
  expect(() => dev.discard(4096 * 60, 4096 * 8)).toThrow("InvalidInput");
  expect(() => dev.writeZeroes(NaN, 4096)).toThrow("InvalidInput");
  expect(JSON.stringify(dev.stats())).toBe(before);
  expect(readBack(dev, 0, 4096)).toEqualBytes(textPage());
  expect(() => new BlockDevice(1000, compressor)).toThrow("InvalidInput");
  expect(() => new BlockDevice(2 ** 60, compressor)).toThrow("InvalidInput");
  expect(errorOf(() => new BlockDevice(2 ** 60, compressor)).message.includes("too large")).toBeTrue();
  expect(() => dev.write("0" as unknown as number, page)).toThrow("InvalidInput");
  expect(() => new BlockDevice(0, compressor)).toThrow("InvalidInput");
  expect(() => new BlockDevice(4096, compressor, { entropyThreshold: 9 })).toThrow("InvalidInput");
  expect(() => new BlockDevice(4096, compressor, { memLimit: -1 })).toThrow("InvalidInput");
  expect(() => new BlockDevice(4096, {} as Compressor)).toThrow("InvalidInput");
});

test("same-filled pages are stored as their pattern, with no pool memory", () => {
  const dev = new BlockDevice(MiB, compressor);
  const patterns = [[0], [0xab], [1, 2], [1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7, 8]];
  dev.write(0, pagesOf(...patterns.map(repeated)));
  const s = dev.stats();
  expect([s.samePages, s.zeroPages, s.comprDataSize, s.memUsedTotal, s.sameFillPathPages]).toEqual([5, 1, 0, 0, 5]);
  expect(readBack(dev, 0, 5 * 4096)).toEqualBytes(pagesOf(...patterns.map(repeated)));
});

test("incompressible pages are stored raw and counted huge; entropy routing skips the attempt", () => {
  // Zstandard: the sampled entropy check is cheaper than a trial, so the random page is routed raw.
  const zstd = new CompressorBuilder().algorithm(Algorithm.Zstd(1)).build();
  const routed = new BlockDevice(MiB, zstd, { entropyThreshold: 7.0 });
  routed.write(0, pagesOf(randomBytes(4096, 5), textPage()));
  let s = routed.stats();
  expect([s.hugePages, s.hugePagesSince, s.entropyRoutedPages, s.scalarPages + s.simdPages, s.gpuPages]).toEqual([
    1,
    1,
    1,
    2,
    0,
  ]);
  expect(s.comprDataSize).toBeGreaterThan(4096);
  expect(readBack(routed, 0, 4096)).toEqualBytes(randomBytes(4096, 5));
  routed.close();
  zstd.close();
  // LZ4: a trial costs less than the check, so the page goes raw by its result, not by entropy.
  const lz4 = new BlockDevice(MiB, compressor, { entropyThreshold: 7.0 });
  lz4.write(0, randomBytes(4096, 5));
  s = lz4.stats();
  expect([s.hugePages, s.entropyRoutedPages, s.comprDataSize]).toEqual([1, 0, 4096]);
  const tried = new BlockDevice(MiB, compressor, { entropyThreshold: 8 });
  tried.write(0, randomBytes(4096, 5));
  s = tried.stats();
  expect([s.hugePages, s.entropyRoutedPages, s.comprDataSize, s.memUsedTotal]).toEqual([1, 0, 4096, 4096]);
  expect(compressor.backend() === "scalar" ? s.scalarPages : s.simdPages).toBe(1);
  expect(readBack(tried, 0, 4096)).toEqualBytes(randomBytes(4096, 5));
});

test("overwrites replace pages; discard and writeZeroes free them and count notify_free per page", () => {
  const dev = new BlockDevice(MiB, compressor);
  dev.write(0, pagesOf(randomBytes(4096, 1), textPage(), textPage()));
  dev.write(0, pagesOf(new Uint8Array(4096), randomBytes(4096, 2)));
  let s = dev.stats();
  expect([s.pagesStored, s.hugePages, s.hugePagesSince, s.samePages]).toEqual([3, 1, 2, 1]);
  expect(readBack(dev, 0, 3 * 4096)).toEqualBytes(pagesOf(new Uint8Array(4096), randomBytes(4096, 2), textPage()));
  dev.discard(4096, 8 * 4096);
  dev.writeZeroes(0, 4096);
  s = dev.stats();
  expect([s.pagesStored, s.comprDataSize, s.memUsedTotal, s.notifyFree, s.samePages, s.hugePages]).toEqual([
    0,
    0,
    0,
    9,
    0,
    0,
  ]);
  expect(readBack(dev, 0, 10 * 4096)).toEqualBytes(new Uint8Array(10 * 4096));
});

test("a write refused by memLimit fails, is counted, and loses nothing stored", () => {
  const dev = new BlockDevice(MiB, compressor, { memLimit: 3 * 4096 });
  const old = pagesOf(randomBytes(4096, 1), randomBytes(4096, 2));
  dev.write(0, old);
  // An overwrite needs the new page stored before the old one goes: 3 pool pages fit, 4 do not.
  dev.write(0, randomBytes(4096, 3));
  expect(readBack(dev, 0, 4096)).toEqualBytes(randomBytes(4096, 3));
  const replacement = pagesOf(randomBytes(4096, 4), randomBytes(4096, 5), randomBytes(4096, 6));
  let error: unknown;
  try {
    dev.write(4096, replacement);
  } catch (e) {
    error = e;
  }
  expect(error instanceof TruenoError && error.code === "OutOfMemory").toBeTrue();
  const s = dev.stats();
  expect(s.failedWrites).toBe(1);
  expect(s.memUsedTotal).toBeLessThanOrEqual(3 * 4096);
  // As in zram, the high-water mark saw the refused page's allocation before it was undone.
  expect(s.memUsedMax).toBe(4 * 4096);
  // Pages 1 and 2 fit (zram's bio semantics: the pages before the refused one are stored); page 3
  // was refused and keeps its previous contents (never written: zeros); page 0 is untouched.
  expect(readBack(dev, 4096, 2 * 4096)).toEqualBytes(replacement.subarray(0, 2 * 4096));
  expect(readBack(dev, 3 * 4096, 4096)).toEqualBytes(new Uint8Array(4096));
  expect(readBack(dev, 0, 4096)).toEqualBytes(randomBytes(4096, 3));
  dev.setMemLimit(0);
  dev.write(4096, replacement);
  expect(readBack(dev, 4096, 3 * 4096)).toEqualBytes(replacement);
});

test("compact() releases sparse pool pages and keeps every page readable", () => {
  const pages = corpusFile(0).pages.subarray(0, 2048 * 4096);
  const dev = new BlockDevice(16 * MiB, compressor);
  for (let at = 0; at < pages.length; at += MiB) dev.write(at, pages.subarray(at, at + MiB));
  for (let page = 0; page < 2048; page++) if (page % 4 !== 0) dev.discard(page * 4096, 4096);
  const before = dev.stats().memUsedTotal;
  const released = dev.compact();
  const s = dev.stats();
  expect(released).toBeGreaterThan(0);
  expect(s.pagesCompacted).toBe(released);
  expect(s.memUsedTotal).toBe(before - released * 4096);
  for (let page = 0; page < 2048; page++) {
    const expected = page % 4 === 0 ? pages.subarray(page * 4096, (page + 1) * 4096) : new Uint8Array(4096);
    expect(readBack(dev, page * 4096, 4096), `page ${page}`).toEqualBytes(expected);
  }
});

test("async writes and reads overlapping on the same pages: whole old or whole new pages, never stale", async () => {
  const dev = new BlockDevice(MiB, compressor);
  const n = 16;
  const versions = Array.from({ length: 6 }, (_, v) => {
    const block = new Uint8Array(n * 4096);
    for (let p = 0; p < n; p++) {
      block.set(v % 2 ? randomBytes(4096, v * 100 + p + 1) : repeated([v + 1, p + 1, 7]), p * 4096);
    }
    return block;
  });
  const candidates = (
    p: number,
  ) => [new Uint8Array(4096), ...versions.map((b) => b.subarray(p * 4096, (p + 1) * 4096))];
  const isWhole = (out: Uint8Array, p: number) =>
    candidates(p).some((c) => c.every((byte, i) => out[p * 4096 + i] === byte));
  const reads: Promise<Uint8Array>[] = [];
  const writes: Promise<void>[] = [];
  for (const block of versions) {
    writes.push(dev.writeAsync(0, block));
    const out = new Uint8Array(n * 4096);
    reads.push(dev.readAsync(0, out).then(() => out));
  }
  // A read issued before any write resolves sees the old (empty) device.
  const first = await reads[0];
  expect(first).toEqualBytes(new Uint8Array(n * 4096));
  for (const out of await Promise.all(reads)) {
    for (let p = 0; p < n; p++) expect(isWhole(out, p), `page ${p} is whole`).toBeTrue();
  }
  await Promise.all(writes);
  await dev.flush();
  // Writes commit in issue order: the last one wins, and no read after it is stale.
  expect(readBack(dev, 0, n * 4096)).toEqualBytes(nth(versions, versions.length - 1, "version"));
  const after = new Uint8Array(n * 4096);
  await dev.readAsync(0, after);
  expect(after).toEqualBytes(nth(versions, versions.length - 1, "version"));
  const s = dev.stats();
  expect(s.pagesStored).toBe(n);
  expect(s.writeIos).toBe(versions.length);
});

test("an async write resolves after its pages are readable, and bad requests reject with InvalidInput", async () => {
  const dev = new BlockDevice(MiB, compressor);
  const data = pagesOf(textPage(), randomBytes(4096, 8));
  const pending = dev.writeAsync(8192, data);
  data.fill(0); // the device copied the data at the call
  await pending;
  expect(readBack(dev, 8192, 8192)).toEqualBytes(pagesOf(textPage(), randomBytes(4096, 8)));
  await expect(dev.writeAsync(100, data)).toReject("InvalidInput");
  await expect(dev.readAsync(0, new Uint8Array(10))).toReject("InvalidInput");
  expect(dev.stats().pagesStored).toBe(2);
});

test("a write or discard issued after an async write wins, even when the async write commits later", async () => {
  const dev = new BlockDevice(MiB, compressor);
  const older = pagesOf(textPage(), textPage(), textPage());
  const newer = randomBytes(4096, 21);
  const pending = dev.writeAsync(0, older);
  dev.write(4096, newer); // issued after the async write, stored before it commits
  dev.discard(8192, 4096);
  await pending;
  expect(readBack(dev, 0, 3 * 4096)).toEqualBytes(pagesOf(textPage(), newer, new Uint8Array(4096)));
  expect(dev.stats().pagesStored).toBe(2);
});

test("flush() settles after every earlier writeAsync's promise, a refused one's rejection included", async () => {
  const dev = new BlockDevice(MiB, compressor, { memLimit: 4096 });
  const settled: string[] = [];
  const ok = dev.writeAsync(0, textPage());
  ok.then(() => settled.push("stored"), () => settled.push("failed"));
  const refused = dev.writeAsync(4096, pagesOf(randomBytes(4096, 1), randomBytes(4096, 2)));
  refused.then(() => settled.push("stored"), () => settled.push("refused"));
  await dev.flush();
  expect(settled).toEqual(["stored", "refused"]);
  await expect(refused).toReject("OutOfMemory");
});

test("a refused write names its page, for the memory limit as for a pool that cannot grow", async () => {
  const dev = new BlockDevice(MiB, compressor, { memLimit: 4096 });
  const sync = errorOf(() => dev.write(8 * 4096, pagesOf(randomBytes(4096, 1), randomBytes(4096, 2))));
  expect(sync instanceof TruenoError && sync.code === "OutOfMemory").toBeTrue();
  expect(sync.message.includes("page 9 refused")).toBeTrue();
  // The pool is at its limit now: the first page of this request is refused.
  const async = await dev.writeAsync(4 * 4096, pagesOf(randomBytes(4096, 3), randomBytes(4096, 4))).then(
    () => null,
    (e) => e,
  );
  expect(async instanceof TruenoError && async.message.includes("page 4 refused")).toBeTrue();
  expect(refusalError(Refusal.NoMemory, 12, 3, 0).message.includes("page 12 refused: the pool could not grow"))
    .toBeTrue();
  expect(dev.stats().failedWrites).toBe(2);
});

test("pageStates: holes 0, zero pages 1, anything else 2; a range outside the device is InvalidInput", () => {
  const dev = new BlockDevice(8 * 4096, compressor);
  dev.write(0, pagesOf(new Uint8Array(4096), repeated([7]), textPage(), randomBytes(4096, 3)));
  dev.discard(4096 * 3, 4096);
  expect(Array.from(dev.pageStates(0, 8))).toEqual([1, 2, 2, 0, 0, 0, 0, 0]);
  expect(Array.from(dev.pageStates(2, 1))).toEqual([2]);
  expect(dev.pageStates(8, 0).length).toBe(0);
  expect(() => dev.pageStates(7, 2)).toThrow("InvalidInput");
  expect(() => dev.pageStates(-1, 1)).toThrow("InvalidInput");
  expect(() => dev.pageStates(0.5, 1)).toThrow("InvalidInput");
});

test("setCompressionLevel applies from the next write; levels the algorithm lacks are InvalidInput", () => {
  const dev = new BlockDevice(MiB, compressor);
  const text = corpusFile(0).pages.subarray(0, 16 * 4096);
  dev.write(0, text);
  const atDefault = dev.stats().comprDataSize;
  dev.setCompressionLevel(65537);
  dev.write(0, text);
  const fastest = dev.stats().comprDataSize;
  expect(fastest).toBeGreaterThan(atDefault);
  expect(readBack(dev, 0, text.length)).toEqualBytes(text);
  dev.setCompressionLevel(0);
  dev.write(0, text);
  expect(dev.stats().comprDataSize).toBe(atDefault);
  expect(() => dev.setCompressionLevel(65538)).toThrow("InvalidInput");
  expect(() => dev.setCompressionLevel(1.5)).toThrow("InvalidInput");
});

test("close() frees the native store; later calls throw Closed", () => {
  const dev = new BlockDevice(MiB, compressor);
  dev.write(0, textPage());
  dev.close();
  expect(() => dev.stats()).toThrow("Closed");
  expect(() => dev.write(0, textPage())).toThrow("Closed");
});

test("requests larger than the kept output spaces, and repeated ones, store and read back", () => {
  const pages = 5000;
  const dev = new BlockDevice(pages * 4096, compressor);
  const data = new Uint8Array(pages * 4096);
  for (let p = 0; p < pages; p += 7) data.set(textPage().subarray(0, 64), p * 4096);
  dev.write(0, data);
  dev.write(0, data);
  expect(readBack(dev, 0, data.length)).toEqualBytes(data);
  for (let i = 0; i < 6; i++) dev.write(i * 4096 * 100, data.subarray(0, 100 * 4096));
  expect(dev.stats().pagesStored).toBe(pages);
  dev.close();
});
