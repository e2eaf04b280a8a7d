// A zsmalloc-like page pool. Objects live in size classes; each class fills zspages (k contiguous
// 4 KiB pool pages); zspages are carved out of chunk ArrayBuffers holding ZSPAGES_PER_CHUNK of them.
// An object is named by an integer handle (zspage id * HANDLE_SPAN + object index): no JS object per
// stored page. Free objects are chained through their own first four bytes.
import { buildSizeClasses, MAX_OBJECT_SIZE, POOL_PAGE_SIZE } from "./size_classes.ts";

const ZSPAGES_PER_CHUNK = 4;
/** More than the most objects a zspage can hold (8 pages of 32-byte objects = 1024). */
const HANDLE_SPAN = 8192;
const NONE = -1;

/** What the pool needs from its user to move objects during compaction. */
export interface PoolOwners {
  /** Calls visit(handle, owner) for every object the user holds. */
  forEachObject(visit: (handle: number, owner: number) => void): void;
  /** The object of `owner` now lives at `handle`. */
  relocate(owner: number, handle: number): void;
}

export class PagePool {
  private readonly classes = buildSizeClasses();
  private chunkBytes: (Uint8Array | null)[] = [];
  private chunkWords: (DataView | null)[] = [];
  private chunkPages: number[] = [];
  private chunkFreeSlots: number[] = [];
  private readonly freeChunkIds: number[] = [];
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

  private usedPages = 0;
  private maxUsedPages = 0;
  private compactedPages = 0;

  constructor() {
    this.partialHead = new Int32Array(this.classes.count).fill(NONE);
    for (let k = 0; k <= 16; k++) this.chunksWithRoom.push([]);
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

  /** Bytes of ArrayBuffer the pool holds (zspages plus the free zspage slots of its chunks). */
  get reservedBytes(): number {
    let bytes = 0;
    for (let c = 0; c < this.chunkBytes.length; c++) bytes += this.chunkBytes[c]?.byteLength ?? 0;
    return bytes;
  }

  /** mem_used_max <- 0: the high-water mark restarts at the current use. */
  resetMax(): void {
    this.maxUsedPages = this.usedPages;
  }

  /** The size an object of `size` bytes really occupies. */
  classSize(size: number): number {
    return this.classes.objectSize[this.classes.classOfSize[size]];
  }

  /** Stores nothing yet: reserves room for `size` bytes (1..4096) and returns its handle. */
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
    this.words(zs).setInt32(this.offsetOf(zs, obj), this.zsFreeHead[zs], true);
    this.zsFreeHead[zs] = obj;
  }

  /** The chunk array holding the object, and the object's byte offset in it. */
  bytesOf(handle: number): Uint8Array {
    return this.chunkBytes[Math.floor(handle / HANDLE_SPAN / ZSPAGES_PER_CHUNK)] as Uint8Array;
  }

  byteOffsetOf(handle: number): number {
    const zs = Math.floor(handle / HANDLE_SPAN);
    return this.offsetOf(zs, handle - zs * HANDLE_SPAN);
  }

  /** Frees everything (device reset); counters start over. */
  clear(): void {
    this.chunkBytes = [];
    this.chunkWords = [];
    this.chunkPages = [];
    this.chunkFreeSlots = [];
    this.freeChunkIds.length = 0;
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
      this.bytesOf(to).set(this.bytesOf(from).subarray(src, src + size), this.byteOffsetOf(to));
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

  /** alloc() into a given zspage with room (compaction). */
  private allocIn(zs: number): number {
    const cls = this.zsClass[zs];
    let obj: number;
    if (this.zsFreeHead[zs] !== NONE) {
      obj = this.zsFreeHead[zs];
      this.zsFreeHead[zs] = this.words(zs).getInt32(this.offsetOf(zs, obj), true);
    } else {
      obj = this.zsFresh[zs]++;
    }
    this.zsInUse[zs]++;
    if (this.zsInUse[zs] === this.classes.objectsPerZspage[cls]) this.unlinkPartial(zs);
    return zs * HANDLE_SPAN + obj;
  }

  private offsetOf(zs: number, obj: number): number {
    const k = this.classes.pagesPerZspage[this.zsClass[zs]];
    return (zs % ZSPAGES_PER_CHUNK) * k * POOL_PAGE_SIZE + obj * this.classes.objectSize[this.zsClass[zs]];
  }

  private words(zs: number): DataView {
    return this.chunkWords[Math.floor(zs / ZSPAGES_PER_CHUNK)] as DataView;
  }

  private newZspage(cls: number): number {
    const k = this.classes.pagesPerZspage[cls];
    const room = this.chunksWithRoom[k];
    if (room.length === 0) room.push(this.newChunk(k));
    const chunk = room[room.length - 1];
    const mask = this.chunkFreeSlots[chunk];
    const slot = 31 - Math.clz32(mask & -mask);
    this.chunkFreeSlots[chunk] = mask & ~(1 << slot);
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
    this.chunkFreeSlots[chunk] |= 1 << (zs % ZSPAGES_PER_CHUNK);
    if (this.chunkFreeSlots[chunk] === (1 << ZSPAGES_PER_CHUNK) - 1) {
      // A chunk with no zspage left gives its ArrayBuffer back.
      room.splice(room.indexOf(chunk), 1);
      this.chunkBytes[chunk] = null;
      this.chunkWords[chunk] = null;
      this.freeChunkIds.push(chunk);
    }
  }

  private newChunk(k: number): number {
    const bytes = new Uint8Array(ZSPAGES_PER_CHUNK * k * POOL_PAGE_SIZE);
    let chunk = this.freeChunkIds.pop();
    if (chunk === undefined) {
      chunk = this.chunkBytes.length;
      this.chunkBytes.push(null);
      this.chunkWords.push(null);
      this.chunkPages.push(0);
      this.chunkFreeSlots.push(0);
      this.growZspageTables((chunk + 1) * ZSPAGES_PER_CHUNK);
    }
    this.chunkBytes[chunk] = bytes;
    this.chunkWords[chunk] = new DataView(bytes.buffer);
    this.chunkPages[chunk] = k;
    this.chunkFreeSlots[chunk] = (1 << ZSPAGES_PER_CHUNK) - 1;
    return chunk;
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
