/**
 * The NBD export against the alternatives (`bun bench/nbd.ts`, part of `bun run bench`), with fio over
 * the same Unix socket transport: nbdkit's memory plugin (an uncompressed RAM disk in C) and our
 * `trueno-zram serve`, side by side in one run; Linux zram (/dev/zram0, fio libaio O_DIRECT) where
 * usable, under the shared zram0 lock and always reset; and nbdcopy of the corpus into the export
 * beside the codec's own batch throughput. `--quick`: tiny sizes, only to check that it runs.
 * `--ab OTHER_CHECKOUT [--rounds N]`: A/B of this checkout's server against another's (e.g. a
 * `git worktree` of the old commit, built), the fio jobs interleaved round by round so that load from
 * elsewhere hits both alike; medians with their spread, and each server's CPU time per request.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Algorithm, CompressorBuilder } from "../mod.ts";
import { fetchControl } from "../lib/nbd/control.ts";
import { loadCorpus, ROOT } from "./corpus.ts";
import { markdownTable, median, type Target, targetRows, withSpread } from "./report.ts";

const QUICK = process.argv.includes("--quick");
const DEVICE_BYTES = QUICK ? 64 << 20 : 1 << 30;
const SEQ_BYTES = QUICK ? "32M" : "512M";
const RUNTIME_S = QUICK ? 1 : 8;
const ALGORITHM = "lz4";
const ZRAM_LOCK = "/run/lock/trueno-zram-zram0.lock";

interface Server {
  uri: string;
  socket: string;
  /** CPU seconds the server process has used so far (user + system, all its threads). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Starts a server process and resolves once `ready()` says it accepts connections. */
async function startServer(
  command: string,
  args: string[],
  socket: string,
  uri: string,
  ready: () => boolean,
): Promise<Server> {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!ready()) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${command} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    uri,
    socket,
    cpuSeconds: () => {
      const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
      const afterName = stat.split(") ")[1];
      if (afterName === undefined) throw new Error(`unexpected /proc/${child.pid}/stat: ${stat}`);
      const fields = afterName.split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop: async () => {
      process.kill(child.pid!, "SIGTERM");
      await exited;
    },
  };
}

function trueno(dir: string, size: number, root = ROOT, name = "trueno"): Promise<Server> {
  const socket = join(dir, `${name}.sock`);
  const bun = join(ROOT, "node_modules", ".bin", "bun");
  const args = [
    join(root, "lib", "cli", "main.ts"),
    "serve",
    "--size",
    String(size),
    "--algorithm",
    ALGORITHM,
    "--socket",
    socket,
  ];
  return startServer(bun, args, socket, `nbd+unix:///?socket=${socket}`, () => existsSync(`${socket}.ctl`));
}

function nbdkit(dir: string, size: number): Promise<Server> {
  const socket = join(dir, "nbdkit.sock");
  const args = ["--foreground", "--exit-with-parent", "--unix", socket, "memory", String(size)];
  return startServer("nbdkit", args, socket, `nbd+unix:///?socket=${socket}`, () => existsSync(socket));
}

interface FioResult {
  iops: number;
  gbps: number;
}

/** One fio job; `target` is ["--ioengine=nbd", "--uri=..."] or a block device with libaio. */
function fio(target: string[], name: string, rw: string, bs: string, iodepth: number, extra: string[]): FioResult {
  const args = [
    `--name=${name}`,
    ...target,
    `--rw=${rw}`,
    `--bs=${bs}`,
    `--iodepth=${iodepth}`,
    "--output-format=json",
    // Half-compressible buffers, the same bytes for every server.
    "--buffer_compress_percentage=50",
    "--randseed=1",
    ...extra,
  ];
  const r = spawnSync("fio", args, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`fio ${args.join(" ")} failed: ${r.stderr}`);
  const job = JSON.parse(r.stdout.slice(r.stdout.indexOf("{"))).jobs[0];
  const side = rw.includes("read") ? job.read : job.write;
  return { iops: side.iops, gbps: side.bw_bytes / 1e9 };
}

interface Suite {
  seqWrite: FioResult;
  seqRead: FioResult;
  randWrite: FioResult;
  randRead: FioResult;
}

/** The four jobs, in an order where every read finds data written. */
function suite(target: string[]): Suite {
  const timed = [`--size=${SEQ_BYTES}`, "--time_based", `--runtime=${RUNTIME_S}`, "--ramp_time=1"];
  return {
    seqWrite: fio(target, "seqwrite", "write", "1M", 4, [`--size=${SEQ_BYTES}`]),
    seqRead: fio(target, "seqread", "read", "1M", 4, [`--size=${SEQ_BYTES}`]),
    randWrite: fio(target, "randwrite", "randwrite", "4k", 16, timed),
    randRead: fio(target, "randread", "randread", "4k", 16, timed),
  };
}

function nbdTarget(uri: string): string[] {
  return ["--ioengine=nbd", `--uri=${uri}`];
}

/** fio on /dev/zram0 under the zram0 lock: configured, measured, always reset; or why it was not run. */
function linuxZram(): Suite | string {
  if (!existsSync("/sys/block/zram0/disksize")) return "no /sys/block/zram0";
  const timed = `--size=${SEQ_BYTES} --time_based --runtime=${RUNTIME_S} --ramp_time=1`;
  const job = (name: string, rw: string, bs: string, depth: number, extra: string) =>
    `fio --name=${name} --filename=/dev/zram0 --ioengine=libaio --direct=1 --rw=${rw} --bs=${bs} --iodepth=${depth} ` +
    `--output-format=json --buffer_compress_percentage=50 --randseed=1 ${extra} | sed -n '/^{/,$p' > "$out/${name}.json"`;
  const out = mkdtempSync(join(tmpdir(), "tz-zram-"));
  const script = [
    "set -e",
    'trap "echo 1 > /sys/block/zram0/reset" EXIT',
    `[ "$(cat /sys/block/zram0/disksize)" = 0 ] || { echo "zram0 is in use" >&2; exit 3; }`,
    `echo ${ALGORITHM} > /sys/block/zram0/comp_algorithm`,
    `echo ${DEVICE_BYTES} > /sys/block/zram0/disksize`,
    job("seqwrite", "write", "1M", 4, `--size=${SEQ_BYTES}`),
    job("seqread", "read", "1M", 4, `--size=${SEQ_BYTES}`),
    job("randwrite", "randwrite", "4k", 16, timed),
    job("randread", "randread", "4k", 16, timed),
  ].join("\n");
  try {
    const r = spawnSync("flock", [ZRAM_LOCK, "bash", "-c", script], { encoding: "utf8", env: { ...process.env, out } });
    if (r.status !== 0) return `Linux zram run failed: ${r.stderr.trim()}`;
    const read = (name: string, side: "read" | "write"): FioResult => {
      const job = JSON.parse(readFileSync(join(out, `${name}.json`), "utf8")).jobs[0][side];
      return { iops: job.iops, gbps: job.bw_bytes / 1e9 };
    };
    return {
      seqWrite: read("seqwrite", "write"),
      seqRead: read("seqread", "read"),
      randWrite: read("randwrite", "write"),
      randRead: read("randread", "read"),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The codec's batch compress throughput over the corpus in 1 MiB batches (best of 3). */
function codecGbps(pages: Uint8Array): number {
  const c = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  try {
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      for (let at = 0; at < pages.length; at += 1 << 20) {
        c.compressBatch(pages.subarray(at, Math.min(at + (1 << 20), pages.length)));
      }
      best = Math.min(best, performance.now() - t0);
    }
    return pages.length / best / 1e6;
  } finally {
    c.close();
  }
}

/** The four jobs, round by round alternating the servers; figures per server and job. */
async function abRun(dir: string, other: string, rounds: number): Promise<void> {
  const servers = [
    { name: "A (this checkout)", server: await trueno(dir, DEVICE_BYTES) },
    { name: `B (${other})`, server: await trueno(dir, DEVICE_BYTES, other, "other") },
  ];
  const timed = [`--size=${SEQ_BYTES}`, "--time_based", `--runtime=${RUNTIME_S}`];
  const jobs: [string, string, string, number, string[]][] = [
    ["1M seq write GB/s", "write", "1M", 4, timed],
    ["1M seq read GB/s", "read", "1M", 4, timed],
    ["4K randwrite kIOPS (qd16)", "randwrite", "4k", 16, timed],
    ["4K randread kIOPS (qd16)", "randread", "4k", 16, timed],
  ];
  const figures = servers.map(() => jobs.map(() => ({ value: [] as number[], cpuUs: [] as number[] })));
  const loads: number[] = [];
  try {
    for (const { server } of servers) fio(nbdTarget(server.uri), "fill", "write", "1M", 4, [`--size=${SEQ_BYTES}`]);
    for (let round = 0; round < rounds; round++) {
      jobs.forEach(([, rw, bs, depth, extra], j) => {
        servers.forEach(({ server }, s) => {
          const cpu0 = server.cpuSeconds();
          const r = fio(nbdTarget(server.uri), "ab", rw, bs, depth, extra);
          const requests = r.iops * RUNTIME_S;
          const figure = figures[s]![j]!; // figures is servers by jobs
          figure.value.push(bs === "1M" ? r.gbps : r.iops / 1000);
          figure.cpuUs.push((server.cpuSeconds() - cpu0) * 1e6 / requests);
        });
      });
      loads.push(loadavg()[0]!);
    }
  } finally {
    for (const { server } of servers) await server.stop();
  }
  console.log(`load average (1 min) after each round: ${loads.map((l) => l.toFixed(2)).join(", ")}\n`);
  console.log(markdownTable(
    ["job", ...servers.flatMap(({ name }) => [name, `${name.split(" ")[0]} server CPU us/request`])],
    jobs.map((
      [what],
      j,
    ) => [what, ...figures.flatMap((f) => [withSpread(f[j]!.value, 2), withSpread(f[j]!.cpuUs, 1)])]),
  ));
  // figures has the two servers' rows, each with one figure per job.
  const ratio = (j: number) => median(figures[0]![j]!.value) / median(figures[1]![j]!.value);
  console.log(`A / B of the medians: ${jobs.map(([what], j) => `${what} ${ratio(j).toFixed(2)}x`).join("; ")}`);
}

const dir = mkdtempSync(join(tmpdir(), "tz-bench-nbd-"));
const abAt = process.argv.indexOf("--ab");
if (abAt >= 0) {
  const other = process.argv[abAt + 1];
  if (other === undefined || !existsSync(join(other, "lib", "cli", "main.ts"))) {
    throw new Error("--ab needs the path of another built checkout");
  }
  const roundsAt = process.argv.indexOf("--rounds");
  try {
    await abRun(dir, other, roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
try {
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}; fio over Unix sockets, ${ALGORITHM}` +
      `${QUICK ? " (--quick: sizes too small for figures)" : ""}\n`,
  );
  const ours = await trueno(dir, DEVICE_BYTES);
  const theirs = await nbdkit(dir, DEVICE_BYTES);
  let oursSuite: Suite;
  let theirSuite: Suite;
  try {
    theirSuite = suite(nbdTarget(theirs.uri));
    oursSuite = suite(nbdTarget(ours.uri));
  } finally {
    await ours.stop();
    await theirs.stop();
  }
  const zram = linuxZram();
  const rows = (name: string, s: Suite) => [
    name,
    (s.randRead.iops / 1000).toFixed(1),
    (s.randWrite.iops / 1000).toFixed(1),
    s.seqRead.gbps.toFixed(2),
    s.seqWrite.gbps.toFixed(2),
  ];
  const table = [rows("trueno-zram serve (NBD)", oursSuite), rows("nbdkit memory (NBD)", theirSuite)];
  if (typeof zram !== "string") table.push(rows("Linux zram /dev/zram0 (libaio, O_DIRECT)", zram));
  console.log(
    markdownTable([
      "server",
      "4K randread kIOPS (qd16)",
      "4K randwrite kIOPS (qd16)",
      "1M seq read GB/s",
      "1M seq write GB/s",
    ], table),
  );
  if (typeof zram === "string") console.log(`Linux zram: not measured (${zram})\n`);

  // The corpus into a fresh export with nbdcopy, then the stored ratio from the control socket.
  const corpus = loadCorpus();
  const corpusExport = await trueno(dir, Math.ceil(corpus.pages.length / (1 << 20)) * (1 << 20));
  let copyGbps: number;
  let stored: { orig: number; memUsed: number };
  try {
    const t0 = performance.now();
    const r = spawnSync("nbdcopy", ["--connections=4", "--requests=16", corpus.path, corpusExport.uri], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`nbdcopy failed: ${r.stderr}`);
    copyGbps = corpus.pages.length / (performance.now() - t0) / 1e6;
    const served = (await fetchControl(corpusExport.socket)).exports[0];
    if (served === undefined) throw new Error("the control document lists no export");
    const mm = served.mmStat;
    stored = { orig: mm.origDataSize, memUsed: mm.memUsedTotal };
  } finally {
    await corpusExport.stop();
  }
  const codec = codecGbps(corpus.pages);
  console.log(markdownTable(["corpus path", "write GB/s", "stored ratio (orig / mem_used_total)"], [
    [
      `nbdcopy --connections=4 into trueno-zram serve (${(corpus.pages.length / 2 ** 20).toFixed(1)} MiB)`,
      copyGbps.toFixed(2),
      (stored.orig / stored.memUsed).toFixed(3),
    ],
    ["codec batch compress, 1 MiB batches (in process)", codec.toFixed(2), ""],
  ]));
  const targets: Target[] = [
    {
      what: "4K randread IOPS / nbdkit memory",
      measured: oursSuite.randRead.iops / theirSuite.randRead.iops,
      goal: 0.8,
      unit: "x",
    },
    {
      what: "4K randwrite IOPS / nbdkit memory",
      measured: oursSuite.randWrite.iops / theirSuite.randWrite.iops,
      goal: 0.8,
      unit: "x",
    },
    {
      what: "1M seq read / nbdkit memory",
      measured: oursSuite.seqRead.gbps / theirSuite.seqRead.gbps,
      goal: 1.0,
      unit: "x",
    },
    { what: "nbdcopy of the corpus in / codec batch compress", measured: copyGbps / codec, goal: 0.8, unit: "x" },
  ];
  console.log(markdownTable(["target", "measured", "goal", "result"], targetRows(targets)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
