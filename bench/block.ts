/**
 * BlockDevice throughput (`bun bench/block.ts`): the corpus pages written and read in 1 MiB requests,
 * beside the raw batch codec on the same 1 MiB chunks, and beside Linux zram (dd, O_DIRECT, 1 MiB, one
 * writer) where /sys/block/zram0 is usable. Same algorithm (LZ4) everywhere. Each figure is the median of
 * repeated passes; stored ratio = orig_data_size / mem_used_total, as zram reports them.
 */
import { Buffer } from "node:buffer";
import { cpus, loadavg } from "node:os";
import { Algorithm, BlockDevice, CompressorBuilder } from "../mod.ts";
import { loadCorpus, PAGE_SIZE } from "./corpus.ts";
import { linuxZramPass, linuxZramUnusable } from "./linux-zram.ts";
import { markdownTable, type Target, targetRows } from "./report.ts";

const REQUEST = 1 << 20;
const MIN_MS = 2000;
const MIN_PASSES = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `setup` untimed and `pass` timed until MIN_MS and MIN_PASSES; the median pass in ms. */
function medianPass<T>(setup: () => T, pass: (state: T) => void): number {
  const times: number[] = [];
  let spent = 0;
  while (spent < MIN_MS || times.length < MIN_PASSES) {
    const state = setup();
    const t0 = performance.now();
    pass(state);
    const dt = performance.now() - t0;
    times.push(dt);
    spent += dt;
  }
  return median(times);
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

// ---- the raw batch codec on the same 1 MiB chunks ----
const codecBatches = requests.map((r) => compressor.compressBatch(r.data));
const codecWriteMs = medianPass(() => undefined, () => {
  for (let i = 0; i < requests.length; i++) codecBatches[i] = compressor.compressBatch(requests[i].data);
});
const codecReadMs = medianPass(() => out.fill(0), () => {
  for (let i = 0; i < requests.length; i++) {
    compressor.decompressBatch(codecBatches[i], out.subarray(requests[i].offset, requests[i].offset + requests[i].data.length));
  }
});
if (Buffer.compare(out, pages) !== 0) throw new Error("codec round trip failed");
const codecStored = codecBatches.reduce((n, b) => n + b.totalBytes, 0);

// ---- BlockDevice: each write pass on a fresh device, reads from a filled one ----
const fresh = () => new BlockDevice(bytes, compressor, {});
const writeAll = (dev: BlockDevice) => {
  for (const r of requests) dev.write(r.offset, r.data);
};
const deviceWriteMs = medianPass(fresh, writeAll);
const filled = fresh();
writeAll(filled);
const deviceReadMs = medianPass(() => out.fill(0), () => {
  for (const r of requests) filled.read(r.offset, out.subarray(r.offset, r.offset + r.data.length));
});
if (Buffer.compare(out, pages) !== 0) throw new Error("BlockDevice round trip failed");
const deviceStats = filled.stats();

const gbps = (ms: number) => bytes / (ms * 1e6);
const rows: string[][] = [
  ["trueno raw batch codec (compressBatch/decompressBatch per 1 MiB)", gbps(codecWriteMs).toFixed(2),
    gbps(codecReadMs).toFixed(2), (bytes / codecStored).toFixed(3), "-"],
  ["trueno BlockDevice (write/read 1 MiB)", gbps(deviceWriteMs).toFixed(2), gbps(deviceReadMs).toFixed(2),
    (deviceStats.origDataSize / deviceStats.comprDataSize).toFixed(3),
    (deviceStats.origDataSize / deviceStats.memUsedTotal).toFixed(3)],
];
const targets: Target[] = [
  { what: "BlockDevice write / raw batch codec compress", unit: "x", goal: 0.85, measured: codecWriteMs / deviceWriteMs },
  { what: "BlockDevice read / raw batch codec decompress", unit: "x", goal: 0.85, measured: codecReadMs / deviceReadMs },
];

const unusable = linuxZramUnusable("lz4");
if (unusable === undefined) {
  const passes = Array.from({ length: MIN_PASSES }, () => linuxZramPass(corpus.path, bytes, "lz4"));
  const write = median(passes.map((p) => p.writeSeconds)) * 1e3;
  const read = median(passes.map((p) => p.readSeconds)) * 1e3;
  const last = passes[passes.length - 1];
  const linuxRatio = last.origDataSize / last.memUsedTotal;
  rows.push(["Linux zram lz4 (dd O_DIRECT bs=1M, one writer)", gbps(write).toFixed(2), gbps(read).toFixed(2),
    (last.origDataSize / last.comprDataSize).toFixed(3), linuxRatio.toFixed(3)]);
  targets.push(
    { what: "BlockDevice write / Linux zram write", unit: "x", goal: 1.5, measured: write / deviceWriteMs },
    { what: "BlockDevice stored ratio / Linux zram stored ratio", unit: "x", goal: 1,
      measured: (deviceStats.origDataSize / deviceStats.memUsedTotal) / linuxRatio },
  );
} else {
  console.log(`Linux zram skipped: ${unusable}\n`);
}

console.log("Write and read throughput (median pass; GB/s of page bytes) and stored ratio:\n");
console.log(markdownTable(
  ["path", "write GB/s", "read GB/s", "ratio (orig / compr_data_size)", "stored ratio (orig / mem_used_total)"],
  rows,
));
console.log("Targets (measured in this run):\n");
console.log(markdownTable(["target", "measured", "goal", "result"], targetRows(targets)));
compressor.close();
