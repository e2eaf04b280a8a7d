/*
 * When a batch is worth sending to the GPU. The original rule compared PCIe and kernel speeds with the
 * batch size on both sides, so the page count cancelled out. Here every term that does not scale with
 * the batch is kept, so small batches stay on the CPU:
 *
 *   bytes   B = pages * 4096
 *   up      U = B / pcie             (pages to the device)
 *   kernel  K = B / gpu
 *   down    D = B * c / pcie         (compressed bytes back; c = compressed/original, measured)
 *   GPU     T_gpu = L + (overlap ? max(U, K, D) : U + K + D)      L = fixed cost per batch (launches,
 *                                                                 synchronisations, host copies)
 *   CPU     T_cpu = B / cpu          (the CPU batch path's measured speed)
 *   GPU wins iff T_gpu < T_cpu.
 *
 * With overlap the break-even batch is B* = L / (1/cpu - max(1/pcie, 1/gpu, c/pcie)); when the CPU is
 * at least as fast as the slowest GPU stage, the GPU never wins. Every figure comes from a measurement:
 * measureCpuSpeed() times the CPU batch path here, and the GPU terms come from GpuBatchCompressor's
 * BatchResult timings (calibrateFromBatch). Until the GPU terms are measured, nothing goes to the GPU.
 */
import { PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";

/**
 * The figures the GPU-or-CPU rule weighs: one batch's fixed cost, the transfer, kernel and CPU rates, and what
 * travels back.
 */
export interface CostModel {
  /** Fixed seconds per GPU batch. */
  launchSeconds: number;
  /** PCIe bytes per second, each direction. */
  pcieBytesPerSec: number;
  /** Kernel bytes per second. */
  gpuBytesPerSec: number;
  /** CPU batch path bytes per second. */
  cpuBytesPerSec: number;
  /** Compressed / original bytes of what travels back. */
  compressedFraction: number;
  /** Upload, kernel and download of successive slots overlap (asyncDma with 2+ ring slots). */
  overlap: boolean;
}

function requirePositive(value: number, what: string): void {
  if (!(typeof value === "number" && Number.isFinite(value) && value > 0)) {
    throw new TruenoError("InvalidInput", `${what} must be a positive finite number, got ${value}`);
  }
}

export function checkCostModel(m: CostModel): void {
  requirePositive(m.pcieBytesPerSec, "pcieBytesPerSec");
  requirePositive(m.gpuBytesPerSec, "gpuBytesPerSec");
  requirePositive(m.cpuBytesPerSec, "cpuBytesPerSec");
  if (!(Number.isFinite(m.launchSeconds) && m.launchSeconds >= 0)) {
    throw new TruenoError("InvalidInput", `launchSeconds must be >= 0, got ${m.launchSeconds}`);
  }
  if (!(m.compressedFraction > 0 && m.compressedFraction <= 1)) {
    throw new TruenoError("InvalidInput", `compressedFraction must be in (0, 1], got ${m.compressedFraction}`);
  }
}

function requirePages(pages: number): void {
  if (!Number.isInteger(pages) || pages < 0) {
    throw new TruenoError("InvalidInput", `a batch size must be a non-negative integer, got ${pages}`);
  }
}

/** Seconds the GPU path needs for `pages` pages under model m. */
export function gpuSeconds(pages: number, m: CostModel): number {
  requirePages(pages);
  const bytes = pages * PAGE_SIZE;
  const up = bytes / m.pcieBytesPerSec;
  const kernel = bytes / m.gpuBytesPerSec;
  const down = (bytes * m.compressedFraction) / m.pcieBytesPerSec;
  return m.launchSeconds + (m.overlap ? Math.max(up, kernel, down) : up + kernel + down);
}

/** Seconds the CPU batch path needs for `pages` pages under model m. */
export function cpuSeconds(pages: number, m: CostModel): number {
  requirePages(pages);
  return (pages * PAGE_SIZE) / m.cpuBytesPerSec;
}

/** The smallest batch for which the GPU wins, or Infinity when it never does. */
export function breakEvenPages(m: CostModel): number {
  checkCostModel(m);
  const perByteGpu = m.overlap
    ? Math.max(1 / m.pcieBytesPerSec, 1 / m.gpuBytesPerSec, m.compressedFraction / m.pcieBytesPerSec)
    : (1 + m.compressedFraction) / m.pcieBytesPerSec + 1 / m.gpuBytesPerSec;
  const gain = 1 / m.cpuBytesPerSec - perByteGpu;
  if (gain <= 0) return Infinity;
  return Math.floor(m.launchSeconds / gain / PAGE_SIZE) + 1;
}

/** True when the GPU finishes `pages` pages sooner than the CPU under model m. */
export function gpuWins(pages: number, m: CostModel): boolean {
  checkCostModel(m);
  return pages > 0 && gpuSeconds(pages, m) < cpuSeconds(pages, m);
}
