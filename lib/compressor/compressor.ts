import { Backend, Kind, PAGE_META_BYTES, PAGE_SIZE, PATTERN_BYTES } from "../ffi/abi.ts";
import { checkStatus, codeOfStatus, TruenoError } from "../ffi/errors.ts";
import { nativeLibrary } from "../ffi/load.ts";
import type { NativeLibrary } from "../ffi/symbols.ts";
import { backendName, type SimdBackend } from "../simd.ts";
import { Algorithm } from "./algorithm.ts";
import { type ArenaStorage, BatchArena, lendStorage, returnStorage } from "./arena.ts";
import { type BatchLike, checkBatchLike, CompressedBatch } from "./batch.ts";
import { int32Length, requireOutput, requirePage, requirePages } from "./input.ts";
import { openNativeCompressor } from "./native-open.ts";
import { codeOfKind, kindOfCode } from "./kind.ts";
import { type BatchOptions, type CompressOptions, DEFAULT_OPTIONS, resolveOptions, targetArena } from "./options.ts";
import { CompressedPage, storedPage } from "./page.ts";
import { PageSlab } from "./slab.ts";
import { CompressionStats } from "./stats.ts";

/** Buffers of async jobs in flight: referenced here so that nothing frees them before the job ends. */
const inFlight = new Set<unknown>();

/** Below this size a caller's array is copied before an async job keeps its address (engines may move
 * the storage of small typed arrays). */
const STABLE_MIN_BYTES = 4096;

/** A plain compressBatch reuses released memory of at most this many times its pages, so that a small
 * batch does not hold on to a large batch's memory. */
const PLAIN_REUSE_MOST = 2;

/** Frees the native state of compressors that were dropped without close(). */
const finalizer = new FinalizationRegistry<number>((handle) => nativeLibrary().symbols.tz_compressor_free(handle));

type BatchArray = Uint8Array | Int32Array | BigUint64Array;

/** `array` itself, or for a small one a copy in an ArrayBuffer of its own. */
function stable<T extends BatchArray>(array: T): T {
  if (array.byteLength >= STABLE_MIN_BYTES) return array;
  return owned(array);
}

/** A copy of `array` in an ArrayBuffer of its own, which the caller cannot reach. */
function owned<T extends BatchArray>(array: T): T {
  const copy = new (array.constructor as new (buffer: ArrayBuffer) => T)(new ArrayBuffer(array.byteLength));
  copy.set(array as never);
  return copy;
}

const now = () => performance.now();
const MS_TO_NS = 1e6;

/** Compresses and decompresses 4096-byte pages through libtrueno_zram. Build it with CompressorBuilder. */
export class Compressor {
  /** The algorithm and level every page is compressed with. */
  readonly algorithm: Algorithm;
  #lib: NativeLibrary;
  #handle: number;
  #closed = false;
  #stats = new CompressionStats();
  #slab = new PageSlab();
  /** Where plain compressBatch calls get their memory: fresh, or a released batch's. */
  #arena = new BatchArena();
  /** Per-page status of synchronous decompressBatch calls, grown as needed. */
  #status = new Int32Array(0);
  // Scratch for single-page calls; passed to each call, never kept as a pointer.
  #meta = new Uint8Array(PAGE_META_BYTES);
  /** #meta as 64-bit words: [1] is the SAME pattern. */
  #metaWords = new BigUint64Array(this.#meta.buffer);
  #pattern = new Uint8Array(PATTERN_BYTES);
  #patternWords = new BigUint64Array(this.#pattern.buffer);

  /** threads: 0 = the library's default (available cores). backend: a TZ_BACKEND_* number. */
  constructor(algorithm: Algorithm, threads = 0, backend: number = Backend.Auto) {
    if (!(algorithm instanceof Algorithm) || !algorithm.isValid()) {
      throw new TruenoError("InvalidInput", `unknown algorithm or level: ${String(algorithm)}`);
    }
    this.algorithm = algorithm;
    this.#lib = nativeLibrary();
    this.#handle = openNativeCompressor(this.#lib, algorithm, threads, backend);
    finalizer.register(this, this.#handle, this);
  }

  /** The native handle, for library code that runs its own native calls on this compressor's threads
   * (the block device's page store). Throws Closed after close(). */
  nativeHandle(): number {
    this.#open();
    return this.#handle;
  }

  #open(): NativeLibrary["symbols"] {
    if (this.#closed) throw new TruenoError("Closed", "this compressor was closed");
    return this.#lib.symbols;
  }

  /** One page (exactly 4096 bytes) to its stored form. */
  compress(page: Uint8Array, opts?: CompressOptions): CompressedPage {
    const size = this.#compressPage(page, opts, this.#slab.room());
    return this.#storedResult(this.#slab.take(size));
  }

  /**
   * compress() writing the stored bytes into out[0..size) (out: at least 4096 bytes) instead of new
   * memory: a caller that reuses `out` page after page writes into resident memory. The returned page's
   * data is a view of `out`, valid until `out` is written again.
   */
  compressInto(page: Uint8Array, out: Uint8Array, opts?: CompressOptions): CompressedPage {
    requireOutput(out, PAGE_SIZE);
    const size = this.#compressPage(page, opts, out);
    return this.#storedResult(out.subarray(0, size));
  }

  /** Compresses into out[0..4096); the stored size, with kind and pattern left in #meta. */
  #compressPage(page: Uint8Array, opts: CompressOptions | undefined, out: Uint8Array): number {
    const sym = this.#open();
    // The common case (a 4096-byte Uint8Array, no options) is checked inline; anything else gets the
    // full checks and their typed errors.
    if (!(page instanceof Uint8Array) || page.length !== PAGE_SIZE) requirePage(page);
    const { rawThreshold, entropyLimit } = opts === undefined ? DEFAULT_OPTIONS : resolveOptions(opts);
    const start = now();
    const size = sym.tz_compress_page(this.#handle, page, rawThreshold, entropyLimit, out, PAGE_SIZE, this.#meta);
    const ms = now() - start;
    if (size < 0) checkStatus(size, "compress");
    const code = this.#meta[0];
    this.#countCompressed(1, size, ms, code === Kind.Same ? 1 : 0, code === Kind.Raw ? 1 : 0);
    return size;
  }

  /** The page the last #compressPage stored in `data`. */
  #storedResult(data: Uint8Array): CompressedPage {
    const code = this.#meta[0];
    const kind = kindOfCode(code);
    if (kind === undefined) throw new TruenoError("AbiMismatch", `the library stored unknown kind ${code}`);
    return storedPage(data, kind, code === Kind.Same ? this.#metaWords[1]! : 0n, this.algorithm);
  }

  /** A new 4096-byte page from its stored form. */
  decompress(page: CompressedPage): Uint8Array {
    const out = new Uint8Array(PAGE_SIZE);
    this.#decompressPage(page, out);
    return out;
  }

  /** Decodes into out[0..4096); on failure `out` is left as it was (the library decodes into its own
   * scratch and copies only a page that decoded). */
  decompressInto(page: CompressedPage, out: Uint8Array): void {
    requireOutput(out, PAGE_SIZE);
    this.#decompressPage(page, out);
  }

  #decompressPage(page: CompressedPage, out: Uint8Array): void {
    const sym = this.#open();
    if (!(page instanceof CompressedPage)) throw new TruenoError("InvalidInput", "decompress needs a CompressedPage");
    const code = codeOfKind(page.kind);
    // The library reads the pattern of a SAME page only.
    if (code === Kind.Same) this.#patternWords[0] = page.pattern;
    const data = page.data;
    const start = now();
    const status = sym.tz_decompress_page(this.#handle, code, data, data.length, this.#pattern, out);
    this.#stats.decompressTimeNs += (now() - start) * MS_TO_NS;
    if (status < 0) checkStatus(status, "decompress");
  }

  /**
   * n pages (pages.length = n * 4096) in one native call spread over the compressor's threads. With
   * `{ into: arena }` the batch is written into the BatchArena's memory; without, into the memory of
   * this compressor's last released batch (when at most twice the size needed), or new memory. Either
   * way the batch holds that memory until its release().
   */
  compressBatch(pages: Uint8Array, opts?: BatchOptions): CompressedBatch {
    const sym = this.#open();
    const count = requirePages(pages);
    const { rawThreshold, entropyLimit } = resolveOptions(opts);
    const { arena, s } = this.#lend(opts, count);
    const start = now();
    const total = count === 0 ? 0 : sym.tz_compress_batch(
      this.#handle,
      pages,
      count,
      rawThreshold,
      entropyLimit,
      s.bytes,
      count * PAGE_SIZE,
      s.offsets,
      s.sizes,
      s.kinds,
      s.patterns,
    );
    return this.#finishBatch(count, arena, s, total, now() - start, "compressBatch");
  }

  /**
   * compressBatch off the JS thread. `pages` must stay untouched until the Promise settles; the memory
   * the batch is written into is held from the call on.
   */
  async compressBatchAsync(pages: Uint8Array, opts?: BatchOptions): Promise<CompressedBatch> {
    const sym = this.#open();
    const count = requirePages(pages);
    const { rawThreshold, entropyLimit } = resolveOptions(opts);
    const { arena, s } = this.#lend(opts, count);
    if (count === 0) return this.#finishBatch(count, arena, s, 0, 0, "compressBatchAsync");
    const start = now();
    const job = sym.tz_compress_batch_async(
      this.#handle,
      pages,
      count,
      rawThreshold,
      entropyLimit,
      s.bytes,
      count * PAGE_SIZE,
      s.offsets,
      s.sizes,
      s.kinds,
      s.patterns,
    );
    const total = job < 0 ? job : await this.#wait(job, [pages, s]);
    return this.#finishBatch(count, arena, s, total, now() - start, "compressBatchAsync");
  }

  /** The memory a batch of `count` pages is written into, and the arena it goes back to. */
  #lend(opts: BatchOptions | undefined, count: number): { arena: BatchArena; s: ArenaStorage } {
    const into = targetArena(opts);
    if (into !== undefined) return { arena: into, s: lendStorage(into, count) };
    return { arena: this.#arena, s: lendStorage(this.#arena, count, count * PLAIN_REUSE_MOST) };
  }

  /** The batch of a finished native call, or its typed error (the memory then goes back at once). */
  #finishBatch(
    count: number,
    arena: BatchArena,
    s: ArenaStorage,
    total: number,
    ms: number,
    what: string,
  ): CompressedBatch {
    if (total < 0) {
      returnStorage(arena, s);
      checkStatus(total, what);
    }
    const kinds = s.kinds.subarray(0, count);
    let same = 0;
    let raw = 0;
    for (const kind of kinds) {
      if (kind === Kind.Same) same++;
      else if (kind === Kind.Raw) raw++;
    }
    this.#countCompressed(count, total, ms, same, raw);
    return new CompressedBatch(
      count,
      s.bytes.subarray(0, count * PAGE_SIZE),
      s.offsets.subarray(0, count),
      s.sizes.subarray(0, count),
      kinds,
      s.patterns.subarray(0, count),
      total,
      this.algorithm,
      { arena, storage: s },
    );
  }

  /**
   * All pages of a batch into `out` (or a new buffer), page i at out[i * 4096). A page that does not
   * decode throws CorruptedData (naming the first such page); the other pages are decoded into `out` then.
   */
  decompressBatch(batch: BatchLike, out?: Uint8Array): Uint8Array {
    const sym = this.#open();
    checkBatchLike(batch);
    const bytes = batch.count * PAGE_SIZE;
    const target = out === undefined ? new Uint8Array(bytes) : requireOutput(out, bytes);
    if (batch.count === 0) return target;
    if (this.#status.length < batch.count) this.#status = new Int32Array(batch.count);
    const status = this.#status.subarray(0, batch.count);
    const start = now();
    // Lengths go to the library as int32: the output's is the part written (< 2 GiB by the page limit),
    // the arena's is capped (offsets and sizes are int32, so no page lies past 2 GiB anyway).
    const failed = checkStatus(
      sym.tz_decompress_batch(
        this.#handle,
        batch.arena,
        int32Length(batch.arena),
        batch.offsets,
        batch.sizes,
        batch.kinds,
        batch.patterns,
        batch.count,
        target,
        bytes,
        status,
      ),
      "decompressBatch",
    );
    this.#stats.decompressTimeNs += (now() - start) * MS_TO_NS;
    if (failed > 0) throw batchFailure(failed, status);
    return target;
  }

  /** decompressBatch off the JS thread. The batch and `out` must stay untouched until the Promise settles. */
  async decompressBatchAsync(batch: BatchLike, out?: Uint8Array): Promise<Uint8Array> {
    const sym = this.#open();
    checkBatchLike(batch);
    const bytes = batch.count * PAGE_SIZE;
    const target = out === undefined ? new Uint8Array(bytes) : requireOutput(out, bytes);
    if (batch.count === 0) return target;
    const arena = stable(batch.arena);
    // The library checks offsets, sizes and kinds against the arena when the job is queued and reads
    // them again while it runs: private copies keep a caller's later change from moving a read out of
    // bounds.
    const offsets = owned(batch.offsets);
    const sizes = owned(batch.sizes);
    const kinds = owned(batch.kinds);
    const patterns = stable(batch.patterns);
    const status = new Int32Array(new ArrayBuffer(batch.count * 4));
    const start = now();
    const job = checkStatus(
      sym.tz_decompress_batch_async(
        this.#handle,
        arena,
        int32Length(arena),
        offsets,
        sizes,
        kinds,
        patterns,
        batch.count,
        target,
        bytes,
        status,
      ),
      "decompressBatchAsync",
    );
    const failed = checkStatus(
      await this.#wait(job, [arena, offsets, sizes, kinds, patterns, target, status]),
      "decompressBatchAsync",
    );
    this.#stats.decompressTimeNs += (now() - start) * MS_TO_NS;
    if (failed > 0) throw batchFailure(failed, status);
    return target;
  }

  async #wait(job: number, buffers: unknown[]): Promise<number> {
    inFlight.add(buffers);
    try {
      return await this.#lib.waitJob(job);
    } finally {
      inFlight.delete(buffers);
    }
  }

  #countCompressed(pages: number, bytesOut: number, ms: number, same: number, raw: number): void {
    const s = this.#stats;
    s.pages += pages;
    s.bytesIn += pages * PAGE_SIZE;
    s.bytesOut += bytesOut;
    s.compressTimeNs += ms * MS_TO_NS;
    s.samePages += same;
    s.rawPages += raw;
  }

  /** A snapshot of the counters since build() or the last resetStats(). */
  stats(): CompressionStats {
    this.#open();
    return this.#stats.copy();
  }

  /** Sets every counter of stats() back to zero. */
  resetStats(): void {
    this.#open();
    this.#stats = new CompressionStats();
  }

  /** The SIMD backend of the compressor's page loops. */
  backend(): SimdBackend {
    return backendName(checkStatus(this.#open().tz_compressor_backend(this.#handle), "backend"));
  }

  /** Batch worker threads. */
  threads(): number {
    return checkStatus(this.#open().tz_compressor_threads(this.#handle), "threads");
  }

  /** Frees the native state (the library waits for this compressor's running jobs). Later calls throw Closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#arena = new BatchArena();
    finalizer.unregister(this);
    checkStatus(this.#lib.symbols.tz_compressor_free(this.#handle), "close");
  }
}

function batchFailure(failed: number, status: Int32Array): TruenoError {
  const first = status.findIndex((s) => s < 0);
  const code = codeOfStatus(status[first]);
  return new TruenoError(code, `${failed} of ${status.length} pages did not decode; the first is page ${first}`);
}
