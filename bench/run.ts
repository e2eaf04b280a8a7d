/**
 * The page-codec benchmark (`bun run bench`): trueno-zram through FFI, per page and in batches, beside
 * lz4-napi, lz4js, Bun's zstd, zstd-napi, snappy, TypedArray.set (memcpy) and a native C loop over
 * liblz4/libzstd (bench/native/page_loop.c), all on the same corpus pages in one process.
 *
 * Method: PASSES interleaved passes. Each pass runs the native loops, then every case once with mitata's
 * measure() (in an order rotated by one per pass); a case's figure in a pass is its median iteration.
 * Ratios are taken within a pass (a case against the native single-thread loop of the same pass, so load
 * that comes or goes between passes cancels) and reported as the median over the passes with min..max
 * beside it. /proc/loadavg is printed at the start and after every pass; page faults per iteration are
 * counted (getrusage) outside the timed runs.
 *
 *   bun bench/run.ts [--pages N] [--passes N] [--min-ms N]
 *     --pages   use only the first N corpus pages (default: all)
 *     --passes  interleaved passes (default 5)
 *     --min-ms  minimum measuring time per case and pass (default 300; the native loop gets the same)
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import process from "node:process";
import { Buffer } from "node:buffer";
import { do_not_optimize, measure } from "mitata";
import {
  Algorithm,
  BatchArena,
  type CompressedBatch,
  type CompressedPage,
  type Compressor,
  CompressorBuilder,
  detectSameFill,
  sameFillWord,
  shannonEntropy,
} from "../mod.ts";
import { nativeLibrary } from "../lib/ffi/load.ts";
import { alternatives } from "./alternatives.ts";
import { loadCorpus, PAGE_SIZE, pageViews } from "./corpus.ts";
import { nativeGBps, type NativeResult, runPageLoop } from "./native.ts";
import { option } from "./options.ts";
import { markdownTable, median, type Target, targetRows, withSpread } from "./report.ts";

const PASSES = option("passes", 5);
const MIN_MS = option("min-ms", 300);
const corpus = loadCorpus(option("pages", Infinity));

/** Same-filled pages for the same-fill benchmark: the corpus's own, repeated up to 16 MiB. */
const SAME_FILL_PAGES = 4096;
const SLOW_CODECS = new Set(["lz4js"]);
const SLOW_CODEC_STRIDE = 16;
const SMALL_BATCH_PAGES = 256;

const loadavg = () => readFileSync("/proc/loadavg", "utf8").trim();
const views = pageViews(corpus.pages);
const bytes = corpus.pages.length;
console.log(
  `corpus: ${corpus.files.map((f) => `${f.name} (${f.pages} pages)`).join(", ")}; ` +
    `${views.length} pages, ${(bytes / 2 ** 20).toFixed(1)} MiB`,
);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}); ` +
    `${PASSES} passes, ${MIN_MS} ms per case and pass; /proc/loadavg at start: ${loadavg()}`,
);

// ---- inputs prepared once, outside the timed loops ----
const lz4 = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
const zstd = new CompressorBuilder().algorithm(Algorithm.Zstd(1)).build();
console.log(
  `batch threads: ${lz4.threads()}; SIMD backend: ${lz4.backend()} (a backend changes only the ` +
    `same-fill and zero checks; the byte histogram of the entropy check is the same scalar code in every backend)\n`,
);
const out = new Uint8Array(bytes);
const pageOut = new Uint8Array(PAGE_SIZE);
const storedOut = new Uint8Array(PAGE_SIZE);

function checkedPages(c: Compressor): CompressedPage[] {
  const pages = views.map((v) => c.compress(v));
  pages.forEach((p, i) => {
    c.decompressInto(p, pageOut);
    if (Buffer.compare(pageOut, views[i]!) !== 0) throw new Error(`per-page round trip failed at page ${i}`);
  });
  return pages;
}
function checkedBatch(c: Compressor): CompressedBatch {
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
    if (Buffer.compare(codec.decompress(z), pages[i]!) !== 0) {
      throw new Error(`${codec.name} round trip failed at ${i}`);
    }
  });
  const label = stride === 1 ? `${codec.name} per page` : `${codec.name} per page (every ${stride}th page)`;
  return { codec, label, pages, compressed, stored: compressed.reduce((n, z) => n + z.length, 0) };
});
const other = (name: string) => others.find((o) => o.codec.name === name);

const sameSource = views.filter((v) => sameFillWord(v) !== null);
if (sameSource.length === 0) throw new Error("the corpus has no same-filled page to benchmark same-fill with");
const sameFilled = new Uint8Array(SAME_FILL_PAGES * PAGE_SIZE);
for (let i = 0; i < SAME_FILL_PAGES; i++) sameFilled.set(sameSource[i % sameSource.length]!, i * PAGE_SIZE);
const sameViews = pageViews(sameFilled);
const sameCopy = new Uint8Array(sameFilled.length);

// ---- the cases: every case handles every page of its set once per iteration ----
type Family = "lz4" | "zstd-1";
interface Case {
  name: string;
  /** The native loop a ratio is taken against; none for the page helpers. */
  baseline?: { family: Family; phase: "compress" | "decompress" };
  /** Uncompressed bytes one iteration handles. */
  bytes: number;
  /** Stored bytes of the codec's output, for the ratio column. */
  stored?: number;
  fn: () => void;
}
const threads = `${lz4.threads()} threads`;
const storedOfPages = (pages: CompressedPage[]) => pages.reduce((n, p) => n + p.data.length, 0);
const sym = nativeLibrary().symbols;
const prefaultSupported = sym.tz_batch_prefault(-1) >= 0 && sym.tz_batch_prefault(0) >= 0 &&
  sym.tz_batch_prefault(1) >= 0 && sym.tz_batch_prefault(0) >= 0;
const cases: Case[] = [];

/** Compresses `pages` in batches of `per` pages into `arena`, releasing each batch for the next. */
function arenaBatches(c: Compressor, arena: BatchArena, per: number) {
  return () => {
    for (let at = 0; at < bytes; at += per * PAGE_SIZE) {
      c.compressBatch(corpus.pages.subarray(at, at + per * PAGE_SIZE), { into: arena }).release();
    }
  };
}

function codecCases(family: Family, c: Compressor, pages: CompressedPage[], batch: CompressedBatch, names: string[]) {
  const alts = names.map(other).filter((o) => o !== undefined);
  const compress = { family, phase: "compress" } as const;
  const decompress = { family, phase: "decompress" } as const;
  const allPages = Math.ceil(bytes / PAGE_SIZE);
  cases.push(
    {
      name: `${family} compress: trueno batch into a reused BatchArena (FFI, ${threads})`,
      baseline: compress,
      bytes,
      stored: batch.totalBytes,
      fn: arenaBatches(c, new BatchArena(allPages), allPages),
    },
    {
      name: `${family} compress: trueno batch, plain compressBatch, fresh memory (FFI, ${threads})`,
      baseline: compress,
      bytes,
      stored: batch.totalBytes,
      fn: () => do_not_optimize(c.compressBatch(corpus.pages)),
    },
  );
  if (family === "lz4" && prefaultSupported) {
    cases.push({
      name: `${family} compress: trueno batch, plain compressBatch, bulk pre-fault on (FFI, ${threads})`,
      baseline: compress,
      bytes,
      stored: batch.totalBytes,
      fn: () => {
        sym.tz_batch_prefault(1);
        do_not_optimize(c.compressBatch(corpus.pages));
        sym.tz_batch_prefault(0);
      },
    });
  }
  if (family === "lz4") {
    cases.push({
      name: `${family} compress: trueno ${SMALL_BATCH_PAGES}-page batches into a reused BatchArena (FFI, ${threads})`,
      baseline: compress,
      bytes,
      stored: batch.totalBytes,
      fn: arenaBatches(c, new BatchArena(SMALL_BATCH_PAGES), SMALL_BATCH_PAGES),
    });
  }
  cases.push(
    {
      name: `${family} compress: trueno per page into a reused buffer (compressInto, FFI)`,
      baseline: compress,
      bytes,
      stored: storedOfPages(pages),
      fn: () => {
        for (const v of views) c.compressInto(v, storedOut);
      },
    },
    {
      name: `${family} compress: trueno per page, new memory (compress, FFI)`,
      baseline: compress,
      bytes,
      stored: storedOfPages(pages),
      fn: () => {
        for (const v of views) do_not_optimize(c.compress(v));
      },
    },
    ...alts.map((o) => ({
      name: `${family} compress: ${o.label}`,
      baseline: compress,
      bytes: o.pages.length * PAGE_SIZE,
      stored: o.stored,
      fn: () => {
        for (const v of o.pages) do_not_optimize(o.codec.compress(v));
      },
    })),
    {
      name: `${family} decompress: trueno batch into a reused buffer (FFI, ${threads})`,
      baseline: decompress,
      bytes,
      fn: () => do_not_optimize(c.decompressBatch(batch, out)),
    },
    {
      name: `${family} decompress: trueno batch into new memory (FFI, ${threads})`,
      baseline: decompress,
      bytes,
      fn: () => do_not_optimize(c.decompressBatch(batch)),
    },
    {
      name: `${family} decompress: trueno per page (decompressInto, FFI)`,
      baseline: decompress,
      bytes,
      fn: () => {
        for (const p of pages) c.decompressInto(p, pageOut);
      },
    },
    ...alts.map((o) => ({
      name: `${family} decompress: ${o.label}`,
      baseline: decompress,
      bytes: o.pages.length * PAGE_SIZE,
      fn: () => {
        for (const z of o.compressed) do_not_optimize(o.codec.decompress(z));
      },
    })),
  );
}
codecCases("lz4", lz4, lz4Pages, lz4Batch, ["lz4-napi", "lz4js", "snappy"]);
codecCases("zstd-1", zstd, zstdPages, zstdBatch, ["Bun.zstd-1", "zstd-napi-1"]);
cases.push(
  {
    name: "same-fill: trueno sameFillWord per page (kernel rule)",
    bytes: sameFilled.length,
    fn: () => {
      for (const v of sameViews) do_not_optimize(sameFillWord(v));
    },
  },
  {
    name: "same-fill: trueno detectSameFill per page (byte rule)",
    bytes: sameFilled.length,
    fn: () => {
      for (const v of sameViews) do_not_optimize(detectSameFill(v));
    },
  },
  {
    name: "same-fill: memcpy (TypedArray.set) of the same bytes",
    bytes: sameFilled.length,
    fn: () => sameCopy.set(sameFilled),
  },
  {
    name: "entropy: trueno shannonEntropy per page",
    bytes,
    fn: () => {
      for (const v of views) do_not_optimize(shannonEntropy(v));
    },
  },
);

// ---- page faults per iteration, counted (not timed) after one warm-up iteration ----
const faults = new Map<string, number>();
for (const c of cases) {
  c.fn();
  const before = process.resourceUsage().minorPageFault;
  c.fn();
  faults.set(c.name, process.resourceUsage().minorPageFault - before);
}

// ---- interleaved passes ----
const NATIVE = { "lz4": ["lz4", 1], "zstd-1": ["zstd", 1] } as const;
interface Pass {
  native: Record<Family, NativeResult>;
  native2: Record<Family, NativeResult>;
  /** GB/s of each case in this pass. */
  rate: Map<string, number>;
}
const passes: Pass[] = [];
for (let pass = 0; pass < PASSES; pass++) {
  const nativeRun = (threadCount: number) =>
    Object.fromEntries(
      Object.entries(NATIVE).map((
        [family, [algo, level]],
      ) => [family, runPageLoop(corpus.path, algo, level, threadCount, MIN_MS / 1000)]),
    ) as Record<Family, NativeResult>;
  const native = nativeRun(1);
  const native2 = nativeRun(2);
  const rate = new Map<string, number>();
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(k + pass) % cases.length]!;
    const stats = await measure(c.fn, { min_cpu_time: MIN_MS * 1e6, min_samples: 3 });
    rate.set(c.name, c.bytes / stats.p50);
  }
  passes.push({ native, native2, rate });
  console.log(`pass ${pass + 1}/${PASSES} done; /proc/loadavg: ${loadavg()}`);
}
const firstPass = passes[0];
if (firstPass === undefined) throw new Error("--passes must be at least 1");

// ---- summaries ----
const rates = (name: string) => passes.map((p) => p.rate.get(name)!);
const nativeRates = (family: Family, phase: "compress" | "decompress", two = false) =>
  passes.map((p) => nativeGBps((two ? p.native2 : p.native)[family], phase));
/** Per pass, the case's GB/s over the native single-thread loop's in the same pass. */
function ratios(name: string): number[] {
  const c = cases.find((x) => x.name === name);
  if (c?.baseline === undefined) throw new Error(`benchmark '${name}' has no native baseline`);
  const { family, phase } = c.baseline;
  return passes.map((p) => p.rate.get(name)! / nativeGBps(p.native[family], phase));
}

const summary: string[][] = cases.map((c) => [
  c.name,
  withSpread(rates(c.name), 2),
  c.baseline === undefined ? "" : withSpread(ratios(c.name), 2) + "x",
  c.stored === undefined ? "" : (c.bytes / c.stored).toFixed(2),
  String(Math.round(faults.get(c.name)!)),
]);
for (const family of ["lz4", "zstd-1"] as const) {
  for (const two of [false, true]) {
    const r = (two ? firstPass.native2 : firstPass.native)[family];
    const label = `native C ${family === "lz4" ? "liblz4" : "libzstd-1"} page loop, ${two ? "2 threads" : "1 thread"}`;
    for (const phase of ["compress", "decompress"] as const) {
      const gbps = nativeRates(family, phase, two);
      const base = nativeRates(family, phase);
      summary.push([
        `${label}: ${phase}`,
        withSpread(gbps, 2),
        withSpread(gbps.map((g, i) => g / base[i]!), 2) + "x",
        phase === "compress" ? (r.bytes / r.stored).toFixed(2) : "",
        "",
      ]);
    }
  }
}
console.log(
  "\nThroughput: median over passes (min..max) of each pass's median iteration; GB/s of uncompressed " +
    "page bytes; x = over the native single-thread loop of the same family and phase in the same pass; " +
    "ratio = bytes in / bytes stored; faults = minor page faults per iteration:\n",
);
console.log(markdownTable(["benchmark", "GB/s", "vs native 1 thread", "ratio", "faults"], summary));

const lz4Case = (prefix: string) => {
  const c = cases.find((x) => x.name.startsWith(prefix));
  if (c === undefined) throw new Error(`no benchmark '${prefix}...'`);
  return c.name;
};
const arenaCompress = lz4Case("lz4 compress: trueno batch into a reused BatchArena");
const plainCompress = lz4Case("lz4 compress: trueno batch, plain compressBatch, fresh memory");
const smallBatches = lz4Case(`lz4 compress: trueno ${SMALL_BATCH_PAGES}-page batches`);
const reuseDecompress = lz4Case("lz4 decompress: trueno batch into a reused buffer");
const perPageInto = lz4Case("lz4 compress: trueno per page into a reused buffer");
const over = (a: string, b: string) => passes.map((p) => p.rate.get(a)! / p.rate.get(b)!);
const targets: Target[] = [
  {
    what: "batch LZ4 compress into a reused BatchArena / native liblz4 loop (1 thread)",
    unit: "x",
    goal: 1.9,
    measured: ratios(arenaCompress),
  },
  {
    what: "plain compressBatch (fresh memory) / native liblz4 loop (1 thread)",
    unit: "x",
    goal: 1.75,
    measured: ratios(plainCompress),
  },
  {
    what: `${SMALL_BATCH_PAGES}-page batches (reused BatchArena) / native liblz4 loop (1 thread)`,
    unit: "x",
    goal: 1.8,
    measured: ratios(smallBatches),
  },
  {
    what: "batch LZ4 decompress into a reused buffer / native liblz4 loop (1 thread)",
    unit: "x",
    goal: 1.9,
    measured: ratios(reuseDecompress),
  },
  {
    what: "per-page LZ4 compress into a reused buffer / native liblz4 loop (1 thread)",
    unit: "x",
    goal: 0.9,
    measured: ratios(perPageInto),
  },
  {
    what: "plain compressBatch / lz4-napi per page",
    unit: "x",
    goal: 3.2,
    measured: over(plainCompress, "lz4 compress: lz4-napi per page"),
  },
  {
    what: "batch LZ4 decompress (reused buffer) / lz4-napi per page",
    unit: "x",
    goal: 6,
    measured: over(reuseDecompress, "lz4 decompress: lz4-napi per page"),
  },
  {
    what: "same-fill check (sameFillWord) / memcpy, same-filled pages",
    unit: "x",
    goal: 0.8,
    measured: over(
      "same-fill: trueno sameFillWord per page (kernel rule)",
      "same-fill: memcpy (TypedArray.set) of the same bytes",
    ),
  },
  {
    what: "full-page entropy (shannonEntropy per page)",
    unit: "GB/s",
    goal: 1.5,
    measured: rates("entropy: trueno shannonEntropy per page"),
  },
];
console.log(`Targets (median over ${PASSES} passes, min..max; /proc/loadavg at the end: ${loadavg()}):\n`);
console.log(markdownTable(["target", "measured", "goal", "result"], targetRows(targets)));
console.log(
  `native liblz4 loop scaling, 2 threads over 1: ` +
    `${median(over2("compress")).toFixed(2)}x compress, ${median(over2("decompress")).toFixed(2)}x decompress`,
);
function over2(phase: "compress" | "decompress"): number[] {
  const one = nativeRates("lz4", phase);
  return nativeRates("lz4", phase, true).map((g, i) => g / one[i]!);
}
lz4.close();
zstd.close();
