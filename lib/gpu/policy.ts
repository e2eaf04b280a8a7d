// selectBackend and meetsPcieRule on the cost model of selection.ts, with measured figures only.
import { PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import { bestBackend } from "../simd.ts";
import { Algorithm } from "../compressor/algorithm.ts";
import { CompressorBuilder } from "../compressor/builder.ts";
import { checkCostModel, type CostModel, gpuWins } from "./selection.ts";

/** Where selectBackend sends a batch: the GPU, the SIMD page loops, or the scalar ones. */
export type BatchBackend = "gpu" | "simd" | "scalar";

/** The GPU terms of the model, measured by calibrateFromBatch (or set for a known machine). */
export interface GpuTerms {
  /** Fixed seconds per GPU batch. */
  launchSeconds: number;
  /** PCIe bytes per second, each direction. */
  pcieBytesPerSec: number;
  /** Kernel bytes per second. */
  gpuBytesPerSec: number;
  /** Compressed / original bytes of what travels back. */
  compressedFraction: number;
  /** Upload, kernel and download of successive slots overlap (asyncDma with 2+ ring slots). */
  overlap: boolean;
}

let cpuBytesPerSec: number | undefined;
let gpuTerms: GpuTerms | undefined;

/** Pages of a deterministic memory-like mix: zero pages, small-integer tables, text, random bytes. */
function sampleBatch(pages: number): Uint8Array {
  const out = new Uint8Array(pages * PAGE_SIZE);
  let seed = 0x9e3779b9;
  const text = new TextEncoder().encode("key=value; path=/usr/lib/x86_64-linux-gnu; count=");
  for (let p = 0; p < pages; p++) {
    const page = out.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
    for (let i = 0; i < PAGE_SIZE; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      switch (p % 4) {
        case 0:
          page[i] = 0;
          break;
        case 1:
          page[i] = i % 8 === 0 ? seed >>> 28 : 0;
          break;
        case 2:
          page[i] = text[(i + (seed >>> 30)) % text.length]!;
          break;
        default:
          page[i] = seed >>> 24;
      }
    }
  }
  return out;
}

/** Measures the CPU batch path (LZ4, all cores) on a 1024-page mix; the figure the rule compares with. */
export function measureCpuSpeed(): number {
  const pages = sampleBatch(1024);
  const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  try {
    compressor.compressBatch(pages); // warm-up: threads started, codec states allocated
    let best = Infinity;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      compressor.compressBatch(pages);
      best = Math.min(best, (performance.now() - start) / 1000);
    }
    cpuBytesPerSec = pages.length / best;
    return cpuBytesPerSec;
  } finally {
    compressor.close();
  }
}

function cpuSpeed(): number {
  return cpuBytesPerSec ?? measureCpuSpeed();
}

/** Sets the CPU speed (bytes/s) instead of measuring it, e.g. from a benchmark of the same machine. */
export function setCpuSpeed(bytesPerSec: number): void {
  checkCostModel({
    launchSeconds: 0,
    pcieBytesPerSec: 1,
    gpuBytesPerSec: 1,
    cpuBytesPerSec: bytesPerSec,
    compressedFraction: 1,
    overlap: false,
  });
  cpuBytesPerSec = bytesPerSec;
}

/** Sets (or with undefined forgets) the measured GPU terms. */
export function setGpuTerms(terms: GpuTerms | undefined): void {
  if (terms !== undefined) checkCostModel({ ...terms, cpuBytesPerSec: 1 });
  gpuTerms = terms === undefined ? undefined : { ...terms };
}

/** A copy of the GPU terms in effect, or undefined while none are measured or set. */
export function currentGpuTerms(): GpuTerms | undefined {
  return gpuTerms === undefined ? undefined : { ...gpuTerms };
}

/**
 * GPU terms from two measured batches of one GpuBatchCompressor: a small one (its total is mostly the
 * fixed cost) and a large one (its stage times give the per-byte speeds).
 */
export function calibrateFromBatch(
  small: { pages: number; totalTimeNs: number },
  large: { pages: number; h2dTimeNs: number; kernelTimeNs: number; d2hTimeNs: number; compressedBytes: number },
  overlap: boolean,
): GpuTerms {
  const bytes = large.pages * PAGE_SIZE;
  const terms: GpuTerms = {
    launchSeconds: small.totalTimeNs / 1e9,
    pcieBytesPerSec: bytes / (large.h2dTimeNs / 1e9),
    gpuBytesPerSec: bytes / (large.kernelTimeNs / 1e9),
    compressedFraction: Math.min(1, Math.max(large.compressedBytes, 1) / bytes),
    overlap,
  };
  setGpuTerms(terms);
  return terms;
}

/** The whole model now in force; undefined until the GPU terms are known. */
export function costModel(): CostModel | undefined {
  return gpuTerms === undefined ? undefined : { ...gpuTerms, cpuBytesPerSec: cpuSpeed() };
}

/** "gpu" when a GPU is there and the model says it finishes this batch sooner; else the CPU's best path. */
export function selectBackend(batchSize: number, hasGpu: boolean): BatchBackend {
  if (!Number.isInteger(batchSize) || batchSize < 0) {
    throw new TruenoError("InvalidInput", `batchSize must be a non-negative integer, got ${batchSize}`);
  }
  if (hasGpu && gpuTerms !== undefined && gpuWins(batchSize, { ...gpuTerms, cpuBytesPerSec: cpuSpeed() })) {
    return "gpu";
  }
  return bestBackend() === "scalar" ? "scalar" : "simd";
}

/**
 * True when `pages` pages finish sooner on the GPU with this PCIe and kernel speed (GB/s = 1e9 bytes/s),
 * the measured fixed cost and compressed fraction, and the measured CPU speed. Throws GpuNotAvailable
 * while the fixed cost has not been measured.
 */
export function meetsPcieRule(pages: number, pcieGbps: number, gpuGbps: number): boolean {
  if (gpuTerms === undefined) {
    throw new TruenoError(
      "GpuNotAvailable",
      "the GPU's fixed cost per batch has not been measured (calibrateFromBatch)",
    );
  }
  return gpuWins(pages, {
    ...gpuTerms,
    pcieBytesPerSec: pcieGbps * 1e9,
    gpuBytesPerSec: gpuGbps * 1e9,
    cpuBytesPerSec: cpuSpeed(),
  });
}
