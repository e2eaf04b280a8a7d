// Large writes on the GPU: which requests go there, and the GPU's batch checked before the device stores
// any of it, so that a bad batch is a failed GPU call (the CPU then redoes the request), never a bad page.
import { Kind, PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import { type BatchLike, checkBatchLike } from "../compressor/batch.ts";
import { selectBackend } from "../gpu/policy.ts";

/** What the device needs of a GPU: one batch compressed into SAME, GPU_LZ4 or RAW pages (a
 * GpuBatchCompressor is one). Pages whose LZ4 output reaches rawThreshold bytes come back RAW. */
export interface GpuPageCompressor {
  /** Compresses whole pages into one batch; pages whose output reaches rawThreshold bytes come back RAW. */
  compressBatch(pages: Uint8Array, rawThreshold: number): { readonly batch: BatchLike };
}

export function isGpuPageCompressor(gpu: unknown): gpu is GpuPageCompressor {
  return typeof gpu === "object" && gpu !== null && typeof (gpu as GpuPageCompressor).compressBatch === "function";
}

/** Whether the selection rule (selectBackend, lib/gpu/policy.ts) sends a write of pageCount pages to the GPU. */
export function routesToGpu(pageCount: number): boolean {
  return selectBackend(pageCount, true) === "gpu";
}

/** The GPU's batch for `pages` (pageCount pages); throws TruenoError when the GPU fails or returns a
 * batch that is not pageCount pages of its three kinds inside its arena. */
export function compressOnGpu(
  gpu: GpuPageCompressor,
  pages: Uint8Array,
  pageCount: number,
  rawThreshold: number,
): BatchLike {
  const { batch } = gpu.compressBatch(pages, rawThreshold);
  try {
    checkBatchLike(batch);
  } catch (e) {
    throw new TruenoError("GpuError", `the GPU returned ${e instanceof Error ? e.message : e}`);
  }
  if (batch.count !== pageCount) {
    throw new TruenoError("GpuError", `the GPU returned ${batch.count} pages for ${pageCount}`);
  }
  for (let i = 0; i < pageCount; i++) {
    const kind = batch.kinds[i];
    const size = batch.sizes[i];
    const sizeFits = size !== undefined &&
      (kind === Kind.Same
        ? size === 0
        : kind === Kind.Raw
        ? size === PAGE_SIZE
        : kind === Kind.GpuLz4 && size > 0 && size < rawThreshold);
    const offset = batch.offsets[i];
    if (!sizeFits || offset === undefined || offset < 0 || offset + size > batch.arena.length) {
      throw new TruenoError("GpuError", `the GPU returned page ${i} as kind ${kind}, ${size} bytes at ${offset}`);
    }
  }
  return batch;
}
