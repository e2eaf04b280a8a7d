// Seeded random walks over a zram device (page writes, overwrites, discards, mem_limit, compaction,
// mem_used_max, level changes, resets), run on the kernel's /dev/zram0 through tests/zram_kernel.py and
// on the emulation, so that every step's outcome, mm_stat and io_stat can be compared.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SysfsError, SysfsInterface } from "../lib/sysfs/mod.ts";

export { lockZram0 } from "../bench/linux-zram.ts";

export type Op =
  | ["attr", string, string]
  | ["page", number, number]
  | ["discard", number, number]
  | ["read", number, number];

/** What one step gave: its outcome (bytes accepted, "ok", an errno name or a read's digest), and the
 * device's mm_stat and io_stat after it. */
export interface Step {
  r: number | string;
  mm: string;
  io: string;
}

/** The LZ4 levels walks use (null: not set), so pages can be chosen that both LZ4s agree on. */
export const WALK_LEVELS: (number | null)[] = [null, 2, 8, 32];

const HELPER = fileURLToPath(new URL("./zram_kernel.py", import.meta.url));

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function setup(devicePages: number, level: number | null): Op[] {
  const ops: Op[] = [["attr", "reset", "1"], ["attr", "comp_algorithm", "lz4"]];
  if (level !== null) ops.push(["attr", "algorithm_params", `level=${level}`]);
  ops.push(["attr", "disksize", String(devicePages * 4096)]);
  return ops;
}

/**
 * A walk of `steps` operations on a device of `devicePages` pages, writing pages numbered
 * 0 .. sourcePages - 1 of the walk's page file (the first `sameSources` of them are same-filled).
 */
export function walk(seed: number, steps: number, devicePages: number, sourcePages: number, sameSources: number): Op[] {
  const rand = prng(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const ops = setup(devicePages, WALK_LEVELS[pick(WALK_LEVELS.length)]);
  // A handful of distinct pages per walk, so that its classes fill zspages that thinning leaves sparse.
  const palette = Array.from({ length: 6 }, () => sameSources + pick(sourcePages - sameSources));
  for (let i = 0; i < steps; i++) {
    const x = rand();
    if (x < 0.6) {
      const source = rand() < 0.15 ? pick(sameSources) : palette[pick(palette.length)];
      ops.push(["page", pick(devicePages), source]);
    } else if (x < 0.67) {
      const count = 1 + pick(16);
      ops.push(["discard", pick(devicePages - count), count]);
    } else if (x < 0.7) {
      // Thinning: every second or third page of a stretch, leaving sparse zspages for compaction.
      const stride = 2 + pick(2);
      const base = pick(devicePages - 32 * stride);
      for (let j = 0; j < 32; j++) ops.push(["discard", base + j * stride, 1]);
    } else if (x < 0.77) {
      // Limits around a walk's pool size, so that some writes are refused; 0 lifts the limit.
      ops.push(["attr", "mem_limit", rand() < 0.3 ? "0" : String(pick(devicePages) * 1024 + pick(4096))]);
    } else if (x < 0.82) {
      ops.push(["attr", "compact", "1"]);
    } else if (x < 0.85) {
      ops.push(["attr", "mem_used_max", "0"]);
    } else if (x < 0.91) {
      const level = WALK_LEVELS[pick(WALK_LEVELS.length)];
      const choices = [level === null ? "foo=bar" : `level=${level}`, "priority=0", `algo=lz4 level=${level ?? 1}`];
      ops.push(["attr", "algorithm_params", choices[pick(choices.length)]]);
    } else if (x < 0.96) {
      const count = 1 + pick(32);
      ops.push(["read", pick(devicePages - count), count]);
    } else if (x < 0.975) {
      // An episode: 96 pages written in a row, two of three discarded, then compaction.
      const base = pick(devicePages - 96);
      for (let j = 0; j < 96; j++) ops.push(["page", base + j, palette[pick(palette.length)]]);
      for (let j = 0; j < 96; j++) if (j % 3 !== 0) ops.push(["discard", base + j, 1]);
      ops.push(["attr", "compact", "1"]);
    } else if (x < 0.98) {
      ops.push(...setup(devicePages, WALK_LEVELS[pick(WALK_LEVELS.length)]));
    } else {
      ops.push(["attr", "mem_limit", "0"]);
    }
  }
  return ops;
}

/** Runs ops on /dev/zram0 (the caller holds the lock); the helper resets the device at the end. */
export function runOnKernel(ops: Op[], pagesFile: string, scratch: string): Step[] {
  const opsFile = `${scratch}/ops.json`;
  writeFileSync(opsFile, JSON.stringify(ops));
  const out = execFileSync("python3", [HELPER, opsFile, pagesFile], { maxBuffer: 1 << 30, encoding: "utf8" });
  return JSON.parse(out) as Step[];
}

function digest(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Runs ops on a fresh emulated device. */
export function runOnEmulation(ops: Op[], pages: Uint8Array): Step[] {
  const sys = new SysfsInterface();
  const steps: Step[] = [];
  for (const op of ops) {
    let r: number | string = "ok";
    try {
      if (op[0] === "attr") {
        r = sys.writeAttr(op[1], op[2]);
      } else if (op[0] === "page") {
        sys.writePage(op[1], pages.subarray(op[2] * 4096, (op[2] + 1) * 4096));
      } else if (op[0] === "discard") {
        sys.discardPages(op[1], op[2]);
      } else {
        const out = new Uint8Array(op[2] * 4096);
        for (let i = 0; i < op[2]; i++) sys.readPage(op[1] + i, out.subarray(i * 4096, (i + 1) * 4096));
        r = digest(out);
      }
    } catch (e) {
      if (!(e instanceof SysfsError)) throw e;
      r = e.errno;
    }
    steps.push({ r, mm: sys.readAttr("mm_stat"), io: sys.readAttr("io_stat") });
  }
  sys.writeAttr("reset", "1");
  return steps;
}

/** The first step where kernel and emulation differ, described; null when they agree throughout. */
export function firstDifference(ops: Op[], kernel: Step[], emulated: Step[]): string | null {
  for (let i = 0; i < ops.length; i++) {
    const k = kernel[i];
    const e = emulated[i];
    if (k.r !== e.r || k.mm !== e.mm || k.io !== e.io) {
      return `step ${i} ${JSON.stringify(ops[i])}: kernel ${JSON.stringify(k)}, emulation ${JSON.stringify(e)}`;
    }
  }
  return null;
}
