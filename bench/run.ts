/**
 * The page-codec benchmark (`bun run bench`): trueno-zram through FFI, per page and in batches, beside
 * lz4-napi, lz4js, Bun's zstd, zstd-napi, snappy, TypedArray.set (memcpy) and a native C loop over
 * liblz4/libzstd, all on the same corpus pages in one run. Prints mitata's table, a throughput summary
 * (median pass, GB/s of uncompressed pages) and the issue's targets as measured ratios. The native loop
 * runs before and after the JS benchmarks and its faster run is the baseline, so that load from other
 * work on a shared machine is not counted in our favour.
 */
import { cpus, loadavg } from "node:os";
import { isatty } from "node:tty";
import { Buffer } from "node:buffer";
import { bench, do_not_optimize, group, run } from "mitata";
import {
  Algorithm,
  type CompressedPage,
  type Compressor,
  CompressorBuilder,
  detectSameFill,
  sameFillWord,
  shannonEntropy,
} from "../mod.ts";
import { alternatives } from "./alternatives.ts";
import { loadCorpus, PAGE_SIZE, pageViews } from "./corpus.ts";
import { fasterOf, nativeGBps, type NativeResult, runPageLoop } from "./native.ts";
import { markdownTable, type Target, targetRows } from "./report.ts";

const NATIVE_MIN_SECONDS = 1;
/** Same-filled pages for the same-fill benchmark: the corpus's own, repeated up to 16 MiB. */
const SAME_FILL_PAGES = 4096;
const SLOW_CODECS = new Set(["lz4js"]);
const SLOW_CODEC_STRIDE = 16;

const corpus = loadCorpus();
const views = pageViews(corpus.pages);
const bytes = corpus.pages.length;
console.log(`corpus: ${corpus.files.map((f) => `${f.name} (${f.pages} pages)`).join(", ")}; ` +
  `${views.length} pages, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), shared with other work; ` +
  `load average at start ${loadavg()[0].toFixed(2)}\n`);

// ---- the native ceiling: run before and after the JS benchmarks; the faster of the two counts ----
const NATIVE_CONFIGS = {
  lz4x1: ["lz4", 1],
  lz4x2: ["lz4", 2],
  zstdx1: ["zstd", 1],
  zstdx2: ["zstd", 2],
} as const;
type NativeKey = keyof typeof NATIVE_CONFIGS;
const runNative = () =>
  Object.fromEntries(
    Object.entries(NATIVE_CONFIGS).map(([key, [algo, threads]]) => [
      key,
      runPageLoop(corpus.path, algo, 1, threads, NATIVE_MIN_SECONDS),
    ]),
  ) as Record<NativeKey, NativeResult>;
const nativeBefore = runNative();

// ---- inputs prepared once, outside the timed loops ----
const lz4 = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
const zstd = new CompressorBuilder().algorithm(Algorithm.Zstd(1)).build();
const out = new Uint8Array(bytes);
const pageOut = new Uint8Array(PAGE_SIZE);

function checkedPages(c: Compressor): CompressedPage[] {
  const pages = views.map((v) => c.compress(v));
  pages.forEach((p, i) => {
    c.decompressInto(p, pageOut);
    if (Buffer.compare(pageOut, views[i]) !== 0) throw new Error(`per-page round trip failed at page ${i}`);
  });
  return pages;
}
function checkedBatch(c: Compressor) {
  const b = c.compressBatch(corpus.pages);
  if (Buffer.compare(c.decompressBatch(b, out), corpus.pages) !== 0) throw new Error("batch round trip failed");
  return b;
}
const lz4Pages = checkedPages(lz4);
const lz4Batch = checkedBatch(lz4);
const zstdPages = checkedPages(zstd);
const zstdBatch = checkedBatch(zstd);

/**
 * Each alternative's pages (every page, or every `stride`-th page for the pure-JS codec, which is two
 * orders of magnitude slower and would otherwise dominate the run), their stored bytes, and a check that
 * each page comes back.
 */
const others = alternatives().map((codec) => {
  const stride = SLOW_CODECS.has(codec.name) ? SLOW_CODEC_STRIDE : 1;
  const pages = views.filter((_, i) => i % stride === 0);
  const compressed = pages.map((v) => codec.compress(v));
  compressed.forEach((z, i) => {
    if (Buffer.compare(codec.decompress(z), pages[i]) !== 0) throw new Error(`${codec.name} round trip failed at ${i}`);
  });
  const label = stride === 1 ? `${codec.name} per page` : `${codec.name} per page (every ${stride}th page)`;
  return { codec, label, pages, compressed, stored: compressed.reduce((n, z) => n + z.length, 0) };
});
const other = (name: string) => others.find((o) => o.codec.name === name);

const sameSource = views.filter((v) => sameFillWord(v) !== null);
if (sameSource.length === 0) throw new Error("the corpus has no same-filled page to benchmark same-fill with");
const sameFilled = new Uint8Array(SAME_FILL_PAGES * PAGE_SIZE);
for (let i = 0; i < SAME_FILL_PAGES; i++) sameFilled.set(sameSource[i % sameSource.length], i * PAGE_SIZE);
const sameViews = pageViews(sameFilled);
const sameCopy = new Uint8Array(sameFilled.length);

// ---- mitata: every benchmark handles every page of its set once per iteration ----
interface Case {
  name: string;
  /** Uncompressed bytes one iteration handles. */
  bytes: number;
  /** Stored bytes of the codec's output, for the ratio column. */
  stored?: number;
  fn: () => void;
}
const threads = `${lz4.threads()} threads`;
const storedOfPages = (pages: CompressedPage[]) => pages.reduce((n, p) => n + p.data.length, 0);
const groups: { title: string; cases: Case[] }[] = [];

function codecGroups(
  family: string,
  c: Compressor,
  pages: CompressedPage[],
  batch: ReturnType<typeof checkedBatch>,
  names: string[],
) {
  const alts = names.map(other).filter((o) => o !== undefined);
  groups.push({
    title: `${family} compress`,
    cases: [
      { name: `${family} compress: trueno batch (FFI, ${threads})`, bytes, stored: batch.totalBytes,
        fn: () => do_not_optimize(c.compressBatch(corpus.pages)) },
      { name: `${family} compress: trueno per page (FFI)`, bytes, stored: storedOfPages(pages), fn: () => {
        for (const v of views) do_not_optimize(c.compress(v));
      } },
      ...alts.map((o) => ({
        name: `${family} compress: ${o.label}`,
        bytes: o.pages.length * PAGE_SIZE,
        stored: o.stored,
        fn: () => {
          for (const v of o.pages) do_not_optimize(o.codec.compress(v));
        },
      })),
    ],
  });
  groups.push({
    title: `${family} decompress`,
    cases: [
      { name: `${family} decompress: trueno batch (FFI, ${threads})`, bytes,
        fn: () => do_not_optimize(c.decompressBatch(batch, out)) },
      { name: `${family} decompress: trueno per page (FFI)`, bytes, fn: () => {
        for (const p of pages) c.decompressInto(p, pageOut);
      } },
      ...alts.map((o) => ({
        name: `${family} decompress: ${o.label}`,
        bytes: o.pages.length * PAGE_SIZE,
        fn: () => {
          for (const z of o.compressed) do_not_optimize(o.codec.decompress(z));
        },
      })),
    ],
  });
}
codecGroups("lz4", lz4, lz4Pages, lz4Batch, ["lz4-napi", "lz4js", "snappy"]);
codecGroups("zstd-1", zstd, zstdPages, zstdBatch, ["Bun.zstd-1", "zstd-napi-1"]);
groups.push({
  title: `same-fill check, ${SAME_FILL_PAGES} same-filled corpus pages`,
  cases: [
    { name: "same-fill: trueno sameFillWord per page (kernel rule)", bytes: sameFilled.length, fn: () => {
      for (const v of sameViews) do_not_optimize(sameFillWord(v));
    } },
    { name: "same-fill: trueno detectSameFill per page (byte rule)", bytes: sameFilled.length, fn: () => {
      for (const v of sameViews) do_not_optimize(detectSameFill(v));
    } },
    { name: "same-fill: memcpy (TypedArray.set) of the same bytes", bytes: sameFilled.length,
      fn: () => sameCopy.set(sameFilled) },
  ],
});
groups.push({
  title: "entropy, corpus pages",
  cases: [{ name: "entropy: trueno shannonEntropy per page", bytes, fn: () => {
    for (const v of views) do_not_optimize(shannonEntropy(v));
  } }],
});

for (const g of groups) group(g.title, () => g.cases.forEach((c) => bench(c.name, c.fn)));
const { benchmarks } = await run({ colors: isatty(1) });
const nativeAfter = runNative();
const native = Object.fromEntries(
  (Object.keys(NATIVE_CONFIGS) as NativeKey[]).map((key) => [key, fasterOf(nativeBefore[key], nativeAfter[key])]),
) as Record<NativeKey, NativeResult>;

// ---- summaries ----
const medianNs = new Map<string, number>();
for (const trial of benchmarks) {
  const stats = trial.runs[0]?.stats;
  if (stats) medianNs.set(trial.alias, stats.p50);
}
const cases = groups.flatMap((g) => g.cases);
/** GB/s of a case: its bytes over its median iteration (bytes per ns = GB/s). */
function rate(name: string): number {
  const c = cases.find((x) => x.name === name);
  const ns = medianNs.get(name);
  if (c === undefined || ns === undefined) throw new Error(`benchmark '${name}' did not run`);
  return c.bytes / ns;
}

const summary: string[][] = cases.map((c) => [
  c.name,
  rate(c.name).toFixed(2),
  c.stored === undefined ? "" : (c.bytes / c.stored).toFixed(2),
]);
for (const r of Object.values(native)) {
  const label = `native C ${r.algo === "lz4" ? "liblz4" : "libzstd-1"} page loop, ${r.threads} thread${r.threads > 1 ? "s" : ""}`;
  summary.push([`${label}: compress`, nativeGBps(r, "compress").toFixed(2), (r.bytes / r.stored).toFixed(2)]);
  summary.push([`${label}: decompress`, nativeGBps(r, "decompress").toFixed(2), ""]);
}
const scale = (phase: "compress" | "decompress") =>
  (nativeGBps(native.lz4x2, phase) / nativeGBps(native.lz4x1, phase)).toFixed(2);
console.log("\nThroughput (median iteration; GB/s of uncompressed page bytes; ratio = bytes in / bytes stored):\n");
console.log(markdownTable(["benchmark", "GB/s", "ratio"], summary));
console.log(`native liblz4 page loop scaling, 2 threads over 1: ${scale("compress")}x compress, ` +
  `${scale("decompress")}x decompress\n`);

const batch = (op: string) => `lz4 ${op}: trueno batch (FFI, ${threads})`;
const targets: Target[] = [
  { what: "batch LZ4 compress (FFI) / native liblz4 loop (1 thread)", unit: "x", goal: 1.7,
    measured: rate(batch("compress")) / nativeGBps(native.lz4x1, "compress") },
  { what: "batch LZ4 decompress (FFI) / native liblz4 loop (1 thread)", unit: "x", goal: 1.6,
    measured: rate(batch("decompress")) / nativeGBps(native.lz4x1, "decompress") },
  { what: "per-page LZ4 compress (FFI) / native liblz4 loop (1 thread)", unit: "x", goal: 0.9,
    measured: rate("lz4 compress: trueno per page (FFI)") / nativeGBps(native.lz4x1, "compress") },
  { what: "batch LZ4 compress / lz4-napi per page", unit: "x", goal: 3.2,
    measured: rate(batch("compress")) / rate("lz4 compress: lz4-napi per page") },
  { what: "batch LZ4 decompress / lz4-napi per page", unit: "x", goal: 6,
    measured: rate(batch("decompress")) / rate("lz4 decompress: lz4-napi per page") },
  { what: "same-fill check (sameFillWord) / memcpy, same-filled pages", unit: "x", goal: 0.8,
    measured: rate("same-fill: trueno sameFillWord per page (kernel rule)") /
      rate("same-fill: memcpy (TypedArray.set) of the same bytes") },
  { what: "full-page entropy (shannonEntropy per page)", unit: "GB/s", goal: 1.5,
    measured: rate("entropy: trueno shannonEntropy per page") },
];
console.log(`Targets (measured in this run; load average at the end ${loadavg()[0].toFixed(2)}):\n`);
console.log(markdownTable(["target", "measured", "goal", "result"], targetRows(targets)));
lz4.close();
zstd.close();
