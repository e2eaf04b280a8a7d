// The CLI end to end, under both runtimes: a small --input bench (table and --json), help, bad arguments.
import { writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect, nth, test } from "./harness.ts";
import { runCli, RUNTIMES, smallPagesFile } from "./cli-helpers.ts";

const PAGES = 64;
const input = smallPagesFile(PAGES);
const quick = ["--input", input, "--rounds", "1"];

for (const runtime of Object.keys(RUNTIMES) as (keyof typeof RUNTIMES)[]) {
  test(`cli (${runtime}): bench --json reports every algorithm and backend, verified`, () => {
    const r = runCli(runtime, [
      "bench",
      ...quick,
      "--algorithms",
      "lz4,zstd:3,adaptive",
      "--backends",
      "scalar,auto",
      "--json",
    ]);
    expect(r.status, r.stderr).toBe(0);
    // stderr is a pipe here: no progress bar may be drawn on it
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout);
    expect(report.workload).toEqual({ source: input, pages: PAGES, bytes: PAGES * 4096 });
    expect(report.results.map((x: { algorithm: string }) => x.algorithm)).toEqual(
      ["lz4", "lz4", "zstd-3", "zstd-3", "adaptive", "adaptive"],
    );
    for (const x of report.results) {
      expect(x.pages).toBe(PAGES);
      expect(x.roundTripVerified).toBeTrue();
      expect(x.ratio, x.algorithm).toBeGreaterThan(1);
      expect(x.ratio).toBeCloseTo((PAGES * 4096) / x.storedBytes, 1e-9);
      expect(x.compressGBps).toBeGreaterThan(0);
      expect(x.decompressGBps).toBeGreaterThan(0);
      expect(x.rounds).toBe(1);
      // One round: the median, slowest and fastest pass are the same pass.
      expect(x.compress).toEqual({
        medianGBps: x.compressGBps,
        minGBps: x.compressGBps,
        maxGBps: x.compressGBps,
        spreadPercent: 0,
      });
    }
    expect(report.system.cpus).toBeGreaterThanOrEqual(1);
    expect(report.system.loadStart.loadavg.length).toBe(3);
    expect(report.system.backendLoops.vectorised.length).toBeGreaterThan(0);
    expect(report.results[0].backend).toBe("scalar");
    expect(Number.isInteger(report.results[0].threads) && report.results[0].threads >= 1).toBeTrue();
  });

  test(`cli (${runtime}): bench prints a table with the threads asked for, the load, rounds and spread`, () => {
    const r = runCli(runtime, [
      "bench",
      "--input",
      input,
      "--rounds",
      "3",
      "--algorithms",
      "lz4",
      "--backends",
      "auto",
      "--threads",
      "1",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(nth(lines, 0, "line")).toBe(`workload: ${input}, ${PAGES} pages (0.3 MiB)`);
    expect(
      /^system load \(1\/5\/15 min\): [0-9.]+ [0-9.]+ [0-9.]+ at start, [0-9.]+ [0-9.]+ [0-9.]+ at end; [0-9]+ CPUs; 3 interleaved rounds, median and spread$/
        .test(nth(lines, 1, "line")),
      nth(lines, 1, "line"),
    ).toBeTrue();
    expect(nth(lines, 2, "line").split(/\s{2,}/)).toEqual(
      [
        "algorithm",
        "backend",
        "threads",
        "pages",
        "compress GB/s",
        "+-",
        "decompress GB/s",
        "+-",
        "ratio",
        "same",
        "raw",
      ],
    );
    const row = nth(lines, 3, "line").split(/\s+/);
    expect(row[0]).toBe("lz4");
    expect(row[2]).toBe("1");
    expect(row[3]).toBe(String(PAGES));
    expect(/^[0-9]+%$/.test(nth(row, 5, "field"))).toBeTrue();
    expect(nth(lines, 4, "line").startsWith("backends differ only in: same-fill check")).toBeTrue();
  });

  test(`cli (${runtime}): help exits 0, no command exits 2`, () => {
    const help = runCli(runtime, ["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout.startsWith("Usage: trueno-zram <command>")).toBeTrue();
    for (const command of ["bench", "estimate", "capture", "entropy", "top", "zramctl"]) {
      const h = runCli(runtime, [command, "-h"]);
      expect(h.status, command).toBe(0);
      expect(h.stdout.startsWith(`Usage: trueno-zram ${command}`), command).toBeTrue();
      expect(h.stdout.includes("--json"), `${command} --json`).toBeTrue();
      expect(h.stdout.includes("${"), `${command}: an unfilled template`).toBeFalse();
      expect(help.stdout.includes(`  ${command} `), `${command} in the main help`).toBeTrue();
    }
    expect(runCli(runtime, ["bench", "--help"]).stdout.includes("--algorithms LIST")).toBeTrue();
    const none = runCli(runtime, []);
    expect(none.status).toBe(2);
    expect(none.stderr.includes("Usage: trueno-zram <command>")).toBeTrue();
  });

  test(`cli (${runtime}): bad arguments exit 2 with a clear message`, () => {
    const notPages = input + ".odd";
    writeFileSync(notPages, new Uint8Array(5000));
    const cases: [string[], string][] = [
      [["frobnicate"], "unknown command 'frobnicate'"],
      [["bench", "--speed", "9"], "unknown option '--speed'"],
      [["bench", "--threads", "two"], "option '--threads' needs a whole number, got 'two'"],
      [["bench", "--threads", "0"], "option '--threads' must be between 1 and 256, got 0"],
      [["bench", "--threads"], "option '--threads' needs a value"],
      [["bench", "--algorithms", "lzma"], "unknown algorithm 'lzma'"],
      [["bench", "--algorithms", "zstd:20"], "level must be a whole number from 1 to 19"],
      [["bench", "--backends", "sse9"], "unknown backend 'sse9'"],
      [["bench", "--input", notPages], "5000 bytes is not a whole number of 4096-byte pages"],
      [["bench", "--input", input + ".missing"], "cannot read"],
      [["bench", "--input", dirname(input)], "not a regular file"],
      [["bench", "--input", input, "--pages", "4"], "--pages applies to the built-in workload only"],
      [["bench", "--json=yes"], "option '--json' takes no value"],
      [["bench", "extra"], "unexpected argument 'extra'"],
    ];
    for (const [args, message] of cases) {
      const r = runCli(runtime, args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stdout, args.join(" ")).toBe("");
      expect(r.stderr.includes(message), `${args.join(" ")} -> ${r.stderr}`).toBeTrue();
    }
  });
}

for (const runtime of Object.keys(RUNTIMES) as (keyof typeof RUNTIMES)[]) {
  test(`cli (${runtime}): zramctl prints the emulated device like util-linux zramctl`, () => {
    const r = runCli(runtime, ["zramctl", "--input", input, "--algorithm", "lz4", "--disksize", "1M"]);
    expect(r.status, r.stderr).toBe(0);
    const [header = "", row = "", ...rest] = r.stdout.split("\n");
    expect(header.split(/\s+/)).toEqual([
      "NAME",
      "ALGORITHM",
      "DISKSIZE",
      "DATA",
      "COMPR",
      "TOTAL",
      "STREAMS",
      "MOUNTPOINT",
    ]);
    expect(row.trim().split(/\s+/).slice(0, 4)).toEqual(["/dev/zram0", "lz4", "1M", "256K"]);
    expect(rest).toEqual([""]);

    const json = runCli(runtime, ["zramctl", "--input", input, "--algorithm", "lz4", "--disksize", "1M", "--json"]);
    expect(json.status, json.stderr).toBe(0);
    const [device, ...others] = JSON.parse(json.stdout);
    expect(others).toEqual([]);
    expect([device.name, device.algorithm, device.disksize, device.origDataSize, device.memLimit])
      .toEqual(["/dev/zram0", "lz4", 1 << 20, PAGES * 4096, 0]);
    expect(device.comprDataSize).toBeGreaterThan(0);

    const cases: [string[], string][] = [
      [["zramctl", "--algorithm", "brotli"], "comp_algorithm 'brotli' refused: EINVAL"],
      [["zramctl", "--disksize", "abc"], "disksize 'abc' refused: EINVAL"],
      [["zramctl", "--input", input, "--disksize", "64K"], "64 pages do not fit a disksize of 16 pages"],
      [["zramctl", "--name", "a b"], "--name 'a b'"],
    ];
    for (const [args, message] of cases) {
      const bad = runCli(runtime, args);
      expect(bad.status, args.join(" ")).toBe(2);
      expect(bad.stderr.includes(message), `${args.join(" ")} -> ${bad.stderr}`).toBeTrue();
    }
  });
}
