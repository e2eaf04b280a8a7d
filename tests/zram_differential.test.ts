// The emulation against the kernel: when /sys/block/zram0 is present and writable, both devices get
// the same configuration, bad inputs, page writes (O_DIRECT), discards (BLKDISCARD) and reset, and
// must answer with the same text and the same errors. The pool is zsmalloc's, so mem_used_total,
// mem_used_max and pages_compacted match exactly too; only compressed sizes may differ a little on real
// pages (the kernel's older LZ4 port), so the step-by-step walks use pages both LZ4s agree on. Every
// test holds the zram0 lock (/run/lock/trueno-zram-zram0.lock) throughout and resets the device.
import { execFileSync } from "node:child_process";
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import { corpus, corpusFile, expect, nth, test } from "./harness.ts";
import { randomBytes, repeated, textPage } from "./pages.ts";
import { formatZramctl, SysfsError, SysfsInterface } from "../lib/sysfs/mod.ts";
import { parseStatFields } from "../lib/sysfs/format.ts";
import {
  firstDifference,
  lockZram0,
  type Op,
  runOnEmulation,
  runOnKernel,
  setup,
  walk,
  WALK_LEVELS,
} from "./zram_walks.ts";

const SYS = "/sys/block/zram0";
const DEV = "/dev/zram0";

/** Why the kernel device cannot be used here, or null when it can. */
function unusableBecause(): string | null {
  if (!existsSync(`${SYS}/reset`) || !existsSync(DEV)) return `${SYS} or ${DEV} does not exist`;
  try {
    accessSync(`${SYS}/reset`, constants.W_OK);
    accessSync(DEV, constants.W_OK);
  } catch {
    return `${SYS} is not writable by this user`;
  }
  if (readFileSync("/proc/swaps", "utf8").includes(DEV) || readFileSync("/proc/mounts", "utf8").includes(DEV)) {
    return `${DEV} is in use (swap or mounted)`;
  }
  for (const tool of ["dd", "blkdiscard", "zramctl", "flock", "python3"]) {
    try {
      execFileSync(tool, ["--version"], { stdio: "ignore" });
    } catch {
      return `${tool} is not installed`;
    }
  }
  return null;
}

/** The errno name of a failed node:fs call (Deno leaves some, like ERANGE, only in the message). */
function errnoName(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code)) return code;
  const number = /os error (\d+)/.exec(String(e))?.[1];
  const names = osConstants.errno as Record<string, number>;
  const name = Object.keys(names).find((k) => String(names[k]) === number);
  return name ?? String(e);
}

/** Bytes accepted, or the errno name, of one write(2) to a kernel attribute. */
function kernelWrite(attr: string, value: string): number | string {
  let fd = -1;
  try {
    fd = openSync(`${SYS}/${attr}`, "w");
    return writeSync(fd, Buffer.from(value, "latin1"));
  } catch (e) {
    return errnoName(e);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

function kernelRead(attr: string): string {
  try {
    return readFileSync(`${SYS}/${attr}`, "latin1");
  } catch (e) {
    return errnoName(e);
  }
}

function emuWrite(sys: SysfsInterface, attr: string, value: string): number | string {
  try {
    return sys.writeAttr(attr, new Uint8Array(Buffer.from(value, "latin1")));
  } catch (e) {
    if (e instanceof SysfsError) return e.errno;
    throw e;
  }
}

function emuRead(sys: SysfsInterface, attr: string): string {
  try {
    return sys.readAttr(attr);
  } catch (e) {
    if (e instanceof SysfsError) return e.errno;
    throw e;
  }
}

/** The error name dd reports, or "ok". */
function ddError(e: unknown): string {
  const text = String((e as { stderr?: unknown }).stderr ?? e);
  if (text.includes("Input/output error")) return "EIO";
  if (text.includes("No space left")) return "ENOSPC";
  if (text.includes("Invalid argument")) return "EINVAL";
  return text;
}

class Pair {
  readonly sys = new SysfsInterface();
  readonly scratch = mkdtempSync(`${tmpdir()}/zram-diff-`);

  /** The same attribute write to both; both must answer alike. */
  write(attr: string, value: string): void {
    expect(emuWrite(this.sys, attr, value), `${attr} <- ${JSON.stringify(value)}`).toBe(kernelWrite(attr, value));
  }

  read(attr: string): string {
    const kernel = kernelRead(attr);
    expect(emuRead(this.sys, attr), `read ${attr}`).toBe(kernel);
    return kernel;
  }

  /** The pages at page index `first`, one 4 KiB O_DIRECT write each. */
  writePages(first: number, pages: Uint8Array): void {
    const file = `${this.scratch}/pages`;
    writeFileSync(file, pages);
    const count = pages.length / 4096;
    let kernel = "ok";
    try {
      execFileSync("dd", [
        `if=${file}`,
        `of=${DEV}`,
        "bs=4096",
        `seek=${first}`,
        `count=${count}`,
        "oflag=direct",
        "status=none",
      ], { stdio: "pipe" });
    } catch (e) {
      kernel = ddError(e);
    }
    let emulated = "ok";
    for (let i = 0; i < count && emulated === "ok"; i++) {
      try {
        this.sys.writePage(first + i, pages.subarray(i * 4096, (i + 1) * 4096));
      } catch (e) {
        if (!(e instanceof SysfsError)) throw e;
        emulated = e.errno;
      }
    }
    expect(emulated, `writing ${count} pages at ${first}`).toBe(kernel);
  }

  readPages(first: number, count: number): Uint8Array {
    const kernel = new Uint8Array(
      execFileSync("dd", [`if=${DEV}`, "bs=4096", `skip=${first}`, `count=${count}`, "iflag=direct", "status=none"], {
        maxBuffer: 1 << 28,
      }),
    );
    const emulated = new Uint8Array(count * 4096);
    for (let i = 0; i < count; i++) this.sys.readPage(first + i, emulated.subarray(i * 4096, (i + 1) * 4096));
    expect(emulated, `reading ${count} pages at ${first}`).toEqualBytes(kernel);
    return kernel;
  }

  discard(first: number, count: number): void {
    execFileSync("blkdiscard", ["-f", "-o", String(first * 4096), "-l", String(count * 4096), DEV], { stdio: "pipe" });
    this.sys.discardPages(first, count);
  }

  /** mm_stat: exact but for compr_data_size (within `comprTolerance`, the LZ4 residue) and, when that
   * tolerance is not 0, the pool fields 3 and 5 (a page a few bytes longer may land in another class). */
  compareMmStat(comprTolerance: number): void {
    const k = parseStatFields(kernelRead("mm_stat"));
    const e = parseStatFields(this.sys.readAttr("mm_stat"));
    const exact = comprTolerance === 0 ? [0, 1, 2, 3, 4, 5, 6, 7, 8] : [0, 3, 5, 6, 7, 8];
    for (const i of exact) expect(e[i], `mm_stat field ${i + 1}`).toBe(k[i]);
    const [eCompr, kCompr] = [nth(e, 1, "mm_stat field"), nth(k, 1, "mm_stat field")];
    expect(Math.abs(eCompr - kCompr) <= comprTolerance * Math.max(kCompr, 1), `compr_data_size ${eCompr} vs ${kCompr}`)
      .toBeTrue();
    expect(nth(e, 4, "mm_stat field") >= nth(e, 2, "mm_stat field"), "mem_used_max >= mem_used_total").toBeTrue();
  }

  /** The counters that do not depend on compressed sizes or on the pool: all exact. */
  compareCounters(): void {
    this.read("io_stat");
    this.read("debug_stat");
    const k = parseStatFields(kernelRead("stat"));
    const e = parseStatFields(this.sys.readAttr("stat"));
    // Write requests and sectors, discards and flushes; reads are left out (udev and blkdiscard probe
    // the kernel device), and so are the times.
    for (const i of [4, 5, 6, 11, 12, 13, 15]) expect(e[i], `stat field ${i + 1}`).toBe(k[i]);
  }

  cleanup(): void {
    kernelWrite("reset", "1");
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

const reason = unusableBecause();

test("differential: configuration and bad inputs answer as the kernel does", async () => {
  if (reason !== null) {
    console.log(`skipped: ${reason}`);
    return;
  }
  const unlock = await lockZram0();
  const p = new Pair();
  try {
    p.write("reset", "1");
    for (const a of ["disksize", "initstate", "mm_stat", "io_stat", "debug_stat", "size"]) p.read(a);
    for (const a of ["mem_limit", "mem_used_max", "reset", "compact", "idle", "algorithm_params"]) p.read(a);
    for (const a of ["mm_stat", "io_stat", "stat", "initstate", "debug_stat", "size"]) p.write(a, "1");
    // Names both kernels know, and names neither knows.
    for (const v of ["lz4\n", "LZ4\n", " lz4\n", "nope", "x".repeat(127), "x".repeat(128), "lz4", ""]) {
      p.write("comp_algorithm", v);
    }
    for (
      const v of ["0", "abc", "-1", " 64M", "+64M", "08", "0x0", "0M", "K", "\n", "1E", "1P", "99999999999999999999"]
    ) {
      p.write("disksize", v);
    }
    for (const v of ["5000", "abc", "-1", " 1M", "K", "99999999999999999999999", "16E", "1P", "0"]) {
      p.write("mem_limit", v);
      p.read("mm_stat");
    }
    for (const v of ["1", "abc", "0x0", "0", "00", "+0", " 0"]) p.write("mem_used_max", v);
    for (const v of ["0", "65536", " 1", "1 ", "0x1", "yes", "-1", "1\n\n", "2", "+1", "01", "1"]) p.write("reset", v);
    p.write("compact", "1");
    p.write("idle", "all");
    p.write("idle", "60");
    p.write("comp_algorithm", "lz4");
    for (
      const v of [
        "level=3",
        "level",
        "foo=bar",
        "priority=1 level=1",
        "level=99999999999",
        "level=abc",
        "=3",
        "level=3 x",
        "  ",
        "algo=lz4 level=1",
        "algo=zstd",
        "dict=/nonexistent",
        "level=-5",
        '"level=3"',
      ]
    ) {
      p.write("algorithm_params", v);
    }
    p.write("comp_algorithm", "lz4\n\n");
    expect(kernelRead("comp_algorithm").includes("[")).toBe(p.sys.readAttr("comp_algorithm").includes("["));
    p.write("reset", "1");
    p.write("comp_algorithm", "lz4");
    expect(/\[(\w+)\]/.exec(kernelRead("comp_algorithm"))?.[1]).toBe("lz4");
    expect(/\[(\w+)\]/.exec(p.sys.readAttr("comp_algorithm"))?.[1]).toBe("lz4");
    for (const v of ["1000", "64 M", "0x1000", "1g", "64M\n"]) {
      p.write("disksize", v);
      for (const a of ["disksize", "initstate", "size", "mm_stat"]) p.read(a);
      p.write("disksize", "128M");
      p.write("disksize", "0");
      p.write("comp_algorithm", "lz4");
      p.write("comp_algorithm", "nope");
      p.write("compact", "x");
      p.write("idle", "all\n");
      p.write("idle", "60");
      p.write("mem_used_max", "0");
      p.write("reset", "1");
    }
    p.compareCounters();
  } finally {
    p.cleanup();
    unlock();
  }
});

test("differential: page writes, overwrites, discards and limits move the counters alike", async () => {
  if (reason !== null) {
    console.log(`skipped: ${reason}`);
    return;
  }
  const unlock = await lockZram0();
  const p = new Pair();
  try {
    p.write("reset", "1");
    p.write("comp_algorithm", "lz4");
    p.write("disksize", "64M");
    const synthetic = [
      new Uint8Array(4096),
      repeated([0xab]),
      repeated([1, 2]),
      repeated([1, 2, 3, 4]),
      repeated([1, 2, 3, 4, 5, 6, 7, 8]),
      repeated([1, 2, 3]),
      repeated(Array.from({ length: 16 }, (_, i) => i)),
      randomBytes(4096, 1),
      randomBytes(4096, 2),
      textPage(),
    ];
    const block = new Uint8Array(synthetic.length * 4096);
    synthetic.forEach((page, i) => block.set(page, i * 4096));
    p.writePages(0, block);
    p.compareMmStat(0);
    p.compareCounters();
    // Real memory pages: compressed sizes may now differ by a few bytes in ten thousand.
    const [first, second] = [corpusFile(0), corpusFile(1)];
    p.writePages(100, first.pages.subarray(0, 600 * 4096));
    p.writePages(1000, second.pages.subarray(0, 600 * 4096));
    p.compareMmStat(0.001);
    p.compareCounters();
    // Overwrites: huge -> zero, zero -> random, text -> corpus.
    p.writePages(7, new Uint8Array(4096));
    p.writePages(0, randomBytes(4096, 3));
    p.writePages(9, first.pages.subarray(0, 4096));
    p.compareMmStat(0.001);
    // A discard of 16 pages of which 11 are written: one notify_free per page.
    p.writePages(3000, block.subarray(0, 11 * 4096));
    p.discard(2995, 16);
    p.compareMmStat(0.001);
    p.compareCounters();
    p.readPages(2990, 30);
    p.readPages(0, 12);
    p.readPages(100, 64);
    // Past the end.
    p.writePages(16384, new Uint8Array(4096));
    p.write("compact", "1");
    p.write("mem_used_max", "0");
    const k = parseStatFields(kernelRead("mm_stat"));
    const e = parseStatFields(p.sys.readAttr("mm_stat"));
    expect(k[4]).toBe(k[2]);
    expect(e[4]).toBe(e[2]);
    p.write("reset", "1");
    for (const a of ["disksize", "initstate", "mm_stat", "io_stat", "debug_stat"]) p.read(a);
  } finally {
    p.cleanup();
    unlock();
  }
});

test("differential: a write refused by mem_limit, and zramctl's view", async () => {
  if (reason !== null) {
    console.log(`skipped: ${reason}`);
    return;
  }
  const unlock = await lockZram0();
  const p = new Pair();
  try {
    // Unconfigured, the kernel still brackets its own default (lzo-rle); ours is lz4 (same width kept).
    p.write("reset", "1");
    expect(formatZramctl(p.sys, DEV)).toBe(
      execFileSync("zramctl", [DEV], { encoding: "utf8" }).replace("lzo-rle", "lz4    "),
    );
    p.write("comp_algorithm", "lz4");
    expect(formatZramctl(p.sys, DEV)).toBe(execFileSync("zramctl", [DEV], { encoding: "utf8" }));
    p.write("disksize", "1M");
    const first = randomBytes(4096, 11);
    p.writePages(0, first);
    p.write("mem_limit", "4096");
    p.writePages(0, randomBytes(4096, 12));
    p.writePages(1, new Uint8Array(4096));
    p.writePages(2, repeated([7, 7, 7, 7, 9, 9, 9, 9]));
    p.read("mm_stat");
    p.compareCounters();
    expect(p.readPages(0, 1)).toEqualBytes(first);
    p.write("mem_limit", "0");
    p.writePages(3, randomBytes(4096 * 5, 13));
    p.read("mm_stat");
    // Only same-filled and huge pages: every zramctl column is exact.
    expect(formatZramctl(p.sys, DEV)).toBe(execFileSync("zramctl", [DEV], { encoding: "utf8" }));
    expect(formatZramctl(p.sys, DEV, { listing: true })).toBe(execFileSync("zramctl", { encoding: "utf8" }));
  } finally {
    p.cleanup();
    unlock();
  }
});

/** Pages for the walks: same-filled ones first (sameCount), then text, partly random pages whose
 * compressed sizes span every class up to the huge threshold, random pages, and real memory pages. */
function walkPages(): { pages: Uint8Array; sameCount: number } {
  const list: Uint8Array[] = [
    new Uint8Array(4096),
    repeated([0xab]),
    repeated([1, 2]),
    repeated([1, 2, 3, 4]),
    repeated([9, 8, 7, 6, 5, 4, 3, 2]),
  ];
  const sameCount = list.length;
  list.push(textPage(), repeated([1, 2, 3]));
  for (let i = 1; i <= 90; i++) {
    const page = new Uint8Array(4096);
    page.set(randomBytes(Math.round((4096 * i) / 90), 1000 + i));
    list.push(page);
  }
  for (const { pages } of corpus()) {
    for (let at = 0; at + 4096 <= pages.length && list.length < 900; at += 4096 * 23) {
      list.push(pages.subarray(at, at + 4096));
    }
  }
  const pages = new Uint8Array(list.length * 4096);
  list.forEach((page, i) => pages.set(page, i * 4096));
  return { pages, sameCount };
}

/** compr_data_size after each step, as numbers. */
const comprOf = (mm: string) => nth(parseStatFields(mm), 1, "mm_stat field");

/** The indices of the pages both LZ4s compress to the same length at every walk level: each page is
 * written once per level to a fresh device, and the step's compr_data_size growth compared. */
function agreedPages(pages: Uint8Array, scratch: string, pagesFile: string): number[] {
  const count = pages.length / 4096;
  const ops: Op[] = [];
  const starts: number[] = [];
  for (const level of WALK_LEVELS) {
    ops.push(...setup(count, level));
    starts.push(ops.length);
    for (let i = 0; i < count; i++) ops.push(["page", i, i]);
  }
  const kernel = runOnKernel(ops, pagesFile, scratch);
  const emulated = runOnEmulation(ops, pages);
  const agreed: number[] = [];
  for (let i = 0; i < count; i++) {
    const same = starts.every((start) => {
      const at = start + i;
      const grew = (steps: typeof kernel) =>
        comprOf(nth(steps, at, "step").mm) - comprOf(nth(steps, at - 1, "step").mm);
      return grew(kernel) === grew(emulated);
    });
    if (same) agreed.push(i);
  }
  return agreed;
}

test("differential: 24 seeded walks and a 10,000-step workload match the kernel at every step", async () => {
  if (reason !== null) {
    console.log(`skipped: ${reason}`);
    return;
  }
  const unlock = await lockZram0();
  const scratch = mkdtempSync(`${tmpdir()}/zram-walk-`);
  try {
    const all = walkPages();
    const allFile = `${scratch}/candidates`;
    writeFileSync(allFile, all.pages);
    const agreed = agreedPages(all.pages, scratch, allFile);
    const sameCount = agreed.filter((i) => i < all.sameCount).length;
    console.log(`walk pages: ${agreed.length} of ${all.pages.length / 4096} compress alike on both LZ4s`);
    expect(sameCount).toBe(all.sameCount);
    const pages = new Uint8Array(agreed.length * 4096);
    agreed.forEach((from, i) => pages.set(all.pages.subarray(from * 4096, (from + 1) * 4096), i * 4096));
    const pagesFile = `${scratch}/pages`;
    writeFileSync(pagesFile, pages);
    const walks = Array.from(
      { length: 24 },
      (_, seed) => ({ name: `walk ${seed + 1}`, ops: walk(seed + 1, 400, 384, agreed.length, sameCount) }),
    );
    walks.push({ name: "workload", ops: walk(10_000, 10_000, 4096, agreed.length, sameCount) });
    const differences: string[] = [];
    let refused = 0;
    let compacted = 0;
    for (const { name, ops } of walks) {
      const kernel = runOnKernel(ops, pagesFile, scratch);
      const emulated = runOnEmulation(ops, pages);
      const difference = firstDifference(ops, kernel, emulated);
      if (difference !== null) differences.push(`${name}: ${difference}`);
      refused += kernel.filter((step) => step.r === "EIO").length;
      for (let i = 1; i < kernel.length; i++) {
        compacted += Math.max(0, nth(parseStatFields(kernel[i]!.mm), 6) - nth(parseStatFields(kernel[i - 1]!.mm), 6));
      }
    }
    console.log(
      `${walks.length} walks, ${
        walks.reduce((n, w) => n + w.ops.length, 0)
      } steps, ${refused} writes refused by mem_limit, ${compacted} pages freed by compaction`,
    );
    expect(differences).toEqual([]);
    // The walks did reach the behaviours they are meant to compare.
    expect(refused).toBeGreaterThan(100);
    expect(compacted).toBeGreaterThan(100);
  } finally {
    kernelWrite("reset", "1");
    rmSync(scratch, { recursive: true, force: true });
    unlock();
  }
});
