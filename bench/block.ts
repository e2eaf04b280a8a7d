/**
 * BlockDevice throughput (`bun bench/block.ts`): the corpus pages written and read in 1 MiB requests,
 * beside the raw batch codec on the same 1 MiB chunks, and beside Linux zram (dd, O_DIRECT, 1 MiB, one
 * writer) where /sys/block/zram0 is usable. Same algorithm (LZ4) everywhere. Each figure is the median of
 * interleaved rounds; stored ratio = orig_data_size / mem_used_total, as zram reports them.
 * The codec row routes pages as the device does (huge threshold, default entropy limit), so that
 * "device / codec" measures what the device adds, not the cost of the routing it was asked for.
 */
import { Buffer } from "node:buffer";
import { cpus, loadavg } from "node:os";
import { Algorithm, BlockDevice, CompressorBuilder, HUGE_THRESHOLD } from "../mod.ts";
import { loadCorpus, PAGE_SIZE } from "./corpus.ts";
import { type LinuxZramPass, linuxZramPass, linuxZramUnusable } from "./linux-zram.ts";
import { markdownTable, type Target, targetRows } from "./report.ts";

const REQUEST = 1 << 20;
/** Rounds go on until the device's write passes add up to this, and at least MIN_ROUNDS. */
const MIN_MS = 2000;
const MIN_ROUNDS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timed(pass: () => void): number {
  const t0 = performance.now();
  pass();
  return performance.now() - t0;
}

const corpus = loadCorpus();
const pages = corpus.pages;
const bytes = pages.length;
const requests: { offset: number; data: Uint8Array }[] = [];
for (let at = 0; at < bytes; at += REQUEST) requests.push({ offset: at, data: pages.subarray(at, Math.min(at + REQUEST, bytes)) });
console.log(`corpus: ${bytes / PAGE_SIZE} pages (${(bytes / 2 ** 20).toFixed(1)} MiB) in ${requests.length} requests of ` +
  `up to 1 MiB; machine: ${cpus().length} cores, shared with other work; load average ${loadavg()[0].toFixed(2)}\n`);

const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
const out = new Uint8Array(bytes);

// Each round times every path once, one after the other, so that load from other work on this shared
// machine falls on all of them alike; each figure is the median over the rounds.
const deviceRouting = { rawThreshold: HUGE_THRESHOLD, entropyLimit: new BlockDevice(PAGE_SIZE, compressor).entropyThreshold };
const codecBatches = requests.map((r) => compressor.compressBatch(r.data, deviceRouting));
const codecWrite = () => {
  for (let i = 0; i < requests.length; i++) codecBatches[i] = compressor.compressBatch(requests[i].data, deviceRouting);
};
const codecRead = () => {
  for (let i = 0; i < requests.length; i++) {
    const r = requests[i];
    compressor.decompressBatch(codecBatches[i], out.subarray(r.offset, r.offset + r.data.length));
  }
};
const writeAll = (dev: BlockDevice) => {
  for (const r of requests) dev.write(r.offset, r.data);
};
const readAll = (dev: BlockDevice) => {
  for (const r of requests) dev.read(r.offset, out.subarray(r.offset, r.offset + r.data.length));
};
const unusable = linuxZramUnusable("lz4");
if (unusable !== undefined) console.log(`Linux zram skipped: ${unusable}\n`);

const t = { codecWrite: [] as number[], codecRead: [] as number[], deviceWrite: [] as number[], deviceRead: [] as number[] };
const linux: LinuxZramPass[] = [];
let device: BlockDevice | undefined;
let spent = 0;
while (spent < MIN_MS || t.deviceWrite.length < MIN_ROUNDS) {
  t.codecWrite.push(timed(codecWrite));
  out.fill(0);
  t.codecRead.push(timed(codecRead));
  if (Buffer.compare(out, pages) !== 0) throw new Error("codec round trip failed");
  const fresh = new BlockDevice(bytes, compressor, {}); // every write pass fills a fresh device
  device = fresh;
  const w = timed(() => writeAll(fresh));
  t.deviceWrite.push(w);
  spent += w;
  out.fill(0);
  t.deviceRead.push(timed(() => readAll(fresh)));
  if (Buffer.compare(out, pages) !== 0) throw new Error("BlockDevice round trip failed");
  if (unusable === undefined) linux.push(linuxZramPass(corpus.path, bytes, "lz4"));
}
const codecWriteMs = median(t.codecWrite);
const codecReadMs = median(t.codecRead);
const deviceWriteMs = median(t.deviceWrite);
const deviceReadMs = median(t.deviceRead);
const codecStored = codecBatches.reduce((n, b) => n + b.totalBytes, 0);
const deviceStats = (device as BlockDevice).stats();

const gbps = (ms: number) => bytes / (ms * 1e6);
const rows: string[][] = [
  ["trueno raw batch codec (compressBatch/decompressBatch per 1 MiB, the device's routing)", gbps(codecWriteMs).toFixed(2),
    gbps(codecReadMs).toFixed(2), (bytes / codecStored).toFixed(3), "-"],
  ["trueno BlockDevice (write/read 1 MiB)", gbps(deviceWriteMs).toFixed(2), gbps(deviceReadMs).toFixed(2),
    (deviceStats.origDataSize / deviceStats.comprDataSize).toFixed(3),
    (deviceStats.origDataSize / deviceStats.memUsedTotal).toFixed(3)],
];
const targets: Target[] = [
  { what: "BlockDevice write / raw batch codec compress", unit: "x", goal: 0.85, measured: codecWriteMs / deviceWriteMs },
  { what: "BlockDevice read / raw batch codec decompress", unit: "x", goal: 0.85, measured: codecReadMs / deviceReadMs },
];

if (linux.length > 0) {
  const write = median(linux.map((p) => p.writeSeconds)) * 1e3;
  const read = median(linux.map((p) => p.readSeconds)) * 1e3;
  const last = linux[linux.length - 1];
  const linuxRatio = last.origDataSize / last.memUsedTotal;
  rows.push(["Linux zram lz4 (dd O_DIRECT bs=1M, one writer)", gbps(write).toFixed(2), gbps(read).toFixed(2),
    (last.origDataSize / last.comprDataSize).toFixed(3), linuxRatio.toFixed(3)]);
  targets.push(
    { what: "BlockDevice write / Linux zram write", unit: "x", goal: 1.5, measured: write / deviceWriteMs },
    { what: "BlockDevice stored ratio / Linux zram stored ratio", unit: "x", goal: 1,
      measured: (deviceStats.origDataSize / deviceStats.memUsedTotal) / linuxRatio },
  );
}

console.log("Write and read throughput (median pass; GB/s of page bytes) and stored ratio:\n");
console.log(markdownTable(
  ["path", "write GB/s", "read GB/s", "ratio (orig / compr_data_size)", "stored ratio (orig / mem_used_total)"],
  rows,
));
console.log("Targets (measured in this run):\n");
console.log(markdownTable(["target", "measured", "goal", "result"], targetRows(targets)));
compressor.close();
