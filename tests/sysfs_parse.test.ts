// The kernel parsers and formats the zram attributes rely on, case by case from zram-sysfs.md.
import { expect, test } from "./harness.ts";
import { errnoOf } from "./sysfs_errno.ts";
import { memparse, pageAlignU64 } from "../lib/sysfs/memparse.ts";
import { kstrtoint, kstrtou16, kstrtoull } from "../lib/sysfs/kstrto.ts";
import { parseAlgorithmParams } from "../lib/sysfs/algorithm_params.ts";
import { formatBlockStat, formatDebugStat, formatIoStat, formatMmStat } from "../lib/sysfs/format.ts";
import { humanSize } from "../lib/sysfs/zramctl.ts";
import { matchAlgorithm } from "../lib/sysfs/algorithms.ts";
import { storeInput } from "../lib/sysfs/input.ts";

test("memparse: bases, one suffix, trailing text ignored", () => {
  const page = (s: string) => pageAlignU64(memparse(s).value);
  for (const s of ["64M", "64m", "64MB", "64MiB", "64Mfoo", "67108864"]) expect(page(s), s).toBe(67108864n);
  for (const s of ["1", "1000", "1k", "0x1000", "010", "64 M", "1.5G"]) expect(page(s), s).toBe(4096n);
  expect(page("4097")).toBe(8192n);
  expect(page("1g")).toBe(1073741824n);
  for (const s of [" 64M", "+64M", "08", "0x0", "0M", "K", "\n", "abc", "-1"]) expect(memparse(s).value, s).toBe(0n);
  // Consumed characters: what mem_limit's "nothing parsed" test looks at.
  expect(memparse("abc").consumed).toBe(0);
  expect(memparse(" 1M").consumed).toBe(0);
  expect(memparse("K").consumed).toBe(1);
  expect(memparse("5000").consumed).toBe(4);
  expect(memparse("0x").consumed).toBe(1);
  // u64 wrap-around, as the real device printed for mem_limit.
  expect(pageAlignU64(memparse("99999999999999999999999").value)).toBe(200376420520689664n);
  expect(memparse("16E").value).toBe(0n);
  expect(memparse("1P").value).toBe(1n << 50n);
});

test("kstrtou16 (reset): strict decimal, one trailing newline", () => {
  for (const [s, v] of [["1", 1], ["+1", 1], ["01", 1], ["2", 2], ["65535", 65535], ["1\n", 1], ["0", 0]] as const) {
    expect(kstrtou16(s, 10), s).toBe(v);
  }
  expect(errnoOf(() => kstrtou16("65536", 10))).toBe("ERANGE");
  expect(errnoOf(() => kstrtou16("99999999999999999999999", 10))).toBe("ERANGE");
  for (const s of [" 1", "1 ", "0x1", "yes", "-1", "1\n\n", "", "+", "\n"]) {
    expect(errnoOf(() => kstrtou16(s, 10)), JSON.stringify(s)).toBe("EINVAL");
  }
});

test("kstrtoull and kstrtoint: signs, ranges", () => {
  expect(kstrtoull("+0", 10)).toBe(0n);
  expect(kstrtoull("00", 10)).toBe(0n);
  expect(errnoOf(() => kstrtoull("0x0", 10))).toBe("EINVAL");
  expect(kstrtoint("-5", 10)).toBe(-5);
  expect(kstrtoint("+3", 10)).toBe(3);
  expect(kstrtoint("2147483647", 10)).toBe(2147483647);
  expect(kstrtoint("-2147483648", 10)).toBe(-2147483648);
  expect(errnoOf(() => kstrtoint("2147483648", 10))).toBe("ERANGE");
  expect(errnoOf(() => kstrtoint("99999999999", 10))).toBe("ERANGE");
  expect(errnoOf(() => kstrtoint("abc", 10))).toBe("EINVAL");
  expect(errnoOf(() => kstrtoint("--1", 10))).toBe("EINVAL");
});

test("algorithm_params: next_arg tokens, values required, unknown keys ignored", () => {
  expect(parseAlgorithmParams("level=3").level).toBe(3);
  expect(parseAlgorithmParams("level=3\n").level).toBe(3);
  expect(parseAlgorithmParams('"level=3"').level).toBe(3);
  expect(parseAlgorithmParams("level=+3").level).toBe(3);
  expect(parseAlgorithmParams("level=-7").level).toBe(-7);
  expect(parseAlgorithmParams("foo=bar").level).toBeNull();
  expect(parseAlgorithmParams("  ").level).toBeNull();
  expect(parseAlgorithmParams("algo=zstd level=5")).toEqual({
    priority: 0,
    level: 5,
    algo: "zstd",
    dict: null,
    deflateWinbits: null,
  });
  expect(parseAlgorithmParams("priority=1").priority).toBe(1);
  for (const s of ["level", "=3", "level=", "level=3 x", "level=abc", "deflate.winbits=x", "priority=z"]) {
    expect(errnoOf(() => parseAlgorithmParams(s)), s).toBe("EINVAL");
  }
  expect(errnoOf(() => parseAlgorithmParams("level=99999999999"))).toBe("ERANGE");
});

test("comp_algorithm names match with sysfs_streq", () => {
  expect(matchAlgorithm("lz4")).toBe("lz4");
  expect(matchAlgorithm("lz4\n")).toBe("lz4");
  expect(matchAlgorithm("zstd")).toBe("zstd");
  expect(matchAlgorithm("lz4hc")).toBe("lz4hc");
  for (const bad of ["LZ4", " lz4", "lz4 ", "lzo", "lzo-rle", "deflate", "842", "lz4\n\n", ""]) {
    expect(matchAlgorithm(bad), JSON.stringify(bad)).toBe(undefined);
  }
});

test("stat formats: the kernel's widths and separators", () => {
  expect(formatMmStat({
    origDataSize: 0,
    comprDataSize: 0,
    memUsedTotal: 0,
    memLimit: 0n,
    memUsedMax: 0,
    samePages: 0,
    pagesCompacted: 0,
    hugePages: 0,
    hugePagesSince: 0,
  })).toBe("       0        0        0        0        0        0        0        0        0\n");
  expect(formatMmStat({
    origDataSize: 268435456,
    comprDataSize: 87704271,
    memUsedTotal: 88715264,
    memLimit: 0n,
    memUsedMax: 88715264,
    samePages: 39424,
    pagesCompacted: 0,
    hugePages: 13056,
    hugePagesSince: 13056,
  })).toBe("268435456 87704271 88715264        0 88715264    39424        0    13056    13056\n");
  expect(formatIoStat({ failedReads: 0, failedWrites: 0, notifyFree: 0 })).toBe("       0        0 0        0\n");
  expect(formatDebugStat(0)).toBe("version: 1\n0        0\n");
  const zeros = Object.fromEntries([
    "readIos",
    "readMerges",
    "readSectors",
    "readTicks",
    "writeIos",
    "writeMerges",
    "writeSectors",
    "writeTicks",
    "inFlight",
    "ioTicks",
    "timeInQueue",
    "discardIos",
    "discardMerges",
    "discardSectors",
    "discardTicks",
    "flushIos",
    "flushTicks",
  ].map((k) => [k, 0])) as unknown as Parameters<typeof formatBlockStat>[0];
  expect(formatBlockStat({ ...zeros, writeIos: 3, writeSectors: 24 })).toBe(
    "       0        0        0        0        3        0       24        0        0        0        0        0" +
      "        0        0        0        0        0\n",
  );
});

test("zramctl sizes: util-linux short binary units with one rounded decimal", () => {
  // Each pair as the real zramctl printed it for this byte count.
  const cases: [number, string][] = [
    [0, "0B"],
    [12288, "12K"],
    [6447104, "6.1M"],
    [6338069, "6M"],
    [6496256, "6.2M"],
    [67108864, "64M"],
    [1 << 30, "1G"],
  ];
  for (const [bytes, text] of cases) expect(humanSize(bytes), String(bytes)).toBe(text);
});

test("sysfs input: cut to one page, C string up to the first NUL", () => {
  expect(storeInput("lz4\n")).toEqual({ length: 4, text: "lz4\n" });
  expect(storeInput("x".repeat(5000)).length).toBe(4096);
  expect(storeInput(new Uint8Array([0x6c, 0x7a, 0x34, 0, 0x78]))).toEqual({ length: 5, text: "lz4" });
  expect(storeInput("")).toEqual({ length: 0, text: "" });
});
