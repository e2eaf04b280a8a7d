/**
 * Measures batch compress and decompress of a set of pages for several configurations (algorithm x
 * backend) in interleaved rounds: every round runs one compress pass and one decompress pass of each
 * configuration, starting with a different configuration each round, so that other work starting or
 * stopping on the machine falls on all of them alike instead of on whichever ran at that moment. Each
 * configuration first runs a warm-up pass whose output is checked byte for byte, and after the rounds its
 * final batches are decoded and checked again. Results: the median pass, the fastest and slowest, and the
 * spread. The configurations share one output buffer, so memory grows with their compressed output only.
 */
import { Buffer } from "node:buffer";
import {
  type CompressedBatch,
  type Compressor,
  CompressorBuilder,
  Kind,
  PAGE_SIZE,
  type SimdBackend,
} from "../../mod.ts";
import type { AlgorithmChoice } from "./algorithms.ts";

/** Pages per batch call: large enough to keep every worker busy, small enough to bound the arenas. */
export const CHUNK_PAGES = 16384;

export interface PassSummary {
  /** GB/s of the median pass. */
  medianGBps: number;
  minGBps: number;
  maxGBps: number;
  /** (max - min) / median, in percent. */
  spreadPercent: number;
}

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
  /** The median passes' GB/s (also in compress / decompress). */
  compressGBps: number;
  decompressGBps: number;
  compress: PassSummary;
  decompress: PassSummary;
  rounds: number;
  roundTripVerified: boolean;
}

export interface Configuration {
  choice: AlgorithmChoice;
  /** undefined: the library's own choice. */
  backend: SimdBackend | undefined;
}

export interface MeasureOptions {
  threads?: number;
  rounds: number;
  /** Called with the fraction done (0..1) and what runs now. */
  onProgress?: (fraction: number, phase: string) => void;
}

export class RoundTripError extends Error {
  constructor(what: string) {
    super(`round trip failed: ${what} did not decompress to the original pages`);
    this.name = "RoundTripError";
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function summarize(bytes: number, passMs: readonly number[]): PassSummary {
  const gbps = passMs.map((ms) => bytes / (ms * 1e6));
  const mid = median(gbps);
  const min = Math.min(...gbps);
  const max = Math.max(...gbps);
  return { medianGBps: mid, minGBps: min, maxGBps: max, spreadPercent: (100 * (max - min)) / mid };
}

function chunksOf(pages: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const step = CHUNK_PAGES * PAGE_SIZE;
  for (let at = 0; at < pages.length; at += step) chunks.push(pages.subarray(at, Math.min(at + step, pages.length)));
  return chunks;
}

/** The pages, in batch-sized chunks, and the one buffer every configuration decompresses into. */
interface Workload {
  pages: Uint8Array;
  chunks: Uint8Array[];
  out: Uint8Array;
}

/** One configuration's compressor, its latest batches and its pass times. */
class Contender {
  readonly compressor: Compressor;
  readonly label: string;
  readonly compressMs: number[] = [];
  readonly decompressMs: number[] = [];
  #batches: CompressedBatch[] = [];

  constructor(readonly config: Configuration, readonly work: Workload, threads?: number) {
    const builder = new CompressorBuilder().algorithm(config.choice.algorithm);
    if (config.backend !== undefined) builder.preferBackend(config.backend);
    if (threads !== undefined) builder.threads(threads);
    this.compressor = builder.build();
    this.label = `${config.choice.name}/${this.compressor.backend()}`;
  }

  compress(): number {
    const t0 = performance.now();
    this.#batches = this.work.chunks.map((chunk) => this.compressor.compressBatch(chunk));
    return performance.now() - t0;
  }

  decompress(): number {
    const t0 = performance.now();
    let at = 0;
    for (const b of this.#batches) {
      this.compressor.decompressBatch(b, this.work.out.subarray(at, at + b.count * PAGE_SIZE));
      at += b.count * PAGE_SIZE;
    }
    return performance.now() - t0;
  }

  /** Decodes the latest batches untimed and checks they give back the pages; clears the output after. */
  verify(): void {
    this.decompress();
    if (Buffer.compare(this.work.out, this.work.pages) !== 0) throw new RoundTripError(this.label);
    this.work.out.fill(0);
  }

  result(rounds: number): BenchResult {
    let storedBytes = 0;
    let samePages = 0;
    let rawPages = 0;
    for (const b of this.#batches) {
      storedBytes += b.totalBytes;
      for (let i = 0; i < b.count; i++) {
        if (b.kinds[i] === Kind.Same) samePages++;
        else if (b.kinds[i] === Kind.Raw) rawPages++;
      }
    }
    const { pages } = this.work;
    const compress = summarize(pages.length, this.compressMs);
    const decompress = summarize(pages.length, this.decompressMs);
    return {
      algorithm: this.config.choice.name,
      backend: this.compressor.backend(),
      threads: this.compressor.threads(),
      pages: pages.length / PAGE_SIZE,
      bytes: pages.length,
      storedBytes,
      ratio: pages.length / storedBytes,
      samePages,
      rawPages,
      compressGBps: compress.medianGBps,
      decompressGBps: decompress.medianGBps,
      compress,
      decompress,
      rounds,
      roundTripVerified: true,
    };
  }
}

export function measureInterleaved(
  pages: Uint8Array,
  configs: readonly Configuration[],
  options: MeasureOptions,
): BenchResult[] {
  const work: Workload = { pages, chunks: chunksOf(pages), out: new Uint8Array(pages.length) };
  const progress = options.onProgress ?? (() => {});
  const contenders: Contender[] = [];
  try {
    for (const config of configs) contenders.push(new Contender(config, work, options.threads));
    const steps = contenders.length * (options.rounds + 1);
    let step = 0;
    for (const c of contenders) {
      progress(step++ / steps, `${c.label} warm-up`);
      c.compress();
      c.verify();
    }
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < contenders.length; k++) {
        const c = contenders[(round + k) % contenders.length]!;
        progress(step++ / steps, `round ${round + 1}/${options.rounds} ${c.label}`);
        c.compressMs.push(c.compress());
        c.decompressMs.push(c.decompress());
      }
    }
    for (const c of contenders) c.verify();
    return contenders.map((c) => c.result(options.rounds));
  } finally {
    for (const c of contenders) c.compressor.close();
  }
}
