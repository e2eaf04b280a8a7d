// estimate, capture and entropy on a live child process holding known pages, and estimate --input on the
// corpus against a BlockDevice given the same pages. The CLI runs under the runtime running this file.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { Algorithm, BlockDevice, CompressorBuilder, PAGE_SIZE, shannonEntropy } from "../mod.ts";
import type { DeviceEstimate } from "../lib/cli/device-estimate.ts";
import { ProcMemError } from "../lib/procmem/errors.ts";
import { ProcessMemory } from "../lib/procmem/process.ts";
import { corpus, expect, nth, repoRoot, runtime, test } from "./harness.ts";
import { runCli, runCliJson, RUNTIMES, startHeldPages } from "./cli-helpers.ts";
import { HELD_PAGE_COUNT, heldPages, RANDOM_PAGES, textPage, ZERO_PAGES } from "./held-pages-layout.ts";

const outDir = join(repoRoot, ".cache", "cli-test", `estimate-${runtime}`);
mkdirSync(outDir, { recursive: true });

/** What a BlockDevice stores for these pages, as estimate must report it (kernel routing: no entropy skip). */
function deviceStats(pages: Uint8Array, algorithm: Algorithm) {
  const c = new CompressorBuilder().algorithm(algorithm).build();
  try {
    const dev = new BlockDevice(pages.length, c, { entropyThreshold: 8 });
    for (let at = 0; at < pages.length; at += 4096 * PAGE_SIZE) {
      dev.write(at, pages.subarray(at, Math.min(pages.length, at + 4096 * PAGE_SIZE)));
    }
    return dev.stats();
  } finally {
    c.close();
  }
}

function withoutCpu(results: DeviceEstimate[]) {
  return results.map(({ compressCpuSecondsPerGB: _c, decompressCpuSecondsPerGB: _d, ...rest }) => rest);
}

test(`estimate (${runtime}): a child holding 1000 zero, 1000 text and 1000 random pages gives those counts`, async () => {
  const child = await startHeldPages();
  try {
    const report = runCliJson(runtime, [
      "estimate",
      "--pid",
      String(child.pid),
      "--range",
      child.range,
      "--algorithms",
      "lz4,zstd:3",
    ]);
    expect(report.source.pages).toBe(HELD_PAGE_COUNT);
    expect(report.source.process.residency).toBe("pagemap");
    expect(report.source.process.truncated).toBeFalse();
    const algorithms = [Algorithm.Lz4, Algorithm.Zstd(3)];
    report.results.forEach((r: DeviceEstimate, i: number) => {
      const c = new CompressorBuilder().algorithm(nth(algorithms, i, "algorithm")).build();
      const textSize = c.compress(textPage()).data.length;
      c.close();
      expect(r.pages, r.algorithm).toBe(HELD_PAGE_COUNT);
      expect(r.samePages, r.algorithm).toBe(ZERO_PAGES);
      expect(r.zeroPages, r.algorithm).toBe(ZERO_PAGES);
      expect(r.hugePages, r.algorithm).toBe(RANDOM_PAGES);
      expect(r.comprDataSize, r.algorithm).toBe(RANDOM_PAGES * PAGE_SIZE + 1000 * textSize);
      const dev = deviceStats(heldPages(), nth(algorithms, i, "algorithm"));
      expect(r.memUsedTotal, r.algorithm).toBe(dev.memUsedTotal);
      expect(r.savedBytes).toBe(HELD_PAGE_COUNT * PAGE_SIZE - dev.memUsedTotal);
      expect(r.compressCpuSecondsPerGB).toBeGreaterThan(0);
      expect(r.decompressCpuSecondsPerGB).toBeGreaterThanOrEqual(0);
    });
  } finally {
    await child.stop();
  }
});

test(`capture (${runtime}): the captured file holds the child's exact pages, and estimate --input agrees with --pid`, async () => {
  const child = await startHeldPages();
  try {
    const pid = String(child.pid);
    const file = join(outDir, "held.pages.zst");
    const summary = runCliJson(runtime, ["capture", "--pid", pid, "--range", child.range, "-o", file]);
    expect(summary.source.pages).toBe(HELD_PAGE_COUNT);
    expect(summary.source.process.pid).toBe(child.pid);
    expect(summary.compressed).toBeTrue();
    const decoded = new Uint8Array(execFileSync("zstd", ["-q", "-d", "-c", file], { maxBuffer: 2 ** 26 }));
    expect(decoded).toEqualBytes(heldPages());

    const algorithms = ["--algorithms", "lz4,adaptive"];
    const fromPid = runCliJson(runtime, ["estimate", "--pid", pid, "--range", child.range, ...algorithms]);
    const fromFile = runCliJson(runtime, ["estimate", "--input", file, ...algorithms]);
    expect(withoutCpu(fromFile.results)).toEqual(withoutCpu(fromPid.results));

    // The whole process, bounded, through standard output and back through standard input.
    const cli = RUNTIMES[runtime].map((a) => `'${a}'`).join(" ");
    const piped = spawnSync("bash", [
      "-o",
      "pipefail",
      "-c",
      `${cli} capture --pid ${pid} --max-pages 500 -o - | ${cli} estimate --input - --algorithms lz4 --json`,
    ], { encoding: "utf8" });
    expect(piped.status, piped.stderr).toBe(0);
    const report = JSON.parse(piped.stdout);
    expect(report.source.description).toBe("standard input: 500 pages (2.0 MiB)");
    expect(report.results[0].pages).toBe(500);
  } finally {
    await child.stop();
  }
});

test(`estimate (${runtime}): --input on a corpus file equals what a BlockDevice stores for the same pages`, () => {
  const file = corpus().find((f) => f.name === "mem-redis.pages")!;
  const path = join(repoRoot, ".cache", "corpus", file.name);
  const report = runCliJson(runtime, ["estimate", "--input", path, "--algorithms", "lz4,adaptive"]);
  [Algorithm.Lz4, Algorithm.Adaptive].forEach((algorithm, i) => {
    const r: DeviceEstimate = report.results[i];
    const dev = deviceStats(file.pages, algorithm);
    expect(
      { pages: r.pages, same: r.samePages, huge: r.hugePages, compr: r.comprDataSize, mem: r.memUsedTotal },
      r.algorithm,
    )
      .toEqual({
        pages: dev.pagesStored,
        same: dev.samePages,
        huge: dev.hugePages,
        compr: dev.comprDataSize,
        mem: dev.memUsedTotal,
      });
  });
});

test(`entropy (${runtime}): the child's zero, text and random pages land in their bins and routes`, async () => {
  const child = await startHeldPages();
  try {
    const p = runCliJson(runtime, ["entropy", "--pid", String(child.pid), "--range", child.range]);
    const text = shannonEntropy(textPage());
    const bin = (bits: number) => p.bins[Math.min(15, Math.floor(bits / 0.5))];
    expect(p.pages).toBe(HELD_PAGE_COUNT);
    expect(p.source.process.residency).toBe("pagemap");
    expect(bin(0).routes.same).toBe(ZERO_PAGES);
    expect(bin(text).routes.lz4).toBe(1000);
    expect(bin(8).routes["raw (entropy)"]).toBe(RANDOM_PAGES);
    expect(p.routes).toEqual({ same: ZERO_PAGES, lz4: 1000, zstd: 0, "raw (entropy)": RANDOM_PAGES, huge: 0 });
    // With the limit at 8 every page is tried: the random ones come out huge instead.
    const tried = runCliJson(runtime, [
      "entropy",
      "--pid",
      String(child.pid),
      "--range",
      child.range,
      "--entropy-limit",
      "8",
    ]);
    expect(tried.routes.huge).toBe(RANDOM_PAGES);
    const table = runCli(runtime, [
      "entropy",
      "--pid",
      String(child.pid),
      "--range",
      child.range,
      "--algorithm",
      "zstd",
    ]);
    expect(table.status, table.stderr).toBe(0);
    const lines = table.stdout.split("\n");
    expect(nth(lines, 2, "line").split(/\s{2,}/)).toEqual([
      "bits/byte",
      "pages",
      "same",
      "lz4",
      "zstd",
      "raw (entropy)",
      "huge",
    ]);
    expect(nth(lines, 3, "line").startsWith("0.0-0.5    ########################################")).toBeTrue();
  } finally {
    await child.stop();
  }
});

test(`estimate (${runtime}): a missing process exits 4, a process that exits mid-read is reported, bad options exit 2`, async () => {
  const missing = runCli(runtime, ["estimate", "--pid", "4194304"]);
  expect(missing.status, missing.stderr).toBe(4);
  expect(missing.stderr).toBe("trueno-zram: process 4194304 does not exist or has exited (maps: ENOENT)\n");

  const child = await startHeldPages();
  const memory = new ProcessMemory(child.pid);
  await child.stop();
  expect(() => memory.read()).toThrow();
  try {
    memory.read();
  } catch (e) {
    expect(e instanceof ProcMemError && e.reason === "gone", String(e)).toBeTrue();
    expect((e as Error).message).toBe(`process ${child.pid} exited while its memory was being read`);
  } finally {
    memory.close();
  }

  const cases: [string[], string][] = [
    [["estimate"], "give either --input FILE or --pid PID"],
    [["estimate", "--pid", "1", "--input", "x"], "give either --input FILE or --pid PID"],
    [["estimate", "--pid", "1", "--range", "2000-1000"], "expected START-END in hex with START below END"],
    [["estimate", "--pid", "1", "--range", "1000-2001"], "must be multiples of 4096"],
    [["estimate", "--input", "x", "--max-pages", "3"], "--max-pages applies to --pid only"],
    [["capture", "--pid", "1"], "capture needs -o FILE"],
    [["capture", "--pid", "1", "-o", "-", "--json"], "--json needs -o FILE"],
    [["entropy", "a", "b"], "unexpected argument 'b'"],
    [["entropy", "--input", "a", "b"], "give FILE or --input FILE, not both"],
    [["entropy", "--pid", "1", "--entropy-limit", "9"], "a number of bits per byte from 0 to 8"],
  ];
  for (const [args, message] of cases) {
    const r = runCli(runtime, args);
    expect(r.status, args.join(" ")).toBe(2);
    expect(r.stderr.includes(message), `${args.join(" ")} -> ${r.stderr}`).toBeTrue();
  }
});

test(`estimate (${runtime}): another user's process is a permission error, exit 3`, () => {
  if (process.getuid?.() !== 0) {
    console.log("skipped: starting a process as another user and dropping capabilities (setpriv) needs root");
    return;
  }
  // The target runs as nobody; the CLI runs as root without any capability, so the kernel's ptrace
  // access check (the one /proc/PID/maps and mem apply) refuses it, as for any unprivileged user. The CLI
  // keeps root's uid, so it can read this checkout wherever it lies (a 0700 temporary folder in CI).
  const other = spawn("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "sleep", "60"], {
    stdio: "ignore",
  });
  try {
    // setpriv is root until it switches: wait for the uid, so the check below meets nobody's process.
    const deadline = Date.now() + 10_000;
    while (!/^Uid:\s+65534\b/m.test(readFileSync(`/proc/${other.pid}/status`, "utf8"))) {
      if (Date.now() > deadline) throw new Error("setpriv did not switch to uid 65534");
    }
    const [exe, ...args] = RUNTIMES.bun;
    const r = spawnSync("setpriv", [
      "--inh-caps=-all",
      "--ambient-caps=-all",
      "--bounding-set=-all",
      exe,
      ...args,
      "estimate",
      "--pid",
      String(other.pid),
    ], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr.startsWith(`trueno-zram: not permitted to read process ${other.pid} (maps: EACCES)`), r.stderr)
      .toBeTrue();
  } finally {
    other.kill();
  }
});
