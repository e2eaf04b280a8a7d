// Seeded random walks over a BlockDevice with idle tracking, recompression and writeback: writes,
// overwrites, discards, reads, idle marks at moving times, recompress and writeback with random
// parameters, compaction and resets (a new device over the same backing file). After every step the
// device must hold exactly what a plain model of its pages holds, and its counters must agree with it.
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Algorithm, BlockDevice, type Compressor, CompressorBuilder, PAGE_SIZE } from "../mod.ts";
import { corpusFile, expect, test } from "./harness.ts";
import { randomBytes } from "./pages.ts";

const PAGES = 192;
const STEPS = 400;
const WRITTEN_BACK = 16;

/** A small deterministic PRNG (mulberry32), so that a failing walk replays. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

/** One page of data: corpus pages (compressible to various sizes), random (huge) or zero pages. */
function pageData(rand: (n: number) => number): Uint8Array {
  const kind = rand(10);
  if (kind === 0) return new Uint8Array(PAGE_SIZE);
  if (kind === 1) return randomBytes(PAGE_SIZE, rand(1 << 30) + 1);
  const file = corpusFile(rand(2)).pages;
  const at = rand(file.length / PAGE_SIZE) * PAGE_SIZE;
  return file.slice(at, at + PAGE_SIZE);
}

class Walk {
  readonly model = new Uint8Array(PAGES * PAGE_SIZE);
  /** Pages written and not discarded since the last reset. */
  readonly stored = new Uint8Array(PAGES);
  now = 100;
  dev: BlockDevice;

  constructor(readonly compressor: Compressor, readonly backing: string) {
    this.dev = this.#open();
  }

  #open(): BlockDevice {
    const dev = new BlockDevice(PAGES * PAGE_SIZE, this.compressor, {
      entropyThreshold: 8,
      backingFile: this.backing,
      clock: () => this.now,
    });
    dev.setRecompressAlgorithm(1, Algorithm.Lz4hc(9));
    dev.setRecompressAlgorithm(2, Algorithm.Zstd(3));
    return dev;
  }

  reset(): void {
    this.dev.close();
    this.model.fill(0);
    this.stored.fill(0);
    this.dev = this.#open();
  }

  check(step: string): void {
    const out = new Uint8Array(this.model.length);
    this.dev.read(0, out);
    expect(out, step).toEqualBytes(this.model);
    const s = this.dev.stats();
    expect(s.pagesStored, `${step}: pagesStored`).toBe(this.stored.reduce((n, x) => n + x, 0));
    const flags = this.dev.pageFlags(0, PAGES);
    const writtenBack = flags.filter((f) => (f & WRITTEN_BACK) !== 0).length;
    expect(this.dev.backingStats().blocksUsed, `${step}: blocks in use`).toBe(writtenBack);
    const states = this.dev.pageStates(0, PAGES);
    for (let i = 0; i < PAGES; i++) expect(states[i] === 0, `${step}: page ${i} is a hole`).toBe(this.stored[i] === 0);
  }
}

for (const seed of [1, 2, 3]) {
  test(`walk ${seed}: ${STEPS} steps of writes, discards, idle, recompress, writeback, compact and reset`, () => {
    const dir = mkdtempSync(join(tmpdir(), "trueno-walk-"));
    const backing = join(dir, "backing");
    const fd = openSync(backing, "w");
    ftruncateSync(fd, (PAGES / 2) * PAGE_SIZE); // room for half the pages: writeback fills it at times
    closeSync(fd);
    const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(2).build();
    const rand = prng(seed);
    const walk = new Walk(compressor, backing);
    let recompressed = 0;
    let writtenBack = 0;
    try {
      for (let step = 0; step < STEPS; step++) {
        const op = rand(100);
        const first = rand(PAGES);
        const count = 1 + rand(Math.min(16, PAGES - first));
        let what: string;
        if (op < 35) {
          const data = new Uint8Array(count * PAGE_SIZE);
          for (let i = 0; i < count; i++) data.set(pageData(rand), i * PAGE_SIZE);
          walk.dev.write(first * PAGE_SIZE, data);
          walk.model.set(data, first * PAGE_SIZE);
          walk.stored.fill(1, first, first + count);
          what = `write ${first}+${count}`;
        } else if (op < 45) {
          walk.dev.discard(first * PAGE_SIZE, count * PAGE_SIZE);
          walk.model.fill(0, first * PAGE_SIZE, (first + count) * PAGE_SIZE);
          walk.stored.fill(0, first, first + count);
          what = `discard ${first}+${count}`;
        } else if (op < 55) {
          walk.dev.read(first * PAGE_SIZE, new Uint8Array(count * PAGE_SIZE));
          what = `read ${first}+${count}`;
        } else if (op < 62) {
          walk.now += rand(20);
          const age = rand(3) === 0 ? "all" : rand(15);
          walk.dev.markIdle(age);
          what = `idle ${age} at ${walk.now}`;
        } else if (op < 77) {
          const types = [undefined, "idle", "huge", "huge_idle"] as const;
          const options = {
            type: types[rand(4)],
            threshold: rand(3) === 0 ? 500 + rand(3000) : 0,
            maxPages: rand(2) === 0 ? rand(50) : undefined,
            priority: rand(3) === 0 ? 1 + rand(2) : undefined,
          };
          const r = walk.dev.recompress(options);
          expect(r.recompressed + r.incompressible).toBeLessThanOrEqual(r.attempted);
          recompressed += r.recompressed;
          what = `recompress ${JSON.stringify(options)}`;
        } else if (op < 92) {
          const types = [undefined, "idle", "huge", "huge_idle", "incompressible"] as const;
          const scans = rand(2) === 0 ? undefined : [{ firstPage: first, count, type: types[rand(5)] }];
          walk.dev.writebackLimitEnabled = rand(4) === 0;
          walk.dev.writebackLimit = rand(10);
          writtenBack += walk.dev.writeback(scans === undefined ? { type: types[rand(5)] } : { scans }).written;
          what = `writeback ${JSON.stringify(scans)}`;
        } else if (op < 97) {
          walk.dev.compact();
          what = "compact";
        } else {
          walk.reset();
          what = "reset";
        }
        walk.check(`seed ${seed} step ${step} (${what})`);
      }
      // The walk did what it is about.
      expect(recompressed).toBeGreaterThan(20);
      expect(writtenBack).toBeGreaterThan(20);
    } finally {
      walk.dev.close();
      compressor.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
