// Idle tracking and recompression through BlockDevice, by the rules of Linux zram's zram_drv.c (read from
// the source: this machine's kernel is built without CONFIG_ZRAM_TRACK_ENTRY_ACTIME and
// CONFIG_ZRAM_MULTI_COMP, so there is no live device to compare with). Contents are checked against a
// model of what each page must read as.
import { Algorithm, BlockDevice, CompressorBuilder, PAGE_SIZE, trainDictionary } from "../mod.ts";
import { corpusFile, expect, nth, test } from "./harness.ts";
import { randomBytes } from "./pages.ts";

const IDLE = 1;
const INCOMPRESSIBLE = 2;
const priorityOf = (flags: number) => (flags >> 2) & 3;

/** A device over `pages` pages with an LZ4 compressor and a clock the test moves. */
function device(pages: number) {
  const clock = { now: 1000 };
  const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(2).build();
  const dev = new BlockDevice(pages * PAGE_SIZE, compressor, { clock: () => clock.now, entropyThreshold: 8 });
  return { dev, clock, close: () => (dev.close(), compressor.close()) };
}

/** What every page must read as, kept beside the device. */
class Model {
  readonly bytes: Uint8Array;
  constructor(pages: number) {
    this.bytes = new Uint8Array(pages * PAGE_SIZE);
  }
  write(dev: BlockDevice, page: number, data: Uint8Array): void {
    dev.write(page * PAGE_SIZE, data);
    this.bytes.set(data, page * PAGE_SIZE);
  }
  discard(dev: BlockDevice, page: number, count: number): void {
    dev.discard(page * PAGE_SIZE, count * PAGE_SIZE);
    this.bytes.fill(0, page * PAGE_SIZE, (page + count) * PAGE_SIZE);
  }
  check(dev: BlockDevice): void {
    const out = new Uint8Array(this.bytes.length);
    dev.read(0, out);
    expect(out, "device content").toEqualBytes(this.bytes);
  }
}

test("idle: all, by age with the injected clock, cleared by reads and writes; same-filled pages never", () => {
  const { dev, clock, close } = device(64);
  const pages = corpusFile(0).pages;
  dev.write(0, pages.subarray(0, 32 * PAGE_SIZE));
  dev.write(40 * PAGE_SIZE, new Uint8Array(PAGE_SIZE)); // a zero page
  clock.now = 1010.7; // seconds, truncated like zram's u32 boottime seconds
  dev.write(32 * PAGE_SIZE, pages.subarray(32 * PAGE_SIZE, 40 * PAGE_SIZE));
  expect(dev.markIdle()).toBe(40);
  expect(dev.pageFlags(38, 4)).toEqual(new Uint8Array([IDLE, IDLE, 0, 0]));
  clock.now = 1015;
  // Accessed at 1000: idle for age 10 (cutoff 1005); at 1010: not, and its earlier mark is cleared.
  expect(dev.markIdle(10)).toBe(32);
  expect(dev.pageFlags(30, 4)).toEqual(new Uint8Array([IDLE, IDLE, 0, 0]));
  // The cutoff second itself is idle (zram: !time_after32(ac_time, cutoff)).
  expect(dev.markIdle(5)).toBe(40);
  dev.read(0, new Uint8Array(PAGE_SIZE));
  dev.write(PAGE_SIZE, pages.subarray(PAGE_SIZE, 2 * PAGE_SIZE));
  expect(dev.pageFlags(0, 3)).toEqual(new Uint8Array([0, 0, IDLE]));
  expect(() => dev.markIdle(-1)).toThrow("InvalidInput");
  expect(() => dev.markIdle(1.5)).toThrow("InvalidInput");
  expect(() => dev.markIdle("some" as "all")).toThrow("InvalidInput");
  expect(() => dev.pageFlags(60, 5)).toThrow("InvalidInput");
  close();
});

test("recompress: lz4 pages to zstd, nothing lost across recompress, overwrite, discard and read-back", () => {
  const n = 2048;
  const { dev, clock, close } = device(n);
  const model = new Model(n);
  const pages = corpusFile(1).pages.subarray(0, n * PAGE_SIZE);
  model.write(dev, 0, pages);
  model.write(dev, 5, randomBytes(PAGE_SIZE, 99)); // huge: stored raw
  model.write(dev, 6, new Uint8Array(PAGE_SIZE));
  expect(() => dev.recompress()).toThrow("InvalidInput"); // no recompression algorithm yet
  dev.setRecompressAlgorithm(1, Algorithm.Zstd(1));
  expect(dev.recompressAlgorithms().map(String)).toEqual(["zstd(1)", "undefined", "undefined"]);
  const before = dev.stats();
  clock.now = 2000;
  expect(dev.markIdle()).toBe(before.pagesStored - before.samePages);
  const r = dev.recompress({ type: "idle" });
  const after = dev.stats();
  expect(r.candidates).toBe(before.pagesStored - before.samePages);
  expect(r.attempted).toBe(r.candidates);
  expect(r.recompressed + r.incompressible).toBe(r.attempted);
  expect(r.recompressed).toBeGreaterThan(n * 0.9);
  expect(after.comprDataSize).toBeLessThan(before.comprDataSize * 0.8);
  expect(after.memUsedTotal).toBeLessThan(before.memUsedTotal);
  expect(after.pagesStored).toBe(before.pagesStored);
  expect(after.hugePagesSince).toBe(before.hugePagesSince);
  const flags = dev.pageFlags(0, n);
  expect(flags[5]).toBe(INCOMPRESSIBLE); // random bytes: zstd cannot shrink them either
  expect(flags.filter((f) => priorityOf(f) === 1).length).toBe(r.recompressed);
  expect(flags.some((f) => (f & IDLE) !== 0)).toBeFalse(); // recompression clears the mark
  model.check(dev);

  // Overwrites and discards replace recompressed pages; a second pass sees only the new ones.
  model.write(dev, 100, pages.subarray(200 * PAGE_SIZE, 210 * PAGE_SIZE));
  model.discard(dev, 300, 50);
  expect(priorityOf(nth(dev.pageFlags(100, 1), 0, "page flag"))).toBe(0);
  const again = dev.recompress();
  expect(again.candidates).toBe(10);
  model.check(dev);
  dev.setRecompressAlgorithm(1, null);
  model.check(dev); // pages stay readable when their algorithm goes
  close();
});

test("recompress: threshold, maxPages, type=huge, priorities and names as zram chooses them", () => {
  const n = 512;
  const { dev, close } = device(n);
  const model = new Model(n);
  model.write(dev, 0, corpusFile(0).pages.subarray(0, n * PAGE_SIZE));
  model.write(dev, 7, randomBytes(PAGE_SIZE, 5));
  dev.setRecompressAlgorithm(1, Algorithm.Lz4hc(9));
  dev.setRecompressAlgorithm(2, Algorithm.Zstd(3));
  // maxPages counts every attempt; the largest pages go first, so the random page (stored raw) is tried
  // first, with priorities 1 and 2: no progress with the highest active one marks it incompressible.
  expect(dev.recompress({ maxPages: 5 }).attempted).toBe(5);
  expect(dev.pageFlags(7, 1)[0]).toBe(INCOMPRESSIBLE);
  // Only the priority-2 algorithm, by name; pages above a threshold only.
  const byName = dev.recompress({ algorithm: Algorithm.Zstd(), threshold: 1500, maxPages: 20 });
  expect(byName.attempted).toBe(20);
  const flags = dev.pageFlags(0, n);
  expect(flags.filter((f) => priorityOf(f) === 2).length).toBe(byName.recompressed);
  // A raw page tried with priority 1 alone is not marked (2 is active and was not tried); with every
  // priority it is.
  model.write(dev, 9, randomBytes(PAGE_SIZE, 6));
  const first = dev.recompress({ type: "huge", priority: 1 });
  expect([first.candidates, first.attempted, first.incompressible]).toEqual([1, 1, 0]);
  expect(dev.pageFlags(9, 1)[0]).toBe(0);
  const second = dev.recompress({ type: "huge" });
  expect([second.candidates, second.incompressible]).toEqual([1, 1]);
  expect(dev.recompress({ type: "huge" }).candidates).toBe(0);
  model.check(dev);
  expect(() => dev.recompress({ threshold: 3625 })).toThrow("InvalidInput");
  expect(() => dev.recompress({ type: "cold" as "idle" })).toThrow("InvalidInput");
  expect(() => dev.recompress({ type: "constructor" as "idle" })).toThrow("InvalidInput");
  expect(() => dev.recompress({ algorithm: Algorithm.Lz4 })).toThrow("InvalidInput");
  expect(() => dev.recompress({ priority: 3 })).toThrow("InvalidInput");
  expect(() => dev.recompress({ maxPages: -2 })).toThrow("InvalidInput");
  expect(() => dev.setRecompressAlgorithm(4, Algorithm.Zstd())).toThrow("InvalidInput");
  const dictionary = trainDictionary(corpusFile(0).pages.subarray(0, 300 * PAGE_SIZE), { size: 4096 });
  expect(() => dev.setRecompressAlgorithm(3, Algorithm.Zstd(1, { dictionary }))).toThrow("InvalidInput");
  close();
});
