// The lengths a GPU decompress call passes, checked here so that no length past int32 reaches the FFI
// (Deno throws a raw TypeError for one, Bun wraps it) and a batch claiming too many pages is a typed error.
import { MAX_BATCH_PAGES, MAX_FFI_LENGTH, PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import { type BatchLike, checkBatchLike } from "../compressor/batch.ts";
import { requireOutput } from "../compressor/input.ts";

export interface GpuDecodeArgs {
  out: Uint8Array;
  /** What the call is told about the arena: offsets are int32, so bytes past 2^31 - 1 are unreachable. */
  arenaLength: number;
  /** What the call is told about out: the batch's pages, however large out is. */
  outCapacity: number;
}

/** InvalidInput for a malformed batch or one of more than MAX_BATCH_PAGES pages; BufferTooSmall for a short
 * out. `out` defaults to a new buffer of the batch's pages (made only after the checks). */
export function gpuDecodeArgs(batch: BatchLike, out?: Uint8Array): GpuDecodeArgs {
  checkBatchLike(batch);
  if (batch.count > MAX_BATCH_PAGES) {
    throw new TruenoError(
      "InvalidInput",
      `a batch of ${batch.count} pages is more than the ${MAX_BATCH_PAGES} of one call`,
    );
  }
  const bytes = batch.count * PAGE_SIZE;
  const target = out === undefined ? new Uint8Array(bytes) : requireOutput(out, bytes);
  return { out: target, arenaLength: Math.min(batch.arena.length, MAX_FFI_LENGTH), outCapacity: bytes };
}
