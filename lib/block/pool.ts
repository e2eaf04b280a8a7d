// A zsmalloc-like page pool. Objects live in size classes; each class fills zspages (k contiguous
// 4 KiB pool pages); zspages are carved out of fixed 128 KiB chunks, and all chunks lie in ONE
// ArrayBuffer, so that a read hands the pool memory itself to the native batch decoder (no gather
// copy). The buffer is resizable: growing it copies nothing and takes memory only as its pages are
// first written. An object is named by an integer handle (zspage id * HANDLE_SPAN + object index):
// no JS object per stored page. Free objects are chained through their own first four bytes.
import { TruenoError } from "../ffi/errors.ts";
import { buildSizeClasses, MAX_OBJECT_SIZE, POOL_PAGE_SIZE } from "./size_classes.ts";

const CHUNK_PAGES = 16;
const CHUNK_BYTES = CHUNK_PAGES * POOL_PAGE_SIZE;
/** Most zspages in a chunk (zspages of one page). */
const ZSPAGES_PER_CHUNK = CHUNK_PAGES;
/** More than the most objects a zspage can hold (8 pages of 32-byte objects = 1024). */
const HANDLE_SPAN = 8192;
const NONE = -1;
/** The native calls take int32 lengths: the pool buffer stays below 2 GiB. */
const MAX_POOL_BYTES = 0x7fffffff - (0x7fffffff % CHUNK_BYTES);

/** What the pool needs from its user to move objects during compaction. */
export interface PoolOwners {
  /** Calls visit(handle, owner) for every object the user holds. */
  forEachObject(visit: (handle: number, owner: number) => void): void;
  /** The object of `owner` now lives at `handle`. */
  relocate(owner: number, handle: number): void;
}

export class PagePool {
  private readonly classes = buildSizeClasses();
  private buffer = newPoolBuffer();
  private mem = new Uint8Array(this.buffer, 0, 0);
  private words = new DataView(this.buffer, 0, 0);
  /** Chunks in [0, chunkCount) are carved out of mem; free ones among them are listed in freeChunks. */
  private chunkCount = 0;
  private chunkPages: number[] = [];
  /** Per chunk, a bit per zspage slot: set = free. */
  private chunkFreeSlots: number[] = [];
  private chunkIsFree: boolean[] = [];
  private readonly freeChunks: number[] = [];
  /** Per zspage length k: chunks of that length with at least one free zspage slot. */
  private readonly chunksWithRoom: number[][] = [];

  private zsClass = new Int16Array(0);
  private zsInUse = new Uint16Array(0);
  private zsFresh = new Uint16Array(0);
  private zsFreeHead = new Int32Array(0);
  private zsPrev = new Int32Array(0);
  private zsNext = new Int32Array(0);
  /** Per class: the first zspage that still has a free object (a doubly linked list). */
  private readonly partialHead: Int32Array;

  /** Byte offset of the object the last allocIn() handed out. */
  private lastOffset = 0;
  private usedPages = 0;
  private maxUsedPages = 0;
  private compactedPages = 0;

  constructor() {
    this.partialHead = new Int32Array(this.classes.count).fill(NONE);
    for (let k = 0; k <= CHUNK_PAGES; k++) this.chunksWithRoom.push([]);
  }

  /** Pool pages held by live zspages (zsmalloc's pages_allocated). */
  get memUsedPages(): number {
    return this.usedPages;
  }

  get memUsedTotal(): number {
    return this.usedPages * POOL_PAGE_SIZE;
  }

  get memUsedMax(): number {
    return this.maxUsedPages * POOL_PAGE_SIZE;
  }

  /** Pool pages released by compact(), cumulative. */
  get pagesCompacted(): number {
    return this.compactedPages;
  }

  /** Bytes of the chunks in use (their zspages, free zspage slots and unusable chunk tails). */
  get reservedBytes(): number {
    return (this.chunkCount - this.freeChunks.filter((c) => c < this.chunkCount).length) * CHUNK_BYTES;
  }

  /** Length of the pool's ArrayBuffer (grown half ahead of need, shrunk when its tail empties). */
  get capacityBytes(): number {
    return this.mem.byteLength;
  }

  /** The pool memory: every object's bytes lie here, at byteOffsetOf(handle). Valid until the next
   * alloc or compact (the buffer may be replaced when the pool grows or shrinks). */
  get memory(): Uint8Array {
    return this.mem;
  }

  /** mem_used_max <- 0: the high-water mark restarts at the current use. */
  resetMax(): void {
    this.maxUsedPages = this.usedPages;
  }

  /** The size an object of `size` bytes really occupies. */
  classSize(size: number): number {
    return this.classes.objectSize[this.classes.classOfSize[size]];
  }

  /** Reserves room for `size` bytes (1..4096) and returns its handle; OutOfMemory when the pool
   * cannot grow. */
  alloc(size: number): number {
    if (!Number.isInteger(size) || size < 1 || size > MAX_OBJECT_SIZE) {
      throw new RangeError(`pool object size ${size} is outside 1..${MAX_OBJECT_SIZE}`);
    }
    const cls = this.classes.classOfSize[size];
    const zs = this.partialHead[cls];
    return this.allocIn(zs === NONE ? this.newZspage(cls) : zs);
  }

  free(handle: number): void {
    const zs = Math.floor(handle / HANDLE_SPAN);
    const obj = handle - zs * HANDLE_SPAN;
    const cls = this.zsClass[zs];
    if (this.zsInUse[zs] === this.classes.objectsPerZspage[cls]) this.linkPartial(zs);
    this.zsInUse[zs]--;
    if (this.zsInUse[zs] === 0) {
      this.releaseZspage(zs);
      return;
    }
    this.words.setInt32(this.offsetOf(zs, obj), this.zsFreeHead[zs], true);
    this.zsFreeHead[zs] = obj;
  }

  /** Where the object's bytes start in `memory`. */
  byteOffsetOf(handle: number): number {
    const zs = Math.floor(handle / HANDLE_SPAN);
    return this.offsetOf(zs, handle - zs * HANDLE_SPAN);
  }

  /** Frees everything (device reset); counters start over. */
  clear(): void {
    this.buffer = newPoolBuffer();
    this.resize(0);
    this.chunkCount = 0;
    this.chunkPages = [];
    this.chunkFreeSlots = [];
    this.chunkIsFree = [];
    this.freeChunks.length = 0;
    for (const list of this.chunksWithRoom) list.length = 0;
    this.zsClass = new Int16Array(0);
    this.zsInUse = new Uint16Array(0);
    this.zsFresh = new Uint16Array(0);
    this.zsFreeHead = new Int32Array(0);
    this.zsPrev = new Int32Array(0);
    this.zsNext = new Int32Array(0);
    this.partialHead.fill(NONE);
    this.usedPages = 0;
    this.maxUsedPages = 0;
    this.compactedPages = 0;
  }

  /**
   * Moves objects out of the emptiest zspages of each class into the free slots of the fullest ones,
   * releasing every zspage it empties. Returns the pool pages released.
   */
  compact(owners: PoolOwners): number {
    const sources = new Set<number>();
    const destinations: number[][] = [];
    for (let cls = 0; cls < this.classes.count; cls++) {
      destinations.push(this.planClass(cls, sources));
    }
    if (sources.size === 0) return 0;
    const moves: number[] = [];
    owners.forEachObject((handle, owner) => {
      if (sources.has(Math.floor(handle / HANDLE_SPAN))) moves.push(handle, owner);
    });
    const before = this.usedPages;
    for (let i = 0; i < moves.length; i += 2) {
      const from = moves[i];
      const cls = this.zsClass[Math.floor(from / HANDLE_SPAN)];
      const dest = destinations[cls];
      // Destinations fill in order; a full one has already left the partial list.
      while (this.zsInUse[dest[0]] === this.classes.objectsPerZspage[cls]) dest.shift();
      const to = this.allocIn(dest[0]);
      const size = this.classes.objectSize[cls];
      const src = this.byteOffsetOf(from);
      this.mem.copyWithin(this.byteOffsetOf(to), src, src + size);
      owners.relocate(moves[i + 1], to);
      this.free(from);
    }
    const released = before - this.usedPages;
    this.compactedPages += released;
    return released;
  }

  /** Picks which partial zspages of a class to empty; returns the ones to fill, fullest first. */
  private planClass(cls: number, sources: Set<number>): number[] {
    const partial: number[] = [];
    for (let zs = this.partialHead[cls]; zs !== NONE; zs = this.zsNext[zs]) partial.push(zs);
    partial.sort((a, b) => this.zsInUse[b] - this.zsInUse[a]);
    const perZspage = this.classes.objectsPerZspage[cls];
    let room = 0;
    for (const zs of partial) room += perZspage - this.zsInUse[zs];
    let last = partial.length - 1;
    // Empty the sparsest zspage while the others can take all its objects.
    while (last > 0) {
      const zs = partial[last];
      const roomElsewhere = room - (perZspage - this.zsInUse[zs]);
      if (roomElsewhere < this.zsInUse[zs]) break;
      room = roomElsewhere - this.zsInUse[zs];
      sources.add(zs);
      last--;
    }
    return partial.slice(0, last + 1);
  }

  /** alloc() then a copy of src[from .. from + size) into the new object, in one step. */
  store(src: Uint8Array, from: number, size: number): number {
    const handle = this.alloc(size);
    this.mem.set(src.subarray(from, from + size), this.lastOffset);
    return handle;
  }

  /** alloc() into a given zspage with room; leaves the object's byte offset in lastOffset. */
  private allocIn(zs: number): number {
    const cls = this.zsClass[zs];
    let obj: number;
    if (this.zsFreeHead[zs] !== NONE) {
      obj = this.zsFreeHead[zs];
      this.lastOffset = this.offsetOf(zs, obj);
      this.zsFreeHead[zs] = this.words.getInt32(this.lastOffset, true);
    } else {
      obj = this.zsFresh[zs]++;
      this.lastOffset = this.offsetOf(zs, obj);
    }
    this.zsInUse[zs]++;
    if (this.zsInUse[zs] === this.classes.objectsPerZspage[cls]) this.unlinkPartial(zs);
    return zs * HANDLE_SPAN + obj;
  }

  private offsetOf(zs: number, obj: number): number {
    const cls = this.zsClass[zs];
    const chunk = Math.floor(zs / ZSPAGES_PER_CHUNK);
    const slot = zs - chunk * ZSPAGES_PER_CHUNK;
    return chunk * CHUNK_BYTES + slot * this.classes.pagesPerZspage[cls] * POOL_PAGE_SIZE +
      obj * this.classes.objectSize[cls];
  }

  private newZspage(cls: number): number {
    const k = this.classes.pagesPerZspage[cls];
    const room = this.chunksWithRoom[k];
    if (room.length === 0) room.push(this.newChunk(k));
    const chunk = room[room.length - 1];
    const mask = this.chunkFreeSlots[chunk];
    const slot = 31 - Math.clz32(mask & -mask);
    this.chunkFreeSlots[chunk] = (mask & ~(1 << slot)) >>> 0;
    if (this.chunkFreeSlots[chunk] === 0) room.pop();
    const zs = chunk * ZSPAGES_PER_CHUNK + slot;
    this.zsClass[zs] = cls;
    this.zsInUse[zs] = 0;
    this.zsFresh[zs] = 0;
    this.zsFreeHead[zs] = NONE;
    this.linkPartial(zs);
    this.usedPages += k;
    if (this.usedPages > this.maxUsedPages) this.maxUsedPages = this.usedPages;
    return zs;
  }

  private releaseZspage(zs: number): void {
    this.unlinkPartial(zs);
    const chunk = Math.floor(zs / ZSPAGES_PER_CHUNK);
    const k = this.chunkPages[chunk];
    this.zsClass[zs] = NONE;
    this.usedPages -= k;
    const room = this.chunksWithRoom[k];
    if (this.chunkFreeSlots[chunk] === 0) room.push(chunk);
    this.chunkFreeSlots[chunk] = (this.chunkFreeSlots[chunk] | (1 << (zs % ZSPAGES_PER_CHUNK))) >>> 0;
    if (this.chunkFreeSlots[chunk] === fullMask(k)) {
      room.splice(room.indexOf(chunk), 1);
      this.chunkIsFree[chunk] = true;
      this.freeChunks.push(chunk);
      this.trimTail();
    }
  }

  /** Gives back the free chunks at the end of the buffer; shrinks it once it is mostly unused. */
  private trimTail(): void {
    while (this.chunkCount > 0 && this.chunkIsFree[this.chunkCount - 1]) this.chunkCount--;
    // Free chunks past the end are forgotten (they will be appended again when needed).
    for (let i = this.freeChunks.length - 1; i >= 0; i--) {
      if (this.freeChunks[i] >= this.chunkCount) this.freeChunks.splice(i, 1);
    }
    const used = this.chunkCount * CHUNK_BYTES;
    if (this.mem.byteLength > 4 * CHUNK_BYTES && used < this.mem.byteLength / 4) this.resize(growTarget(used));
  }

  private newChunk(k: number): number {
    let chunk = this.freeChunks.pop();
    if (chunk === undefined) {
      const needed = (this.chunkCount + 1) * CHUNK_BYTES;
      if (needed > MAX_POOL_BYTES) throw new TruenoError("OutOfMemory", `the page pool is full (${MAX_POOL_BYTES} bytes)`);
      if (needed > this.mem.byteLength) this.resize(Math.min(growTarget(needed), MAX_POOL_BYTES));
      chunk = this.chunkCount++;
      this.chunkPages[chunk] = 0;
      this.growZspageTables(this.chunkCount * ZSPAGES_PER_CHUNK);
    }
    this.chunkIsFree[chunk] = false;
    this.chunkPages[chunk] = k;
    this.chunkFreeSlots[chunk] = fullMask(k);
    return chunk;
  }

  /** Grows or shrinks the pool buffer in place to `bytes` (all chunks in use lie below it) and
   * remakes the fixed-length views over it. */
  private resize(bytes: number): void {
    try {
      this.buffer.resize(bytes);
    } catch (e) {
      if (e instanceof RangeError) throw new TruenoError("OutOfMemory", `the page pool cannot grow to ${bytes} bytes`);
      throw e;
    }
    this.mem = new Uint8Array(this.buffer, 0, bytes);
    this.words = new DataView(this.buffer, 0, bytes);
  }

  private growZspageTables(needed: number): void {
    if (needed <= this.zsClass.length) return;
    const size = Math.max(needed, this.zsClass.length * 2);
    const grow = <T extends Int16Array | Uint16Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.zsClass = grow(this.zsClass, (n) => new Int16Array(n));
    this.zsInUse = grow(this.zsInUse, (n) => new Uint16Array(n));
    this.zsFresh = grow(this.zsFresh, (n) => new Uint16Array(n));
    this.zsFreeHead = grow(this.zsFreeHead, (n) => new Int32Array(n));
    this.zsPrev = grow(this.zsPrev, (n) => new Int32Array(n));
    this.zsNext = grow(this.zsNext, (n) => new Int32Array(n));
  }

  private linkPartial(zs: number): void {
    const cls = this.zsClass[zs];
    const head = this.partialHead[cls];
    this.zsPrev[zs] = NONE;
    this.zsNext[zs] = head;
    if (head !== NONE) this.zsPrev[head] = zs;
    this.partialHead[cls] = zs;
  }

  private unlinkPartial(zs: number): void {
    const cls = this.zsClass[zs];
    const prev = this.zsPrev[zs];
    const next = this.zsNext[zs];
    if (prev !== NONE) this.zsNext[prev] = next;
    else if (this.partialHead[cls] === zs) this.partialHead[cls] = next;
    else return;
    if (next !== NONE) this.zsPrev[next] = prev;
    this.zsPrev[zs] = NONE;
    this.zsNext[zs] = NONE;
  }
}

/** An empty pool buffer that can grow to MAX_POOL_BYTES (address space only until it grows). */
function newPoolBuffer(): ArrayBuffer {
  return new ArrayBuffer(0, { maxByteLength: MAX_POOL_BYTES });
}

/** Bit mask of the zspage slots of a chunk of zspages of k pages. */
function fullMask(k: number): number {
  const slots = Math.floor(CHUNK_PAGES / k);
  return slots === 32 ? 0xffffffff : (1 << slots) - 1;
}

/** Buffer size for `bytes` of chunks: half as much again (at least 4 chunks), so that a growing pool
 * resizes its buffer (a system call) a logarithmic number of times. The part past the chunks in use is
 * never written, so it takes no memory. */
function growTarget(bytes: number): number {
  const extra = Math.max(Math.floor(bytes / 2 / CHUNK_BYTES), 4) * CHUNK_BYTES;
  return bytes + extra;
}
