// A RAM-backed compressed block device: pages compressed on the compressor's worker threads and stored
// by the library in a zsmalloc-exact pool, in zram's write order (lib/block/native_store.ts). This class
// keeps the device's logic: validation, ordering tickets of async writes, counters, the GPU route.
import { MAX_BATCH_PAGES, PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import type { BatchLike } from "../compressor/batch.ts";
import type { Algorithm } from "../compressor/algorithm.ts";
import type { Compressor } from "../compressor/compressor.ts";
import { compressOnGpu, type GpuPageCompressor, isGpuPageCompressor, routesToGpu } from "./gpu_route.ts";
import { checkLevel } from "./level.ts";
import {
  PageStore,
  Refusal,
  refusalError,
  type RequestSpace,
  RequestSpaces,
  type StoreOutcome,
} from "./native_store.ts";
import { type PageRange, pageRange, requireBytes } from "./range.ts";
import { Recompression, type RecompressOptions, type RecompressResult } from "./recompression.ts";
import { type BackingStats, Writeback, type WritebackOptions, type WritebackResult } from "./writeback.ts";
import { type BlockDeviceStats, DeviceCounters, snapshotStats } from "./stats.ts";

/** zsmalloc's huge class (3632) less zram's 7 handle bytes: a compressed page this long or longer is
 * stored raw and counted huge, as Linux 6.18 does (TZ_STORE_HUGE_LEN). */
export const HUGE_THRESHOLD = 3625;
/** The most pages one device may have (the store numbers pages with int32). */
export const MAX_DEVICE_PAGES = 2 ** 31 - 1;
const SECTORS_PER_PAGE = PAGE_SIZE / 512;

/** Options of a BlockDevice; every field is optional. */
export interface BlockDeviceOptions {
  /** For Zstandard and LZ4-HC, pages whose sampled entropy is above this many bits per byte are stored
   * raw without a compression attempt (the check costs less than their trial). LZ4 pages go raw by
   * their compressed size alone: for LZ4 a trial is cheaper than the check. 0..8, default 7.0; 8 never
   * routes. */
  entropyThreshold?: number;
  /** Pool memory limit in bytes, rounded up to 4096; 0 (default) = none. */
  memLimit?: number;
  /** A GPU (e.g. a GpuBatchCompressor) for the writes that selectBackend assigns to it; a failed GPU
   * batch is redone on the CPU and counted in stats().gpuFallbacks. The device does not close it. */
  gpu?: GpuPageCompressor;
  /** The clock of page access times for idle tracking, in seconds (whole or not; read at each read,
   * write and markIdle). Default: the system's boot-time clock, read by the library. For tests. */
  clock?: () => number;
  /** A file or block device for writeback (zram's backing_dev): its size in 4 KiB blocks, less one, is
   * the most pages it holds. Opened read-write when the device is made. */
  backingFile?: string;
}

/** Largest clock value: access times are 32-bit seconds, as in zram. */
const CLOCK_LIMIT = 2 ** 32;

type DeviceCodec = Pick<Compressor, "nativeHandle" | "decompressBatchAsync" | "backend" | "algorithm">;

/**
 * A compressed RAM block device like a zram disk: byte-addressed reads, writes and discards over a native page store,
 * with zram's counters.
 */
export class BlockDevice {
  /** Device size in bytes. */
  readonly size: number;
  /** Device size in 4096-byte pages. */
  readonly pageCount: number;
  /** Bits per byte above which Zstandard and LZ4-HC pages are stored raw untried (see BlockDeviceOptions). */
  readonly entropyThreshold: number;
  #codec: DeviceCodec;
  #gpu: GpuPageCompressor | undefined;
  /** Whether the codec's page loops are vectorised (it never changes for a compressor). */
  #simd: boolean;
  #store: PageStore;
  #spaces = new RequestSpaces();
  #limitPages = 0;
  /** The level of the next compressions; 0 = the compressor's own. */
  #level = 0;
  /** Per page, the ticket of the operation that last set it, kept only while async writes are in
   * flight (only they can commit after a later-issued operation). Allocated on the first writeAsync. */
  #lastSetBy: Float64Array | null = null;
  #asyncInFlight = 0;
  #tickets = 0;
  #counters = new DeviceCounters();
  /** Async writes commit in the order they were issued: each waits for the one before. */
  #commitTail: Promise<void> = Promise.resolve();
  #clock: (() => number) | undefined;
  #recompression = new Recompression();
  #writeback = new Writeback();

  /**
   * A device of sizeBytes (a positive multiple of 4096, at most MAX_DEVICE_PAGES pages) compressing with
   * `compressor`, which it uses but does not close; InvalidInput for a bad size or option.
   */
  constructor(sizeBytes: number, compressor: Compressor, options: BlockDeviceOptions = {}) {
    if (typeof sizeBytes !== "number" || !Number.isInteger(sizeBytes) || sizeBytes <= 0) {
      throw new TruenoError("InvalidInput", `device size ${sizeBytes} is not a positive integer`);
    }
    if (sizeBytes > MAX_DEVICE_PAGES * PAGE_SIZE) {
      throw new TruenoError(
        "InvalidInput",
        `device size ${sizeBytes} is too large (at most ${MAX_DEVICE_PAGES} pages)`,
      );
    }
    if (sizeBytes % PAGE_SIZE !== 0) {
      throw new TruenoError("InvalidInput", `device size ${sizeBytes} is not a multiple of ${PAGE_SIZE}`);
    }
    if (
      compressor === null || typeof compressor !== "object" || typeof compressor.nativeHandle !== "function" ||
      typeof compressor.backend !== "function"
    ) {
      throw new TruenoError("InvalidInput", "BlockDevice needs a Compressor");
    }
    const threshold = options.entropyThreshold ?? 7.0;
    if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 8)) {
      throw new TruenoError("InvalidInput", `entropyThreshold ${threshold} is not a number in 0..8`);
    }
    if (options.clock !== undefined && typeof options.clock !== "function") {
      throw new TruenoError("InvalidInput", "clock must be a function returning seconds");
    }
    if (options.gpu !== undefined && !isGpuPageCompressor(options.gpu)) {
      throw new TruenoError("InvalidInput", "gpu must have a compressBatch(pages, rawThreshold) method");
    }
    this.size = sizeBytes;
    this.pageCount = sizeBytes / PAGE_SIZE;
    this.entropyThreshold = threshold;
    this.#codec = compressor;
    this.#simd = compressor.backend() !== "scalar";
    this.#gpu = options.gpu;
    this.#clock = options.clock;
    this.#store = new PageStore(this.pageCount);
    try {
      this.setMemLimit(options.memLimit ?? 0);
      if (options.backingFile !== undefined) this.#writeback.open(this.#store, options.backingFile);
    } catch (e) {
      this.#store.close();
      throw e;
    }
  }

  /** The pool memory limit in bytes (a multiple of 4096; 0 = none). */
  get memLimit(): number {
    return this.#limitPages * PAGE_SIZE;
  }

  /** Sets the pool limit (rounded up to a page); it applies to later writes only, as in zram. */
  setMemLimit(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new TruenoError("InvalidInput", `memLimit ${bytes} is not a non-negative integer`);
    }
    const pages = Math.ceil(bytes / PAGE_SIZE);
    this.#store.setLimitPages(pages);
    this.#limitPages = pages;
  }

  /** The compression level of the next writes (as zram's algorithm_params level= takes effect at
   * once): a level valid for the compressor's algorithm, or 0 for the compressor's own. */
  setCompressionLevel(level: number): void {
    checkLevel(this.#codec.algorithm, level);
    this.#level = level;
  }

  /** Restarts the memory high-water mark at the current use (zram's mem_used_max <- 0). */
  resetMemUsedMax(): void {
    this.#store.resetMax();
  }

  /** Stores data (a whole number of pages) at a page-aligned offset: one native call compresses the
   * pages on the worker threads and stores them in order (a GPU write: the GPU's batch, then one call). */
  write(offset: number, data: Uint8Array): void {
    const range = this.#request(offset, requireBytes(data, "write").length, "write");
    if (range.pageCount === 0) return;
    this.#countWrite(range);
    const ticket = ++this.#tickets;
    const space = this.#spaces.take(range.pageCount);
    try {
      this.#tick();
      const onGpu = this.#gpuBatch(range, data);
      const outcome = onGpu !== undefined
        ? this.#commitBatch(range, onGpu, space, space.skip.fill(0, 0, range.pageCount))
        : this.#store.write(
          this.#codec.nativeHandle(),
          range.firstPage,
          data,
          range.pageCount,
          this.#level,
          this.entropyThreshold,
          space,
        );
      this.#settle(range, outcome, onGpu !== undefined, ticket, null);
    } catch (e) {
      this.#counters.failedWrites++;
      throw e;
    } finally {
      this.#spaces.give(space);
    }
  }

  /**
   * write() off the JS thread. The data is copied at the call; the pages are compressed on the worker
   * threads and stored when the Promise resolves, in the order the writes were issued, except pages a
   * later-issued write or discard has set meanwhile. A GPU batch runs at the call.
   */
  writeAsync(offset: number, data: Uint8Array): Promise<void> {
    let range: PageRange;
    try {
      range = this.#request(offset, requireBytes(data, "writeAsync").length, "writeAsync");
      if (range.pageCount > 0) this.#trackTickets();
    } catch (e) {
      return Promise.reject(e);
    }
    if (range.pageCount === 0) return Promise.resolve();
    let copy: Uint8Array;
    let space: RequestSpace;
    try {
      copy = data.slice();
      space = this.#spaces.take(range.pageCount);
    } catch (e) {
      return Promise.reject(e);
    }
    this.#countWrite(range);
    const ticket = ++this.#tickets;
    this.#asyncInFlight++;
    const compressed = this.#compressAsync(range, copy, space);
    // Commits wait for every earlier one, also when this write's compression fails first: allSettled
    // (not all) keeps flush() from passing an earlier write that is not stored yet.
    const committed = Promise.allSettled([compressed, this.#commitTail])
      .then(([result]) => {
        if (result.status === "rejected") throw result.reason;
        const onGpu = result.value;
        const skip = this.#skips(range, ticket, space);
        this.#tick();
        const outcome = onGpu !== undefined
          ? this.#commitBatch(range, onGpu, space, skip)
          : this.#store.commit(range.firstPage, space.batch(range.pageCount), space.reasons, skip, space.outcome);
        this.#settle(range, outcome, onGpu !== undefined, ticket, skip);
      })
      .catch((e) => {
        this.#counters.failedWrites++;
        throw e;
      })
      .finally(() => {
        this.#asyncInFlight--;
        this.#spaces.give(space);
      });
    // flush() waits for this write's promise itself: it settles after it, even when it rejects.
    this.#commitTail = committed.then(() => {}, () => {});
    return committed;
  }

  /** Reads whole pages at a page-aligned offset into out; unwritten pages read as zeros. The pages are
   * decoded from the pool on the worker threads. */
  read(offset: number, out: Uint8Array): void {
    const range = this.#request(offset, requireBytes(out, "read").length, "read");
    if (range.pageCount === 0) return;
    this.#countRead(range);
    this.#tick();
    const failed = this.#store.read(this.#codec.nativeHandle(), range.firstPage, range.pageCount, out);
    if (failed > 0) {
      this.#counters.failedReads++;
      throw new TruenoError("CorruptedData", `read: ${failed} of ${range.pageCount} pages did not decode`);
    }
  }

  /**
   * read() off the JS thread. The stored pages are copied at the call, so the result is the device's
   * content at that moment: each page whole, never a mix of an old and a new write.
   */
  async readAsync(offset: number, out: Uint8Array): Promise<void> {
    const range = this.#request(offset, requireBytes(out, "readAsync").length, "readAsync");
    if (range.pageCount === 0) return;
    this.#countRead(range);
    const space = this.#spaces.take(range.pageCount);
    try {
      this.#tick();
      await this.#codec.decompressBatchAsync(this.#store.gather(range.firstPage, range.pageCount, space), out);
    } catch (e) {
      this.#counters.failedReads++;
      throw e;
    } finally {
      this.#spaces.give(space);
    }
  }

  /** Frees every page in the range (they read as zeros); one notify_free per page, as zram counts. */
  discard(offset: number, length: number): void {
    this.#freeRange(pageRange(offset, length, this.size, "discard"));
  }

  /** zram serves REQ_OP_WRITE_ZEROES exactly like a discard. */
  writeZeroes(offset: number, length: number): void {
    this.#freeRange(pageRange(offset, length, this.size, "writeZeroes"));
  }

  /** Resolves once every writeAsync issued before it has settled (the device has no other cache). */
  flush(): Promise<void> {
    return this.#commitTail;
  }

  /** zsmalloc's compaction: moves objects out of sparse zspages and frees those; returns the pool pages
   * released (their memory goes back to the system). */
  compact(): number {
    return this.#store.compact();
  }

  /**
   * One byte per page from firstPage: 0 = never written or discarded (a hole), 1 = stored as a
   * same-filled page whose pattern is zero, 2 = anything else stored.
   */
  pageStates(firstPage: number, count: number): Uint8Array {
    this.#checkPages(firstPage, count, "pageStates");
    return this.#store.pageStates(firstPage, count);
  }

  #checkPages(firstPage: number, count: number, what: string): void {
    if (
      !Number.isSafeInteger(firstPage) || !Number.isSafeInteger(count) || firstPage < 0 || count < 0 ||
      firstPage + count > this.pageCount
    ) {
      throw new TruenoError(
        "InvalidInput",
        `${what}: pages ${firstPage}+${count} are not inside the device (${this.pageCount} pages)`,
      );
    }
  }

  /**
   * zram's idle: marks every stored page idle ("all", the default), or with a number of seconds, the
   * pages not read or written for that long (and clears the mark of the others). Same-filled pages are
   * never idle. A read or write clears a page's mark. Returns the number of idle pages.
   */
  markIdle(age: number | "all" = "all"): number {
    if (age !== "all" && (typeof age !== "number" || !Number.isInteger(age) || age < 0 || age >= CLOCK_LIMIT)) {
      throw new TruenoError("InvalidInput", `markIdle: age ${String(age)} is not "all" or whole seconds below 2^32`);
    }
    this.#tick();
    return this.#store.markIdle(age === "all" ? -1 : age);
  }

  /**
   * One byte per page from firstPage: bit 0 idle, bit 1 incompressible (recompression made it no
   * smaller), bits 2-3 the priority of the algorithm that stored it (0 the device's compressor, 1..3 a
   * recompression algorithm).
   */
  pageFlags(firstPage: number, count: number): Uint8Array {
    this.#checkPages(firstPage, count, "pageFlags");
    return this.#store.pageFlags(firstPage, count);
  }

  /** zram's recomp_algorithm: the algorithm of a priority 1..3 (null removes it). Pages recompressed
   * with it stay readable after a change: each page decodes by its stored kind. */
  setRecompressAlgorithm(priority: number, algorithm: Algorithm | null): void {
    this.#recompression.set(priority, algorithm);
  }

  /** The recompression algorithms of priorities 1..3 (undefined where none). */
  recompressAlgorithms(): (Algorithm | undefined)[] {
    return this.#recompression.algorithms();
  }

  /** zram's recompress with the algorithms set by setRecompressAlgorithm (rules: csrc/store/store_recompress.c). */
  recompress(options: RecompressOptions = {}): RecompressResult {
    return this.#recompression.run(this.#store, this.#codec.nativeHandle(), options);
  }

  /** The backing file given at construction, or null. */
  get backingFile(): string | null {
    return this.#writeback.path;
  }

  /**
   * zram's writeback: the selected pages (every stored one, or by type: idle, huge, huge_idle,
   * incompressible; or `scans` of page ranges) are written to the backing file, largest first, and
   * leave the pool; they read back from the file until overwritten or discarded (rules:
   * csrc/store/store_backing.c). Unsupported without a backing file.
   */
  writeback(options: WritebackOptions = {}): WritebackResult {
    return this.#writeback.run(this.#store, this.#codec.nativeHandle(), this.pageCount, options);
  }

  /** zram's writeback_limit: pages writeback may still write while the limit is enabled. */
  get writebackLimit(): number {
    return this.#writeback.limit;
  }

  set writebackLimit(pages: number) {
    this.#writeback.limit = pages;
  }

  /** zram's writeback_limit_enable. */
  get writebackLimitEnabled(): boolean {
    return this.#writeback.limitEnabled;
  }

  set writebackLimitEnabled(on: boolean) {
    this.#writeback.limitEnabled = on;
  }

  /** zram's bd_stat (4 KiB pages) and the size of the backing file in blocks. */
  backingStats(): BackingStats {
    return this.#store.backingStats();
  }

  /** A frozen snapshot of the counters. */
  stats(): BlockDeviceStats {
    return snapshotStats(this.#counters, this.#store.stats(), this.memLimit);
  }

  /** Frees the device's native store now (otherwise when the device is collected); later calls throw. */
  close(): void {
    this.#store.close();
    this.#recompression.close();
  }

  /** With an injected clock, hands its current second to the store before an access. */
  #tick(): void {
    if (this.#clock === undefined) return;
    const now = this.#clock();
    if (typeof now !== "number" || !(now >= 0 && now < CLOCK_LIMIT)) {
      throw new TruenoError("InvalidInput", `clock() returned ${String(now)}, not seconds in 0..2^32`);
    }
    this.#store.setClock(Math.floor(now));
  }

  #request(offset: number, length: number, what: string): PageRange {
    const range = pageRange(offset, length, this.size, what);
    if (range.pageCount > MAX_BATCH_PAGES) {
      throw new TruenoError(
        "InvalidInput",
        `${what}: ${range.pageCount} pages is more than one batch (${MAX_BATCH_PAGES})`,
      );
    }
    return range;
  }

  /** The GPU's batch for a write the selection rule sends there; undefined for the CPU path, also when
   * the GPU fails with a TruenoError (counted as a fallback; nothing has been stored yet). */
  #gpuBatch(range: PageRange, data: Uint8Array): BatchLike | undefined {
    if (this.#gpu === undefined || !routesToGpu(range.pageCount)) return undefined;
    try {
      return compressOnGpu(this.#gpu, data, range.pageCount, HUGE_THRESHOLD);
    } catch (e) {
      if (!(e instanceof TruenoError)) throw e;
      this.#counters.gpuFallbacks++;
      return undefined;
    }
  }

  /** The GPU's batch, or (resolving to undefined) the pages compressed into space on the workers. */
  async #compressAsync(range: PageRange, copy: Uint8Array, space: RequestSpace): Promise<BatchLike | undefined> {
    const onGpu = this.#gpuBatch(range, copy);
    if (onGpu !== undefined) return onGpu;
    await this.#store.compress(
      this.#codec.nativeHandle(),
      copy,
      range.pageCount,
      this.#level,
      this.entropyThreshold,
      space,
    );
    return undefined;
  }

  /** Stores a batch compressed elsewhere (the GPU's): no page of it was routed by entropy. */
  #commitBatch(range: PageRange, batch: BatchLike, space: RequestSpace, skip: Uint8Array): StoreOutcome {
    return this.#store.commit(range.firstPage, batch, space.reasons.fill(0, 0, range.pageCount), skip, space.outcome);
  }

  /** skip[i] = 1 where a later-issued operation has set page i already. */
  #skips(range: PageRange, ticket: number, space: RequestSpace): Uint8Array {
    const lastSetBy = this.#lastSetBy!;
    for (let i = 0; i < range.pageCount; i++) space.skip[i] = lastSetBy[range.firstPage + i]! > ticket ? 1 : 0;
    return space.skip;
  }

  #trackTickets(): void {
    if (this.#lastSetBy !== null) return;
    try {
      this.#lastSetBy = new Float64Array(this.pageCount);
    } catch (e) {
      if (e instanceof RangeError) {
        throw new TruenoError("OutOfMemory", `no room for the tickets of ${this.pageCount} pages`);
      }
      throw e;
    }
  }

  /** Counts a stored request and records its tickets on the pages it set (not the skipped ones); a
   * refusal becomes the write's error, naming the refused page. */
  #settle(range: PageRange, outcome: StoreOutcome, onGpu: boolean, ticket: number, skip: Uint8Array | null): void {
    const c = this.#counters;
    const pooled = outcome.stored - outcome.same;
    c.bytesWritten += outcome.stored * PAGE_SIZE;
    c.bytesCompressed += outcome.bytes;
    c.hugePagesSince += outcome.huge;
    c.sameFillPathPages += outcome.same;
    c.entropyRoutedPages += outcome.entropyRouted;
    if (onGpu) c.gpuPages += pooled;
    else if (this.#simd) {
      c.simdPages += pooled - outcome.entropyRouted;
      c.scalarPages += outcome.entropyRouted;
    } else c.scalarPages += pooled;
    if (this.#asyncInFlight > 0) {
      const lastSetBy = this.#lastSetBy!;
      for (let i = 0; i < outcome.done; i++) {
        if (skip === null || skip[i] === 0) lastSetBy[range.firstPage + i] = ticket;
      }
    }
    if (outcome.refusal !== Refusal.None) {
      throw refusalError(outcome.refusal, range.firstPage + outcome.done, outcome.done, this.memLimit);
    }
  }

  #countWrite(range: PageRange): void {
    this.#counters.writeIos++;
    this.#counters.writeSectors += range.pageCount * SECTORS_PER_PAGE;
  }

  #countRead(range: PageRange): void {
    this.#counters.readIos++;
    this.#counters.readSectors += range.pageCount * SECTORS_PER_PAGE;
  }

  #freeRange(range: PageRange): void {
    const ticket = ++this.#tickets;
    this.#store.discard(range.firstPage, range.pageCount);
    if (this.#asyncInFlight > 0) this.#lastSetBy!.fill(ticket, range.firstPage, range.firstPage + range.pageCount);
    this.#counters.notifyFree += range.pageCount;
  }
}
