import { MAX_BATCH_PAGES, PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import type { Algorithm } from "./algorithm.ts";
import { type ArenaStorage, type BatchArena, returnStorage } from "./arena.ts";
import { kindOfCode } from "./kind.ts";
import { CompressedPage } from "./page.ts";

/** The raw native results of a batch; what decompressBatch accepts. */
export interface BatchLike {
  /** Pages in the batch. */
  readonly count: number;
  /** Page i's stored bytes are arena[offsets[i] .. offsets[i] + sizes[i]). */
  readonly arena: Uint8Array;
  /** Per page, where its stored bytes start in the arena. */
  readonly offsets: Int32Array;
  /** Per page, how many stored bytes it has (0 for SAME). */
  readonly sizes: Int32Array;
  /** TZ_KIND_* per page. */
  readonly kinds: Uint8Array;
  /** SAME pattern per page, 0n for other kinds. */
  readonly patterns: BigUint64Array;
}

/** Where a batch's memory goes back to on release(). */
export interface BatchHome {
  readonly arena: BatchArena;
  readonly storage: ArenaStorage;
}

/** N pages compressed in one call. page(i) is a view into the arena (no copy). */
export class CompressedBatch implements BatchLike {
  #home: BatchHome | undefined;
  #released = false;

  /**
   * A batch over native results; Compressor.compressBatch builds these, as can a caller that holds another module's
   * BatchLike.
   */
  constructor(
    readonly count: number,
    readonly arena: Uint8Array,
    readonly offsets: Int32Array,
    readonly sizes: Int32Array,
    readonly kinds: Uint8Array,
    readonly patterns: BigUint64Array,
    /** Sum of the stored sizes of all pages. */
    readonly totalBytes: number,
    /** The compressor's algorithm, which page(i) reports with its level (CompressedPage.algorithm). */
    readonly producer?: Algorithm,
    /** The BatchArena whose memory this batch holds, if any. */
    home?: BatchHome,
  ) {
    this.#home = home;
  }

  /** Page i (0 .. count - 1) as a CompressedPage viewing the arena; InvalidInput for an index outside the batch. */
  page(i: number): CompressedPage {
    requireLive(this);
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new TruenoError("InvalidInput", `page index ${i} is outside 0..${this.count - 1}`);
    }
    const kind = kindOfCode(this.kinds[i]);
    if (kind === undefined) throw new TruenoError("CorruptedData", `page ${i} has unknown kind ${this.kinds[i]}`);
    const start = this.offsets[i];
    const size = this.sizes[i];
    const pattern = this.patterns[i];
    if (start === undefined || size === undefined || pattern === undefined) {
      throw new TruenoError("CorruptedData", `page ${i} lies past the end of the batch's offsets, sizes or patterns`);
    }
    return new CompressedPage(this.arena.subarray(start, start + size), kind, pattern, this.producer);
  }

  /** Original bytes / stored bytes over the whole batch (Infinity when every page is SAME). */
  ratio(): number {
    return (this.count * PAGE_SIZE) / this.totalBytes;
  }

  /**
   * Ends this batch: its memory goes back to the BatchArena it was compressed into (or, for a plain
   * compressBatch, to the compressor, for its next batch), where a later batch overwrites it. Pages,
   * the arena and the arrays taken from the batch must not be used afterwards; page() and
   * decompressBatch of the batch throw Closed. Releasing twice does nothing.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    const home = this.#home;
    this.#home = undefined;
    if (home !== undefined) returnStorage(home.arena, home.storage);
  }

  /** true after release(). */
  get released(): boolean {
    return this.#released;
  }
}

/** Throws Closed for a CompressedBatch after its release(). */
export function requireLive(b: BatchLike): void {
  if (b instanceof CompressedBatch && b.released) throw new TruenoError("Closed", "this batch was released");
}

/** Throws InvalidInput unless `b` has the fields of a batch, each long enough for b.count pages. */
export function checkBatchLike(b: BatchLike): void {
  const bad = (why: string) => new TruenoError("InvalidInput", `not a compressed batch: ${why}`);
  if (typeof b !== "object" || b === null) throw bad("not an object");
  requireLive(b);
  if (!Number.isInteger(b.count) || b.count < 0) throw bad(`count ${b.count} is not a page count`);
  if (b.count > MAX_BATCH_PAGES) throw bad(`count ${b.count} is more than the ${MAX_BATCH_PAGES} pages of one batch`);
  if (!(b.arena instanceof Uint8Array)) throw bad("arena must be a Uint8Array");
  if (!(b.offsets instanceof Int32Array) || b.offsets.length < b.count) {
    throw bad("offsets must be an Int32Array of count");
  }
  if (!(b.sizes instanceof Int32Array) || b.sizes.length < b.count) throw bad("sizes must be an Int32Array of count");
  if (!(b.kinds instanceof Uint8Array) || b.kinds.length < b.count) throw bad("kinds must be a Uint8Array of count");
  if (!(b.patterns instanceof BigUint64Array) || b.patterns.length < b.count) {
    throw bad("patterns must be a BigUint64Array of count");
  }
}
