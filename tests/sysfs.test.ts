// Every numbered acceptance case of zram-sysfs.md, against the emulated device.
import { corpusFile, expect, nth, test } from "./harness.ts";
import { errnoOf } from "./sysfs_errno.ts";
import { randomBytes, repeated, textPage } from "./pages.ts";
import { formatZramctl, SysfsInterface, type ZramctlOptions } from "../lib/sysfs/mod.ts";
import { parseStatFields } from "../lib/sysfs/format.ts";

const FRESH_MM = "       0        0        0        0        0        0        0        0        0\n";
const FRESH_IO = "       0        0 0        0\n";
const FRESH_DEBUG = "version: 1\n0        0\n";

function mm(sys: SysfsInterface): number[] {
  return parseStatFields(sys.readAttr("mm_stat"));
}

function initialised(disksize = "64M"): SysfsInterface {
  const sys = new SysfsInterface();
  sys.writeAttr("disksize", disksize);
  return sys;
}

test("case 1: a fresh device", () => {
  const sys = new SysfsInterface();
  expect(sys.readAttr("disksize")).toBe("0\n");
  expect(sys.readAttr("initstate")).toBe("0\n");
  expect(sys.readAttr("mm_stat")).toBe(FRESH_MM);
  expect(sys.readAttr("io_stat")).toBe(FRESH_IO);
  expect(sys.readAttr("debug_stat")).toBe(FRESH_DEBUG);
  expect(sys.readAttr("comp_algorithm")).toBe("[lz4] lz4hc zstd \n");
  expect(sys.readAttr("size")).toBe("0\n");
  expect(sys.device()).toBeNull();
});

test("case 2: write-only files refuse reads, read-only files refuse writes (EACCES); unknown is ENOENT", () => {
  const sys = new SysfsInterface();
  for (const name of ["mem_limit", "mem_used_max", "reset", "compact", "idle", "algorithm_params"]) {
    expect(errnoOf(() => sys.readAttr(name)), name).toBe("EACCES");
  }
  for (const name of ["mm_stat", "io_stat", "stat", "initstate", "debug_stat", "size"]) {
    expect(errnoOf(() => sys.writeAttr(name, "1")), name).toBe("EACCES");
  }
  expect(errnoOf(() => sys.readAttr("max_comp_streams"))).toBe("ENOENT");
  expect(errnoOf(() => sys.writeAttr("nope", "1"))).toBe("ENOENT");
});

test("case 3: comp_algorithm names", () => {
  const sys = new SysfsInterface();
  expect(sys.writeAttr("comp_algorithm", "zstd\n")).toBe(5);
  expect(sys.readAttr("comp_algorithm")).toBe("lz4 lz4hc [zstd] \n");
  expect(sys.writeAttr("comp_algorithm", "lz4\n")).toBe(4);
  expect(sys.readAttr("comp_algorithm")).toBe("[lz4] lz4hc zstd \n");
  for (const bad of ["LZ4\n", " lz4\n", "lzo-rle", "deflate", "brotli", "x".repeat(127)]) {
    expect(errnoOf(() => sys.writeAttr("comp_algorithm", bad)), bad).toBe("EINVAL");
  }
  expect(errnoOf(() => sys.writeAttr("comp_algorithm", "x".repeat(128)))).toBe("E2BIG");
  expect(errnoOf(() => sys.writeAttr("comp_algorithm", "x".repeat(127) + "\n"))).toBe("E2BIG");
  expect(sys.readAttr("comp_algorithm")).toBe("[lz4] lz4hc zstd \n");
});

test("case 4: disksize parsing, initstate and size", () => {
  const sys = initialised("64M\n");
  expect(sys.readAttr("disksize")).toBe("67108864\n");
  expect(sys.readAttr("initstate")).toBe("1\n");
  expect(sys.readAttr("size")).toBe("131072\n");
  expect(sys.device()?.size).toBe(67108864);
  for (const [input, shown] of [["1000", "4096\n"], ["64 M", "4096\n"], ["0x1000", "4096\n"], ["1g", "1073741824\n"]]) {
    const s = initialised(input);
    expect(s.readAttr("disksize"), input).toBe(shown);
  }
});

test("case 5: disksize refuses what parses to zero (EINVAL), and what cannot be allocated (ENOMEM)", () => {
  const sys = new SysfsInterface();
  for (const bad of ["0", "abc", "-1", " 64M", "+64M", "08", "0x0", "0M", "K", "\n"]) {
    expect(errnoOf(() => sys.writeAttr("disksize", bad)), JSON.stringify(bad)).toBe("EINVAL");
  }
  for (const huge of ["1E", "1P", "99999999999999999999"]) {
    expect(errnoOf(() => sys.writeAttr("disksize", huge)), huge).toBe("ENOMEM");
  }
  expect(sys.readAttr("initstate")).toBe("0\n");
  expect(sys.readAttr("disksize")).toBe("0\n");
});

test("case 6: an initialised device refuses reconfiguration", () => {
  const sys = initialised();
  expect(errnoOf(() => sys.writeAttr("disksize", "128M"))).toBe("EBUSY");
  expect(errnoOf(() => sys.writeAttr("disksize", "0"))).toBe("EINVAL");
  expect(errnoOf(() => sys.writeAttr("comp_algorithm", "zstd"))).toBe("EBUSY");
  expect(errnoOf(() => sys.writeAttr("comp_algorithm", "nope"))).toBe("EINVAL");
  expect(sys.readAttr("disksize")).toBe("67108864\n");
  expect(sys.readAttr("comp_algorithm")).toBe("[lz4] lz4hc zstd \n");
});

test("case 7: mem_limit rounds up to a page, shows as mm_stat field 4, works in either state", () => {
  const sys = new SysfsInterface();
  sys.writeAttr("mem_limit", "5000");
  expect(mm(sys)[3]).toBe(8192);
  for (const bad of ["abc", "-1", " 1M"]) expect(errnoOf(() => sys.writeAttr("mem_limit", bad)), bad).toBe("EINVAL");
  expect(mm(sys)[3]).toBe(8192);
  sys.writeAttr("mem_limit", "0");
  expect(mm(sys)[3]).toBe(0);
  sys.writeAttr("disksize", "1M");
  sys.writeAttr("mem_limit", "1M");
  expect(mm(sys)[3]).toBe(1048576);
  expect(sys.device()?.memLimit).toBe(1048576);
  // u64 arithmetic exactly as the kernel's (seen on the real device).
  sys.writeAttr("mem_limit", "99999999999999999999999");
  expect(sys.readAttr("mm_stat").split(/\s+/)[4]).toBe("200376420520689664");
  sys.writeAttr("mem_limit", "16E");
  expect(mm(sys)[3]).toBe(0);
});

test("case 8: mem_used_max accepts only 0 and restarts the high-water mark", () => {
  const fresh = new SysfsInterface();
  for (const ok of ["0", "00", "+0", "0\n"]) expect(fresh.writeAttr("mem_used_max", ok), ok).toBe(ok.length);
  for (const bad of ["1", "abc", "0x0", " 0"]) {
    expect(errnoOf(() => fresh.writeAttr("mem_used_max", bad)), bad).toBe("EINVAL");
  }
  const sys = initialised();
  for (let i = 0; i < 8; i++) sys.writePage(i, randomBytes(4096, i + 1));
  sys.discardPages(0, 6);
  const [, , total, , max] = mm(sys);
  expect(max).toBe(8 * 4096);
  expect(total).toBe(2 * 4096);
  sys.writeAttr("mem_used_max", "0");
  expect(mm(sys)[4]).toBe(mm(sys)[2]);
});

test("case 9: reset's strict u16 parsing", () => {
  const sys = new SysfsInterface();
  expect(errnoOf(() => sys.writeAttr("reset", "0"))).toBe("EINVAL");
  expect(errnoOf(() => sys.writeAttr("reset", "65536"))).toBe("ERANGE");
  for (const ok of ["2", "+1", "01", "1", "65535", "1\n"]) {
    expect(errnoOf(() => sys.writeAttr("reset", ok)), ok).toBe("ok");
  }
  for (const bad of [" 1", "1 ", "0x1", "yes", "-1", "1\n\n"]) {
    expect(errnoOf(() => sys.writeAttr("reset", bad)), JSON.stringify(bad)).toBe("EINVAL");
  }
});

test("case 9b: reset of an open device is EBUSY", () => {
  const sys = initialised();
  sys.open();
  expect(errnoOf(() => sys.writeAttr("reset", "1"))).toBe("EBUSY");
  expect(sys.readAttr("initstate")).toBe("1\n");
  sys.close();
  sys.writeAttr("reset", "1");
  expect(sys.readAttr("initstate")).toBe("0\n");
});

test("case 10: compact and idle need an initialised device", () => {
  const sys = new SysfsInterface();
  expect(errnoOf(() => sys.writeAttr("compact", "1"))).toBe("EINVAL");
  expect(errnoOf(() => sys.writeAttr("idle", "all"))).toBe("EINVAL");
  sys.writeAttr("disksize", "1M");
  expect(sys.writeAttr("compact", "anything")).toBe(8);
  expect(sys.writeAttr("idle", "all")).toBe(3);
  expect(sys.writeAttr("idle", "all\n")).toBe(4);
  expect(errnoOf(() => sys.writeAttr("idle", "60"))).toBe("EINVAL");
});

test("case 11: algorithm_params", () => {
  const sys = new SysfsInterface();
  expect(sys.writeAttr("algorithm_params", "level=3")).toBe(7);
  expect(errnoOf(() => sys.writeAttr("algorithm_params", "level"))).toBe("EINVAL");
  expect(sys.writeAttr("algorithm_params", "foo=bar")).toBe(7);
  expect(errnoOf(() => sys.writeAttr("algorithm_params", "algo=zstd level=3"))).toBe("EINVAL");
  expect(sys.writeAttr("algorithm_params", "algo=lz4 level=3")).toBe(16);
  expect(errnoOf(() => sys.writeAttr("algorithm_params", "priority=1 level=1"))).toBe("EINVAL");
  expect(errnoOf(() => sys.writeAttr("algorithm_params", "level=99999999999"))).toBe("ERANGE");
  expect(errnoOf(() => sys.writeAttr("algorithm_params", "level=abc"))).toBe("EINVAL");
  expect(sys.writeAttr("algorithm_params", "level=-1")).toBe(8);
});

test("case 11b: algorithm_params level= sets the codec level", () => {
  const pages = corpusFile(0).pages.subarray(0, 64 * 4096);
  const stored = (level: string, algorithm = "zstd") => {
    const sys = new SysfsInterface();
    sys.writeAttr("comp_algorithm", algorithm);
    sys.writeAttr("algorithm_params", `level=${level}`);
    sys.writeAttr("disksize", "1M");
    for (let i = 0; i < 64; i++) sys.writePage(i, pages.subarray(i * 4096, (i + 1) * 4096));
    return nth(mm(sys), 1, "mm_stat field");
  };
  expect(stored("19")).toBeLessThan(stored("1"));
  // lz4's level is its acceleration: faster, larger output.
  expect(stored("64", "lz4")).toBeGreaterThan(stored("1", "lz4"));
});

test("case 11c: on an initialised device level= applies from the next write; a write without level unsets it", () => {
  const pages = corpusFile(0).pages.subarray(0, 32 * 4096);
  const sys = new SysfsInterface();
  sys.writeAttr("comp_algorithm", "lz4");
  sys.writeAttr("disksize", "1M");
  /** compr_data_size growth of writing the 32 pages at page `at`. */
  const grows = (at: number) => {
    const before = nth(mm(sys), 1, "mm_stat field");
    for (let i = 0; i < 32; i++) sys.writePage(at + i, pages.subarray(i * 4096, (i + 1) * 4096));
    return nth(mm(sys), 1, "mm_stat field") - before;
  };
  const unset = grows(0);
  sys.writeAttr("algorithm_params", "level=64");
  const fast = grows(32);
  expect(fast).toBeGreaterThan(unset);
  expect(grows(64)).toBe(fast);
  // Replaced as a whole: a write without level returns to "not set" (acceleration 1); an empty one
  // changes nothing.
  sys.writeAttr("algorithm_params", "level=64");
  expect(sys.writeAttr("algorithm_params", "")).toBe(0);
  expect(grows(96)).toBe(fast);
  sys.writeAttr("algorithm_params", "priority=0");
  expect(grows(128)).toBe(unset);
  sys.writeAttr("algorithm_params", "level=64");
  sys.writeAttr("algorithm_params", "foo=bar");
  expect(grows(160)).toBe(unset);
  // The kernel's level is unbounded (and wraps at 2^26); the emulation bounds lz4's at 65537.
  sys.writeAttr("algorithm_params", "level=100000000");
  const bounded = grows(192);
  sys.writeAttr("algorithm_params", "level=65537");
  expect(grows(224)).toBe(bounded);
});

test("case 12: one zero page", () => {
  const sys = initialised();
  sys.writePage(0, new Uint8Array(4096));
  expect(sys.readAttr("mm_stat")).toBe(
    "    4096        0        0        0        0        1        0        0        0\n",
  );
});

test("case 13: a random page is huge; overwritten with zeros it becomes a same page", () => {
  const sys = initialised();
  sys.writePage(5, randomBytes(4096, 13));
  expect(mm(sys)).toEqual([4096, 4096, 4096, 0, 4096, 0, 0, 1, 1]);
  sys.writePage(5, new Uint8Array(4096));
  expect(mm(sys)).toEqual([4096, 0, 0, 0, 4096, 1, 0, 0, 1]);
});

test("case 14: same-filled means all 64-bit words equal", () => {
  const sys = initialised();
  const patterns = [[0xab], [1, 2], [1, 2, 3, 4], [1, 2, 3, 4, 5, 6, 7, 8]];
  patterns.forEach((p, i) => sys.writePage(i, repeated(p)));
  expect(mm(sys)[5]).toBe(4);
  expect(nth(mm(sys), 1, "mm_stat field")).toBe(0);
  sys.writePage(10, repeated([1, 2, 3]));
  sys.writePage(11, repeated(Array.from({ length: 16 }, (_, i) => i)));
  const [orig, compr, , , , same, , huge] = mm(sys);
  expect(orig).toBe(6 * 4096);
  expect(same).toBe(4);
  expect(huge).toBe(0);
  expect(compr).toBeGreaterThan(0);
  expect(compr).toBeLessThan(200);
  const out = new Uint8Array(4096);
  sys.readPage(2, out);
  expect(out).toEqualBytes(repeated([1, 2, 3, 4]));
  sys.readPage(10, out);
  expect(out).toEqualBytes(repeated([1, 2, 3]));
});

test("case 15: discard frees every page in range and counts one notify_free per page", () => {
  const sys = initialised();
  const written = [0, 1, 2, 3, 5, 7, 8, 10, 12, 13, 15];
  for (const i of written) sys.writePage(100 + i, i % 2 ? textPage() : randomBytes(4096, i + 1));
  sys.writePage(99, textPage());
  sys.discardPages(100, 16);
  expect(sys.readAttr("io_stat")).toBe("       0        0 0       16\n");
  const out = new Uint8Array(4096);
  for (let i = 0; i < 16; i++) {
    sys.readPage(100 + i, out.fill(0xee));
    expect(out).toEqualBytes(new Uint8Array(4096));
  }
  expect(mm(sys)[0]).toBe(4096);
  sys.readPage(99, out);
  expect(out).toEqualBytes(textPage());
});

test("case 16: a write refused by mem_limit is EIO, counted, and the old page stays", () => {
  const sys = initialised();
  const first = randomBytes(4096, 1);
  sys.writePage(0, first);
  sys.writeAttr("mem_limit", "4096");
  expect(errnoOf(() => sys.writePage(0, randomBytes(4096, 2)))).toBe("EIO");
  expect(sys.readAttr("io_stat")).toBe("       0        1 0        0\n");
  const out = new Uint8Array(4096);
  sys.readPage(0, out);
  expect(out).toEqualBytes(first);
  expect(mm(sys)).toEqual([4096, 4096, 4096, 4096, 8192, 0, 0, 1, 1]);
  // Same-filled pages need no pool memory, so the limit does not refuse them.
  sys.writePage(1, new Uint8Array(4096));
  expect(mm(sys)[5]).toBe(1);
});

test("case 17: unwritten pages read as zeros; reset returns to the fresh state", () => {
  const sys = new SysfsInterface();
  sys.writeAttr("comp_algorithm", "zstd");
  sys.writeAttr("mem_limit", "1M");
  sys.writeAttr("disksize", "1M");
  const out = new Uint8Array(4096).fill(1);
  expect(sys.readPage(3, out)).toBe(4096);
  expect(out).toEqualBytes(new Uint8Array(4096));
  expect(sys.readPage(256, out)).toBe(0);
  expect(errnoOf(() => sys.writePage(256, out))).toBe("ENOSPC");
  sys.writePage(0, randomBytes(4096, 3));
  sys.discardPages(0, 1);
  sys.writeAttr("reset", "1");
  expect(sys.readAttr("disksize")).toBe("0\n");
  expect(sys.readAttr("initstate")).toBe("0\n");
  expect(sys.readAttr("mm_stat")).toBe(FRESH_MM);
  expect(sys.readAttr("io_stat")).toBe(FRESH_IO);
  expect(sys.readAttr("debug_stat")).toBe(FRESH_DEBUG);
  expect(sys.readAttr("stat")).toBe(`${"       0 ".repeat(16)}       0\n`);
  expect(sys.readAttr("comp_algorithm")).toBe("[lz4] lz4hc zstd \n");
  expect(sys.device()).toBeNull();
});

test("case 18: comp_algorithm 'lz4\\n\\n' is accepted and then no name is bracketed", () => {
  const sys = new SysfsInterface();
  expect(sys.writeAttr("comp_algorithm", "lz4\n\n")).toBe(5);
  expect(sys.readAttr("comp_algorithm")).toBe("lz4 lz4hc zstd \n");
  sys.writeAttr("disksize", "1M");
  sys.writePage(0, textPage());
  expect(nth(mm(sys), 1, "mm_stat field")).toBeGreaterThan(0);
});

test("case 19: a zero-length write returns 0 and changes nothing", () => {
  for (const init of [false, true]) {
    const sys = init ? initialised() : new SysfsInterface();
    const before = ["disksize", "initstate", "comp_algorithm", "mm_stat", "io_stat"].map((a) => sys.readAttr(a));
    for (
      const name of [
        "disksize",
        "reset",
        "comp_algorithm",
        "algorithm_params",
        "mem_limit",
        "mem_used_max",
        "compact",
        "idle",
      ]
    ) {
      expect(sys.writeAttr(name, ""), name).toBe(0);
      expect(sys.writeAttr(name, new Uint8Array(0)), name).toBe(0);
    }
    expect(["disksize", "initstate", "comp_algorithm", "mm_stat", "io_stat"].map((a) => sys.readAttr(a))).toEqual(
      before,
    );
  }
});

test("stat counts read and write requests and sectors, not discards", () => {
  const sys = initialised();
  for (let i = 0; i < 3; i++) sys.writePage(i, randomBytes(4096, i + 9));
  sys.readPage(1, new Uint8Array(4096));
  sys.discardPages(0, 3);
  const f = parseStatFields(sys.readAttr("stat"));
  expect(f.length).toBe(17);
  expect([f[0], f[2], f[4], f[6], f[11], f[13]]).toEqual([1, 8, 3, 24, 0, 0]);
});

test("writes longer than a page are cut to 4096 bytes", () => {
  const sys = new SysfsInterface();
  expect(errnoOf(() => sys.writeAttr("comp_algorithm", "x".repeat(5000)))).toBe("E2BIG");
  expect(sys.writeAttr("mem_limit", "1M" + " ".repeat(5000))).toBe(4096);
  expect(mm(sys)[3]).toBe(1048576);
});

test("wrong argument types are a typed InvalidInput, not a silent conversion", () => {
  const sys = initialised("1M");
  for (const value of [42, null, undefined, { length: 1 }, [49]]) {
    expect(() => sys.writeAttr("mem_limit", value as unknown as string), String(value)).toThrow("InvalidInput");
  }
  expect(mm(sys)[3]).toBe(0);
  expect(() => formatZramctl({} as SysfsInterface, "/dev/zram0")).toThrow("InvalidInput");
  expect(() => formatZramctl(sys, 0 as unknown as string)).toThrow("InvalidInput");
  expect(() => formatZramctl(sys, "/dev/zram0", null as unknown as ZramctlOptions)).toThrow("InvalidInput");
  expect(formatZramctl(sys, "/dev/zram0").startsWith("NAME")).toBeTrue();
});
