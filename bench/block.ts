/**
 * BlockDevice throughput (`bun bench/block.ts [MiB]`): the corpus pages (or its first MiB megabytes, for
 * a quick check) written and read in 1 MiB requests, beside the raw batch codec on the same 1 MiB chunks,
 * and beside Linux zram (dd, O_DIRECT, 1 MiB, one writer) where /sys/block/zram0 is usable (holding the
 * zram0 lock). Random pages are timed on the device and the codec too. Same algorithm (LZ4) everywhere.
 * Each figure is the median of interleaved rounds; stored ratio = orig_data_size / mem_used_total, as zram
 * reports them. The codec rows route pages as the device does for LZ4 (huge threshold, no entropy check:
 * LZ4 pages go raw by their result), so that "device / codec" measures what the device adds.
 */
import { Buffer } from "node:buffer";
import { cpus, loadavg } from "node:os";
import process from "node:process";
import { Algorithm, BlockDevice, CompressorBuilder, HUGE_THRESHOLD } from "../mod.ts";
import { randomBytes } from "../tests/pages.ts";
import { loadCorpus, PAGE_SIZE } from "./corpus.ts";
import { type LinuxZramPass, linuxZramPass, linuxZramUnusable, lockZram0 } from "./linux-zram.ts";
import { markdownTable, median, type Target, targetRows } from "./report.ts";

const REQUEST = 1 << 20;
/** Rounds go on until the device's write passes add up to this, and at least MIN_ROUNDS. */
const MIN_MS = 2000;
const MIN_ROUNDS = 5;

function timed(pass: () => void): number {
  const t0 = performance.now();
  pass();
  return performance.now() - t0;
}

const corpus = loadCorpus();
const limitMiB = Number(process.argv[2] ?? 0);
const pages = limitMiB > 0 ? corpus.pages.subarray(0, Math.min(corpus.pages.length, limitMiB * REQUEST)) : corpus.pages;
const bytes = pages.length;
const chunks = (data: Uint8Array) => {
  const list: { offset: number; data: Uint8Array }[] = [];
  for (let at = 0; at < data.length; at += REQUEST) {
    list.push({ offset: at, data: data.subarray(at, Math.min(at + REQUEST, data.length)) });
  }
  return list;
};
const requests = chunks(pages);
/** Incompressible pages: the same amount (up to 64 MiB), stored raw by their LZ4 result. */
const random = randomBytes(Math.min(bytes, 64 * REQUEST), 1);
const randomRequests = chunks(random);
console.log(
  `corpus: ${bytes / PAGE_SIZE} pages (${(bytes / 2 ** 20).toFixed(1)} MiB) in ${requests.length} requests of ` +
    `up to 1 MiB; random: ${
      random.length / PAGE_SIZE
    } pages; machine: ${cpus().length} cores, shared with other work; ` +
    `load average ${loadavg()[0]!.toFixed(2)}\n`,
);

const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
const out = new Uint8Array(bytes);

// Each round times every path once, one after the other, so that load from other work on this shared
// machine falls on all of them alike; each figure is the median over the rounds.
const deviceRouting = { rawThreshold: HUGE_THRESHOLD, entropyLimit: 8 };
const codecBatches = requests.map((r) => compressor.compressBatch(r.data, deviceRouting));
const codecWrite = () => {
  for (let i = 0; i < requests.length; i++) {
    codecBatches[i] = compressor.compressBatch(requests[i]!.data, deviceRouting);
  }
};
const codecRandom = () => {
  for (const r of randomRequests) compressor.compressBatch(r.data, deviceRouting);
};
const codecRead = () => {
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i]!;
    compressor.decompressBatch(codecBatches[i]!, out.subarray(r.offset, r.offset + r.data.length));
  }
};
const writeAll = (dev: BlockDevice, list = requests) => {
  for (const r of list) dev.write(r.offset, r.data);
};
const readAll = (dev: BlockDevice) => {
  for (const r of requests) dev.read(r.offset, out.subarray(r.offset, r.offset + r.data.length));
};
// The zram0 lock is held for the whole run, so no other user of zram0 runs meanwhile.
const release = await lockZram0();
const unusable = linuxZramUnusable("lz4");
if (unusable !== undefined) console.log(`Linux zram skipped: ${unusable}\n`);

const t = {
  codecWrite: [] as number[],
  codecRead: [] as number[],
  deviceWrite: [] as number[],
  deviceRead: [] as number[],
  codecRandom: [] as number[],
  deviceRandom: [] as number[],
};
const linux: LinuxZramPass[] = [];
let deviceStats: ReturnType<BlockDevice["stats"]> | undefined;
let spent = 0;
try {
  while (spent < MIN_MS || t.deviceWrite.length < MIN_ROUNDS) {
    t.codecWrite.push(timed(codecWrite));
    out.fill(0);
    t.codecRead.push(timed(codecRead));
    if (Buffer.compare(out, pages) !== 0) throw new Error("codec round trip failed");
    t.codecRandom.push(timed(codecRandom));
    const fresh = new BlockDevice(bytes, compressor, {}); // every write pass fills a fresh device
    const w = timed(() => writeAll(fresh));
    t.deviceWrite.push(w);
    spent += w;
    out.fill(0);
    t.deviceRead.push(timed(() => readAll(fresh)));
    if (Buffer.compare(out, pages) !== 0) throw new Error("BlockDevice round trip failed");
    deviceStats = fresh.stats();
    fresh.close();
    const randomDevice = new BlockDevice(random.length, compressor, {});
    t.deviceRandom.push(timed(() => writeAll(randomDevice, randomRequests)));
    randomDevice.close();
    if (unusable === undefined) linux.push(linuxZramPass(corpus.path, bytes, "lz4"));
  }
} finally {
  release();
}
const codecWriteMs = median(t.codecWrite);
const codecReadMs = median(t.codecRead);
const deviceWriteMs = median(t.deviceWrite);
const deviceReadMs = median(t.deviceRead);
const codecRandomMs = median(t.codecRandom);
const deviceRandomMs = median(t.deviceRandom);
const codecStored = codecBatches.reduce((n, b) => n + b.totalBytes, 0);
const stats = deviceStats!;

const gbps = (ms: number) => bytes / (ms * 1e6);
const rows: string[][] = [
  [
    "trueno raw batch codec (compressBatch/decompressBatch per 1 MiB, the device's routing)",
    gbps(codecWriteMs).toFixed(2),
    gbps(codecReadMs).toFixed(2),
    (bytes / codecStored).toFixed(3),
    "-",
  ],
  [
    "trueno BlockDevice (write/read 1 MiB)",
    gbps(deviceWriteMs).toFixed(2),
    gbps(deviceReadMs).toFixed(2),
    (stats.origDataSize / stats.comprDataSize).toFixed(3),
    (stats.origDataSize / stats.memUsedTotal).toFixed(3),
  ],
  ["trueno raw batch codec, random pages", (random.length / (codecRandomMs * 1e6)).toFixed(2), "-", "1.000", "-"],
  ["trueno BlockDevice, random pages", (random.length / (deviceRandomMs * 1e6)).toFixed(2), "-", "1.000", "-"],
];
const targets: Target[] = [
  {
    what: "BlockDevice write / raw batch codec compress",
    unit: "x",
    goal: 0.9,
    measured: codecWriteMs / deviceWriteMs,
  },
  {
    what: "BlockDevice read / raw batch codec decompress",
    unit: "x",
    goal: 0.85,
    measured: codecReadMs / deviceReadMs,
  },
  {
    what: "BlockDevice write / codec compress, random pages",
    unit: "x",
    goal: 0.8,
    measured: codecRandomMs / deviceRandomMs,
  },
];

if (linux.length > 0) {
  const write = median(linux.map((p) => p.writeSeconds)) * 1e3;
  const read = median(linux.map((p) => p.readSeconds)) * 1e3;
  const last = linux[linux.length - 1]!;
  const linuxRatio = last.origDataSize / last.memUsedTotal;
  rows.push([
    "Linux zram lz4 (dd O_DIRECT bs=1M, one writer)",
    gbps(write).toFixed(2),
    gbps(read).toFixed(2),
    (last.origDataSize / last.comprDataSize).toFixed(3),
    linuxRatio.toFixed(3),
  ]);
  targets.push(
    { what: "BlockDevice write / Linux zram write", unit: "x", goal: 2.0, measured: write / deviceWriteMs },
  );
  // Equal within 1%: the smaller of the two ratios over the larger.
  const ratio = (stats.origDataSize / stats.memUsedTotal) / linuxRatio;
  targets.push({
    what: "stored ratio agreement with Linux zram (min of the two / max)",
    unit: "x",
    goal: 0.99,
    measured: Math.min(ratio, 1 / ratio),
  });
}

console.log("Write and read throughput (median pass; GB/s of page bytes) and stored ratio:\n");
console.log(markdownTable(
  ["path", "write GB/s", "read GB/s", "ratio (orig / compr_data_size)", "stored ratio (orig / mem_used_total)"],
  rows,
));
console.log("Targets (measured in this run):\n");
console.log(markdownTable(["target", "measured", "goal", "result"], targetRows(targets)));
compressor.close();
