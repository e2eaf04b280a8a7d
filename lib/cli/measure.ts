/**
 * Measures batch compress and decompress of a set of pages for one algorithm and backend: one warm-up
 * pass whose output is checked byte for byte against the input, then timed passes until a minimum time
 * has passed; the median pass gives the throughput.
 */
import { Buffer } from "node:buffer";
import { type CompressedBatch, CompressorBuilder, Kind, PAGE_SIZE, type SimdBackend } from "../../mod.ts";
import type { AlgorithmChoice } from "./algorithms.ts";

/** Pages per batch call: large enough to keep every worker busy, small enough to bound the arenas. */
export const CHUNK_PAGES = 16384;

export interface BenchResult {
  algorithm: string;
  backend: SimdBackend;
  threads: number;
  pages: number;
  bytes: number;
  storedBytes: number;
  ratio: number;
  samePages: number;
  rawPages: number;
  compressGBps: number;
  decompressGBps: number;
  compressPasses: number;
  decompressPasses: number;
  roundTripVerified: boolean;
}

export interface MeasureOptions {
  threads?: number;
  minMs: number;
  /** Called with the fraction of this measurement done (0..1) and what runs now. */
  onProgress?: (fraction: number, phase: string) => void;
}

export class RoundTripError extends Error {
  constructor(what: string) {
    super(`round trip failed: ${what} did not decompress to the original pages`);
    this.name = "RoundTripError";
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function chunksOf(pages: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const step = CHUNK_PAGES * PAGE_SIZE;
  for (let at = 0; at < pages.length; at += step) chunks.push(pages.subarray(at, Math.min(at + step, pages.length)));
  return chunks;
}

/** Repeats `pass` until minMs have passed (at least 3 passes) and returns every pass's milliseconds. */
function timedPasses(pass: () => void, minMs: number, report: (fraction: number) => void): number[] {
  const times: number[] = [];
  let spent = 0;
  while (spent < minMs || times.length < 3) {
    const t0 = performance.now();
    pass();
    const dt = performance.now() - t0;
    times.push(dt);
    spent += dt;
    report(Math.min(1, spent / minMs));
  }
  return times;
}

export function measure(
  pages: Uint8Array,
  choice: AlgorithmChoice,
  backend: SimdBackend | undefined,
  options: MeasureOptions,
): BenchResult {
  const builder = new CompressorBuilder().algorithm(choice.algorithm);
  if (backend !== undefined) builder.preferBackend(backend);
  if (options.threads !== undefined) builder.threads(options.threads);
  const compressor = builder.build();
  const label = `${choice.name}/${compressor.backend()}`;
  const progress = options.onProgress ?? (() => {});
  try {
    const chunks = chunksOf(pages);
    const out = new Uint8Array(pages.length);
    let batches: CompressedBatch[] = [];
    const compressAll = () => {
      batches = chunks.map((chunk) => compressor.compressBatch(chunk));
    };
    const decompressAll = () => {
      let at = 0;
      for (const b of batches) {
        compressor.decompressBatch(b, out.subarray(at, at + b.count * PAGE_SIZE));
        at += b.count * PAGE_SIZE;
      }
    };

    progress(0, `${label} warm-up`);
    compressAll();
    decompressAll();
    if (Buffer.compare(out, pages) !== 0) throw new RoundTripError(label);
    out.fill(0);

    const compressMs = timedPasses(compressAll, options.minMs, (f) => progress(f / 2, `${label} compress`));
    const decompressMs = timedPasses(decompressAll, options.minMs, (f) => progress(0.5 + f / 2, `${label} decompress`));
    // The timed passes must also give back the original pages.
    if (Buffer.compare(out, pages) !== 0) throw new RoundTripError(label);

    let storedBytes = 0;
    let samePages = 0;
    let rawPages = 0;
    for (const b of batches) {
      storedBytes += b.totalBytes;
      for (let i = 0; i < b.count; i++) {
        if (b.kinds[i] === Kind.Same) samePages++;
        else if (b.kinds[i] === Kind.Raw) rawPages++;
      }
    }
    const gbps = (ms: number) => pages.length / (ms * 1e6);
    return {
      algorithm: choice.name,
      backend: compressor.backend(),
      threads: compressor.threads(),
      pages: pages.length / PAGE_SIZE,
      bytes: pages.length,
      storedBytes,
      ratio: pages.length / storedBytes,
      samePages,
      rawPages,
      compressGBps: gbps(median(compressMs)),
      decompressGBps: gbps(median(decompressMs)),
      compressPasses: compressMs.length,
      decompressPasses: decompressMs.length,
      roundTripVerified: true,
    };
  } finally {
    compressor.close();
  }
}
