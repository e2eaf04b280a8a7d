// GpuBatchCompressor: page batches compressed and decompressed by the CUDA kernels (tz_gpu_*).
import { MAX_BATCH_PAGES, PAGE_SIZE, Status } from "../ffi/abi.ts";
import { checkStatus, codeOfStatus, TruenoError } from "../ffi/errors.ts";
import { native } from "../ffi/load.ts";
import { Algorithm } from "../compressor/algorithm.ts";
import { type BatchLike, CompressedBatch } from "../compressor/batch.ts";
import { requirePages } from "../compressor/input.ts";
import { gpuWins } from "./selection.ts";
import { gpuDecodeArgs } from "./batch_args.ts";
import { costModel } from "./policy.ts";

/** How a GpuBatchCompressor sets up its GPU context; every field has a default. */
export interface GpuBatchConfig {
  /** Which CUDA device (as listGpus numbers them); default 0. */
  deviceIndex: number;
  /** The codec: the GPU path compresses with LZ4 only (Algorithm.Lz4, the default). */
  algorithm: Algorithm;
  /** Pages per ring slot, 1..MAX_BATCH_PAGES; default 1000. */
  batchSize: number;
  /** Overlap the upload, kernel and download of successive slots; default true. */
  asyncDma: boolean;
  /** Slots in the ring of pinned host buffers, 1..16; default 4. */
  ringBufferSlots: number;
}

const DEFAULT_CONFIG: GpuBatchConfig = {
  deviceIndex: 0,
  algorithm: Algorithm.Lz4,
  batchSize: 1000,
  asyncDma: true,
  ringBufferSlots: 4,
};

/** One compressed batch with the GPU's stage times (CUDA events; total is wall time). */
export class BatchResult {
  /** A batch and its stage times, as GpuBatchCompressor.compressBatch returns them. */
  constructor(
    readonly batch: CompressedBatch,
    readonly h2dTimeNs: number,
    readonly kernelTimeNs: number,
    readonly d2hTimeNs: number,
    readonly totalTimeNs: number,
  ) {}

  /** Pages in the batch. */
  get pages(): number {
    return this.batch.count;
  }

  /** The batch's original bytes over its stored bytes. */
  compressionRatio(): number {
    return this.batch.ratio();
  }

  /** Original bytes of n pages per second of totalTimeNs. */
  throughputBytesPerSec(n: number = this.batch.count): number {
    return (n * PAGE_SIZE) / (this.totalTimeNs / 1e9);
  }

  /** Whether the measured model says this batch belonged on the GPU (false until it is calibrated). */
  pcieRuleSatisfied(): boolean {
    const model = costModel();
    return model !== undefined && gpuWins(this.batch.count, model);
  }
}

/** Sums over the batches run so far (CUDA event times; total is wall time). */
export interface GpuStageTimes {
  /** GPU calls summed. */
  batches: number;
  /** Pages over those calls. */
  pages: number;
  /** Host-to-device copy time, nanoseconds. */
  h2dTimeNs: number;
  /** Kernel time, nanoseconds. */
  kernelTimeNs: number;
  /** Device-to-host copy time, nanoseconds. */
  d2hTimeNs: number;
  /** Wall time of the calls, nanoseconds. */
  totalTimeNs: number;
}

/** What a GpuBatchCompressor has done since it was built. */
export interface GpuBatchStats {
  /** The compressBatch calls. */
  compress: GpuStageTimes;
  /** The decompressBatch calls. */
  decompress: GpuStageTimes;
  /** Original bytes compressed. */
  bytesIn: number;
  /** Bytes those pages were stored in. */
  bytesOut: number;
}

function noTimes(): GpuStageTimes {
  return { batches: 0, pages: 0, h2dTimeNs: 0, kernelTimeNs: 0, d2hTimeNs: 0, totalTimeNs: 0 };
}

/** Adds one call's stage times (the Float64Array(4) the GPU call filled) to `sum`. */
function addTimes(sum: GpuStageTimes, pages: number, times: Float64Array): void {
  sum.batches++;
  sum.pages += pages;
  sum.h2dTimeNs += times[0]!;
  sum.kernelTimeNs += times[1]!;
  sum.d2hTimeNs += times[2]!;
  sum.totalTimeNs += times[3]!;
}

/** Page batches compressed (LZ4) and decompressed by CUDA kernels on one GPU; close() frees the context. */
export class GpuBatchCompressor {
  readonly #config: GpuBatchConfig;
  #handle: number;
  #stats: GpuBatchStats = { compress: noTimes(), decompress: noTimes(), bytesIn: 0, bytesOut: 0 };

  /** Throws TruenoError "GpuNotAvailable" without a usable GPU, "Unsupported" in a build without kernels. */
  constructor(config: Partial<GpuBatchConfig> = {}) {
    const c = { ...DEFAULT_CONFIG, ...config };
    if (c.algorithm.name !== "lz4") {
      throw new TruenoError("InvalidInput", `the GPU path compresses with LZ4 only, not ${c.algorithm.name}`);
    }
    if (!Number.isInteger(c.batchSize) || c.batchSize < 1 || c.batchSize > MAX_BATCH_PAGES) {
      throw new TruenoError("InvalidInput", `batchSize must be an integer in 1..${MAX_BATCH_PAGES}`);
    }
    if (!Number.isInteger(c.ringBufferSlots) || c.ringBufferSlots < 1 || c.ringBufferSlots > 16) {
      throw new TruenoError("InvalidInput", "ringBufferSlots must be an integer in 1..16");
    }
    if (!Number.isInteger(c.deviceIndex) || c.deviceIndex < 0) {
      throw new TruenoError("InvalidInput", "deviceIndex must be a non-negative integer");
    }
    const lib = native();
    // A build without kernels reports Unsupported; a build with kernels but no driver or device,
    // GpuNotAvailable. Both mean: no GPU here.
    const handle = lib.tz_gpu_context_new(c.deviceIndex, c.batchSize, c.ringBufferSlots, c.asyncDma ? 1 : 0);
    if (handle === Status.Unsupported) {
      throw new TruenoError("GpuNotAvailable", "this library was built without CUDA kernels");
    }
    this.#handle = checkStatus(handle, "tz_gpu_context_new");
    this.#config = c;
  }

  #open(): number {
    if (this.#handle <= 0) throw new TruenoError("Closed", "this GpuBatchCompressor is closed");
    return this.#handle;
  }

  /** The configuration in effect, defaults filled in. */
  config(): GpuBatchConfig {
    return { ...this.#config };
  }

  /** A snapshot of the stage times and byte counts so far. */
  stats(): GpuBatchStats {
    const s = this.#stats;
    return { compress: { ...s.compress }, decompress: { ...s.decompress }, bytesIn: s.bytesIn, bytesOut: s.bytesOut };
  }

  /** Compresses n pages; kinds are SAME, GPU_LZ4 or RAW. A failed batch throws and changes no stats. */
  compressBatch(pages: Uint8Array, rawThreshold = PAGE_SIZE): BatchResult {
    const handle = this.#open();
    const n = requirePages(pages);
    const arena = new Uint8Array(n * PAGE_SIZE);
    const offsets = new Int32Array(n);
    const sizes = new Int32Array(n);
    const kinds = new Uint8Array(n);
    const patterns = new BigUint64Array(n);
    const times = new Float64Array(4);
    const total = checkStatus(
      native().tz_gpu_compress_batch(
        handle,
        pages,
        n,
        rawThreshold,
        arena,
        arena.length,
        offsets,
        sizes,
        kinds,
        new Uint8Array(patterns.buffer),
        times,
      ),
      "tz_gpu_compress_batch",
    );
    addTimes(this.#stats.compress, n, times);
    this.#stats.bytesIn += n * PAGE_SIZE;
    this.#stats.bytesOut += total;
    const batch = new CompressedBatch(n, arena, offsets, sizes, kinds, patterns, total);
    return new BatchResult(batch, times[0]!, times[1]!, times[2]!, times[3]!);
  }

  /** Rebuilds every page (SAME, LZ4, GPU_LZ4, RAW); throws naming the first bad page: CorruptedData,
   * InvalidInput for a kind that is no kind, Unsupported for a ZSTD page. */
  decompressBatch(batch: BatchLike, out?: Uint8Array): Uint8Array {
    const handle = this.#open();
    const args = gpuDecodeArgs(batch, out);
    const status = new Int32Array(batch.count);
    const times = new Float64Array(4);
    const failed = checkStatus(
      native().tz_gpu_decompress_batch(
        handle,
        batch.arena,
        args.arenaLength,
        batch.offsets,
        batch.sizes,
        batch.kinds,
        new Uint8Array(batch.patterns.buffer, batch.patterns.byteOffset, batch.count * 8),
        batch.count,
        args.out,
        args.outCapacity,
        status,
        times,
      ),
      "tz_gpu_decompress_batch",
    );
    addTimes(this.#stats.decompress, batch.count, times);
    if (failed > 0) {
      const first = status.findIndex((s) => s !== 0);
      const code = codeOfStatus(status[first]);
      throw new TruenoError(
        code,
        `${failed} page(s) failed to decompress on the GPU, first page ${first} (kind ${batch.kinds[first]})`,
      );
    }
    return args.out;
  }

  /** Releases every device and pinned allocation; later calls throw Closed. */
  close(): void {
    if (this.#handle <= 0) return;
    native().tz_gpu_context_free(this.#handle);
    this.#handle = 0;
  }
}
