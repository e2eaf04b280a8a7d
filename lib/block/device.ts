// A RAM-backed compressed block device: pages compressed in batches by a Compressor, stored in a
// zsmalloc-like pool, tracked in flat typed arrays (one slot per device page, no per-page objects).
import { Kind, MAX_BATCH_PAGES, PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import type { BatchLike } from "../compressor/batch.ts";
import type { Compressor } from "../compressor/compressor.ts";
import { pageEntropy } from "./entropy_route.ts";
import { compressOnGpu, type GpuPageCompressor, isGpuPageCompressor, routesToGpu } from "./gpu_route.ts";
import { PagePool } from "./pool.ts";
import { type PageRange, pageRange, requireBytes } from "./range.ts";
import { type BlockDeviceStats, DeviceCounters, snapshotStats } from "./stats.ts";

/** zsmalloc's huge class (3632) less zram's 7 handle bytes: a compressed page this long or longer is
 * stored raw and counted huge, as Linux 6.18 does. */
export const HUGE_THRESHOLD = 3625;
/** Page-table kind of a page that holds nothing (reads as zeros). */
const EMPTY = 0;
const SECTORS_PER_PAGE = PAGE_SIZE / 512;

export interface BlockDeviceOptions {
  /** Pages with more bits per byte than this are stored raw without a compression attempt.
   * 0..8, default 7.0; 8 never skips. */
  entropyThreshold?: number;
  /** Pool memory limit in bytes, rounded up to 4096; 0 (default) = none. */
  memLimit?: number;
  /** A GPU (e.g. a GpuBatchCompressor) for the writes that selectBackend assigns to it; a failed GPU
   * batch is redone on the CPU and counted in stats().gpuFallbacks. The device does not close it. */
  gpu?: GpuPageCompressor;
}

/** The codec calls the device makes; a Compressor provides them. */
type PageCodec = Pick<
  Compressor,
  "compressBatch" | "compressBatchAsync" | "decompressBatch" | "decompressBatchAsync" | "backend"
>;

export class BlockDevice {
  /** Device size in bytes. */
  readonly size: number;
  readonly pageCount: number;
  readonly entropyThreshold: number;
  #codec: PageCodec;
  #gpu: GpuPageCompressor | undefined;
  /** Whether the codec's page loops are vectorised (it never changes for a compressor). */
  #simd: boolean;
  #pool = new PagePool();
  #limitPages = 0;
  #kinds: Uint8Array;
  #sizes: Uint16Array;
  #handles: Float64Array;
  #patterns: BigUint64Array;
  /** Per page, the ticket of the write or discard that last set it. Tickets are taken when an
   * operation is issued, so an async write that commits late never replaces a page that a later
   * write or discard has already set. */
  #lastSetBy: Float64Array;
  #tickets = 0;
  #counters = new DeviceCounters();
  /** Async writes commit in the order they were issued: each waits for the one before. */
  #commitTail: Promise<void> = Promise.resolve();

  constructor(sizeBytes: number, compressor: Compressor, options: BlockDeviceOptions = {}) {
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % PAGE_SIZE !== 0) {
      throw new TruenoError("InvalidInput", `device size ${sizeBytes} is not a positive multiple of ${PAGE_SIZE}`);
    }
    if (compressor === null || typeof compressor !== "object" || typeof compressor.compressBatch !== "function" ||
      typeof compressor.backend !== "function") {
      throw new TruenoError("InvalidInput", "BlockDevice needs a Compressor");
    }
    const threshold = options.entropyThreshold ?? 7.0;
    if (typeof threshold !== "number" || !(threshold >= 0 && threshold <= 8)) {
      throw new TruenoError("InvalidInput", `entropyThreshold ${threshold} is not a number in 0..8`);
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
    this.setMemLimit(options.memLimit ?? 0);
    try {
      this.#kinds = new Uint8Array(this.pageCount);
      this.#sizes = new Uint16Array(this.pageCount);
      this.#lastSetBy = new Float64Array(this.pageCount);
      this.#handles = new Float64Array(this.pageCount);
      this.#patterns = new BigUint64Array(this.pageCount);
    } catch (e) {
      if (e instanceof RangeError) {
        throw new TruenoError("OutOfMemory", `no room for the page table of ${this.pageCount} pages`);
      }
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
    this.#limitPages = Math.ceil(bytes / PAGE_SIZE);
  }

  /** Restarts the memory high-water mark at the current use (zram's mem_used_max <- 0). */
  resetMemUsedMax(): void {
    this.#pool.resetMax();
  }

  /** Stores data (a whole number of pages) at a page-aligned offset; one native batch call (two when
   * a GPU batch fails and the CPU redoes it). */
  write(offset: number, data: Uint8Array): void {
    const range = this.#request(offset, requireBytes(data, "write").length, "write");
    if (range.pageCount === 0) return;
    this.#countWrite(range);
    const ticket = ++this.#tickets;
    const onGpu = this.#gpuBatch(range, data);
    if (onGpu !== undefined) return this.#commit(range.firstPage, onGpu, data, true, ticket);
    let batch: BatchLike;
    try {
      batch = this.#codec.compressBatch(data, this.#routing());
    } catch (e) {
      this.#counters.failedWrites++;
      throw e;
    }
    this.#commit(range.firstPage, batch, data, false, ticket);
  }

  /**
   * write() off the JS thread. The data is copied at the call; the new pages replace the old ones
   * all at once when the Promise resolves, in the order the writes were issued. A GPU batch runs at
   * the call (the GPU's batch call is synchronous); its pages commit in the same order.
   */
  async writeAsync(offset: number, data: Uint8Array): Promise<void> {
    const range = this.#request(offset, requireBytes(data, "writeAsync").length, "writeAsync");
    if (range.pageCount === 0) return;
    this.#countWrite(range);
    const ticket = ++this.#tickets;
    const copy = data.slice();
    const onGpu = this.#gpuBatch(range, copy);
    const compressed = onGpu ?? this.#codec.compressBatchAsync(copy, this.#routing());
    const committed = Promise.all([compressed, this.#commitTail]).then(
      ([batch]) => this.#commit(range.firstPage, batch, copy, onGpu !== undefined, ticket),
      (e) => {
        this.#counters.failedWrites++;
        throw e;
      },
    );
    this.#commitTail = committed.then(() => {}, () => {});
    return committed;
  }

  /** Reads whole pages at a page-aligned offset into out; unwritten pages read as zeros. The native
   * decoder reads the stored pages straight out of the pool memory. */
  read(offset: number, out: Uint8Array): void {
    const range = this.#request(offset, requireBytes(out, "read").length, "read");
    if (range.pageCount === 0) return;
    this.#countRead(range);
    const batch = this.#describe(range);
    const pool = this.#pool;
    for (let i = 0; i < range.pageCount; i++) {
      if (batch.sizes[i] !== 0) batch.offsets[i] = pool.byteOffsetOf(this.#handles[range.firstPage + i]);
    }
    try {
      this.#codec.decompressBatch({ ...batch, arena: pool.memory }, out);
    } catch (e) {
      this.#counters.failedReads++;
      throw e;
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
    const batch = this.#gather(range);
    try {
      await this.#codec.decompressBatchAsync(batch, out);
    } catch (e) {
      this.#counters.failedReads++;
      throw e;
    }
  }

  /** Frees every page in the range (they read as zeros); one notify_free per page, as zram counts. */
  discard(offset: number, length: number): void {
    this.#freeRange(this.#request(offset, length, "discard"));
  }

  /** zram serves REQ_OP_WRITE_ZEROES exactly like a discard. */
  writeZeroes(offset: number, length: number): void {
    this.#freeRange(this.#request(offset, length, "writeZeroes"));
  }

  /** Resolves once every writeAsync issued before it has committed (the device has no other cache). */
  flush(): Promise<void> {
    return this.#commitTail;
  }

  /** Moves pages out of sparse pool pages and releases those; returns the pool pages released. */
  compact(): number {
    const kinds = this.#kinds;
    const handles = this.#handles;
    return this.#pool.compact({
      forEachObject(visit) {
        for (let page = 0; page < kinds.length; page++) {
          if (kinds[page] !== EMPTY && kinds[page] !== Kind.Same) visit(handles[page], page);
        }
      },
      relocate(page, handle) {
        handles[page] = handle;
      },
    });
  }

  stats(): BlockDeviceStats {
    return snapshotStats(this.#counters, this.#pool, this.memLimit);
  }

  /**
   * Allocation state of `count` pages from `firstPage`, one byte per page: 0 = never written or
   * discarded (a hole), 1 = stored as a same-filled page of pattern zero, 2 = anything else stored.
   */
  pageStates(firstPage: number, count: number): Uint8Array {
    if (!Number.isSafeInteger(firstPage) || !Number.isSafeInteger(count) || firstPage < 0 || count < 0 ||
      firstPage + count > this.pageCount) {
      throw new TruenoError("InvalidInput", `pageStates: pages ${firstPage}+${count} are not inside the device (${this.pageCount} pages)`);
    }
    const states = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const page = firstPage + i;
      const kind = this.#kinds[page];
      states[i] = kind === EMPTY ? 0 : kind === Kind.Same && this.#patterns[page] === 0n ? 1 : 2;
    }
    return states;
  }

  /** Bytes of the pool's chunks in use (zspages, free zspage slots, chunk tails); the pool's buffer
   * (poolCapacityBytes) is grown half ahead of them. */
  poolReservedBytes(): number {
    return this.#pool.reservedBytes;
  }

  poolCapacityBytes(): number {
    return this.#pool.capacityBytes;
  }

  #request(offset: number, length: number, what: string): PageRange {
    const range = pageRange(offset, length, this.size, what);
    if (range.pageCount > MAX_BATCH_PAGES) {
      throw new TruenoError("InvalidInput", `${what}: ${range.pageCount} pages is more than one batch (${MAX_BATCH_PAGES})`);
    }
    return range;
  }

  #routing() {
    return { rawThreshold: HUGE_THRESHOLD, entropyLimit: this.entropyThreshold };
  }

  /** The GPU's batch for a write the selection rule sends there; undefined for the CPU path, also when
   * the GPU fails with a TruenoError (counted as a fallback; nothing has been stored yet). */
  #gpuBatch(range: PageRange, data: Uint8Array): BatchLike | undefined {
    if (this.#gpu === undefined || !routesToGpu(range.pageCount)) return undefined;
    try {
      return compressOnGpu(this.#gpu, data, range.pageCount, HUGE_THRESHOLD);
    } catch (e) {
      if (!(e instanceof TruenoError)) {
        this.#counters.failedWrites++;
        throw e;
      }
      this.#counters.gpuFallbacks++;
      return undefined;
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

  /** The kinds, sizes and patterns of a range as a batch (empty pages as SAME pages of pattern 0). */
  #describe(range: PageRange): Omit<BatchLike, "arena"> {
    const { firstPage, pageCount } = range;
    const end = firstPage + pageCount;
    const kinds = this.#kinds.slice(firstPage, end);
    for (let i = 0; i < pageCount; i++) if (kinds[i] === EMPTY) kinds[i] = Kind.Same;
    const sizes = new Int32Array(pageCount);
    sizes.set(this.#sizes.subarray(firstPage, end));
    return { count: pageCount, offsets: new Int32Array(pageCount), sizes, kinds, patterns: this.#patterns.slice(firstPage, end) };
  }

  /** A copy of the stored bytes of a range in an arena of its own, for decoding off the JS thread
   * while the pool keeps changing. */
  #gather(range: PageRange): BatchLike {
    const batch = this.#describe(range);
    let total = 0;
    for (let i = 0; i < batch.count; i++) {
      batch.offsets[i] = total;
      total += batch.sizes[i];
    }
    const arena = new Uint8Array(Math.max(total, PAGE_SIZE));
    const memory = this.#pool.memory;
    for (let i = 0; i < batch.count; i++) {
      const size = batch.sizes[i];
      if (size === 0) continue;
      const at = this.#pool.byteOffsetOf(this.#handles[range.firstPage + i]);
      arena.set(memory.subarray(at, at + size), batch.offsets[i]);
    }
    return { ...batch, arena };
  }

  /**
   * Stores a compressed batch page by page. Each new page is in the pool before the old one is freed;
   * a page refused by the memory limit stops the request there: the pages before it are stored, it and
   * the pages after it keep their previous contents (zram's behaviour for a bio).
   */
  #freeRange(range: PageRange): void {
    const ticket = ++this.#tickets;
    const end = range.firstPage + range.pageCount;
    for (let page = range.firstPage; page < end; page++) {
      this.#freePage(page);
      this.#lastSetBy[page] = ticket;
    }
    this.#counters.notifyFree += range.pageCount;
  }

  /** Stores a compressed request's pages, except those a later-issued operation has already set. */
  #commit(firstPage: number, batch: BatchLike, data: Uint8Array, onGpu: boolean, ticket: number): void {
    const { count, arena, offsets, sizes, kinds, patterns } = batch;
    const lastSetBy = this.#lastSetBy;
    for (let i = 0; i < count; i++) {
      const page = firstPage + i;
      if (lastSetBy[page] > ticket) continue;
      const kind = kinds[i];
      if (kind === Kind.Same) {
        this.#freePage(page);
        this.#setSame(page, patterns[i]);
      } else {
        const size = sizes[i];
        const handle = this.#storeObject(arena, offsets[i], size, page, i);
        this.#freePage(page);
        this.#setObject(page, kind, size, handle);
        this.#countPath(kind, onGpu, data, i);
      }
      lastSetBy[page] = ticket;
    }
  }

  /** Puts a page's bytes in the pool, within the memory limit; `stored` pages of the request are in. */
  #storeObject(arena: Uint8Array, from: number, size: number, page: number, stored: number): number {
    const pool = this.#pool;
    let handle: number;
    try {
      handle = pool.store(arena, from, size);
    } catch (e) {
      this.#counters.failedWrites++;
      throw e;
    }
    if (this.#limitPages !== 0 && pool.memUsedPages > this.#limitPages) {
      pool.free(handle);
      this.#counters.failedWrites++;
      throw new TruenoError(
        "OutOfMemory",
        `write: page ${page} refused: the pool would exceed its limit of ${this.memLimit} bytes` +
          (stored > 0 ? ` (the ${stored} pages before it are stored)` : ""),
      );
    }
    return handle;
  }

  /** Records a same-filled page in the (empty) slot `page`. */
  #setSame(page: number, pattern: bigint): void {
    const c = this.#counters;
    this.#kinds[page] = Kind.Same;
    this.#patterns[page] = pattern;
    c.pagesStored++;
    c.bytesWritten += PAGE_SIZE;
    c.samePages++;
    c.sameFillPathPages++;
    if (pattern === 0n) c.zeroPages++;
  }

  /** Records a pooled page in the (empty) slot `page`. */
  #setObject(page: number, kind: number, size: number, handle: number): void {
    const c = this.#counters;
    this.#kinds[page] = kind;
    this.#sizes[page] = size;
    this.#handles[page] = handle;
    c.pagesStored++;
    c.bytesWritten += PAGE_SIZE;
    c.bytesCompressed += size;
    c.comprDataSize += size;
    if (kind === Kind.Raw) {
      c.hugePages++;
      c.hugePagesSince++;
    }
  }

  /** Counts the path a pooled page took: the GPU, entropy routing (a RAW page the codec did not try),
   * or the codec's SIMD or scalar page loops. */
  #countPath(kind: number, onGpu: boolean, data: Uint8Array, index: number): void {
    const c = this.#counters;
    if (onGpu) c.gpuPages++;
    else if (kind === Kind.Raw && this.entropyThreshold < 8 && pageEntropy(data, index * PAGE_SIZE) > this.entropyThreshold) {
      c.entropyRoutedPages++;
      c.scalarPages++;
    } else if (this.#simd) c.simdPages++;
    else c.scalarPages++;
  }

  #freePage(page: number): void {
    const kind = this.#kinds[page];
    if (kind === EMPTY) return;
    const c = this.#counters;
    if (kind === Kind.Same) {
      c.samePages--;
      if (this.#patterns[page] === 0n) c.zeroPages--;
      this.#patterns[page] = 0n;
    } else {
      this.#pool.free(this.#handles[page]);
      c.comprDataSize -= this.#sizes[page];
      if (kind === Kind.Raw) c.hugePages--;
    }
    c.pagesStored--;
    this.#kinds[page] = EMPTY;
    this.#sizes[page] = 0;
  }
}
