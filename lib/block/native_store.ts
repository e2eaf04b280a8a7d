// A BlockDevice's pages in the library: a zram page table over a zsmalloc-exact pool (csrc/store).
// Writes compress on the compressor's worker threads and store in page order in one native call.
import { MAX_BATCH_PAGES, PAGE_SIZE } from "../ffi/abi.ts";
import { checkStatus, TruenoError } from "../ffi/errors.ts";
import { nativeLibrary } from "../ffi/load.ts";
import type { NativeSymbols } from "../ffi/symbols.ts";
import type { BatchLike } from "../compressor/batch.ts";

/** Why the store stopped a request (TZ_STORE_REFUSED_*). */
export const Refusal = { None: 0, Limit: 1, NoMemory: 2 } as const;

/** TZ_STORE_OUT_SLOTS and TZ_STORE_STAT_SLOTS. */
const OUT_SLOTS = 8;
const STAT_SLOTS = 8;
/** Polls of an async compression stay 0 ms apart for the first tries, then back off up to this. */
const MAX_POLL_DELAY_MS = 4;

/** The buffers of async compressions in flight: referenced here so that none is collected while worker
 * threads still write or read it. */
const inFlight = new Set<unknown>();

const finalizer = new FinalizationRegistry<number>((handle) => nativeLibrary().symbols.tz_store_free(handle));

/** The buffers of one request (compressed pages, per-page results), each in an ArrayBuffer of its own so
 * that their addresses stay put while worker threads write them. Reused from request to request. */
export class RequestSpace {
  readonly arena: Uint8Array;
  readonly offsets: Int32Array;
  readonly sizes: Int32Array;
  readonly kinds: Uint8Array;
  readonly patterns: BigUint64Array;
  /** TZ_STORE_RAW_* per page. */
  readonly reasons: Uint8Array;
  /** Pages the commit leaves alone (a later-issued operation set them). */
  readonly skip: Uint8Array;
  readonly outcome = new Int32Array(new ArrayBuffer(OUT_SLOTS * 4));

  constructor(readonly capacity: number) {
    this.arena = new Uint8Array(new ArrayBuffer(capacity * PAGE_SIZE));
    this.offsets = new Int32Array(new ArrayBuffer(capacity * 4));
    this.sizes = new Int32Array(new ArrayBuffer(capacity * 4));
    this.kinds = new Uint8Array(new ArrayBuffer(capacity));
    this.patterns = new BigUint64Array(new ArrayBuffer(capacity * 8));
    this.reasons = new Uint8Array(new ArrayBuffer(capacity));
    this.skip = new Uint8Array(new ArrayBuffer(capacity));
  }

  /** The first `count` pages as a batch (for a decoder). */
  batch(count: number): BatchLike {
    return {
      count,
      arena: this.arena,
      offsets: this.offsets,
      sizes: this.sizes,
      kinds: this.kinds,
      patterns: this.patterns,
    };
  }
}

/** Spaces kept for reuse: up to KEPT_SPACES of them, each of at most KEPT_PAGES pages (16 MiB of
 * output); a larger request gets a space of its own. */
const KEPT_SPACES = 4;
const KEPT_PAGES = 4096;

/** A free list of request spaces, so that no write of up to 16 MiB allocates its output space. */
export class RequestSpaces {
  #free: RequestSpace[] = [];

  take(pages: number): RequestSpace {
    const i = this.#free.findIndex((s) => s.capacity >= pages);
    if (i >= 0) return this.#free.splice(i, 1)[0]!;
    // Rounded up to a power of two (within the batch limit) so that similar requests share spaces.
    return new RequestSpace(Math.min(MAX_BATCH_PAGES, Math.max(pages, 2 ** Math.ceil(Math.log2(pages)))));
  }

  give(space: RequestSpace): void {
    if (space.capacity > KEPT_PAGES) return;
    if (this.#free.length === KEPT_SPACES) this.#free.shift();
    this.#free.push(space);
  }
}

/** What storing a request did (outcome_out of tz_store_write / tz_store_commit). */
export interface StoreOutcome {
  /** Pages handled before a refusal (all of them when none). */
  readonly done: number;
  readonly refusal: number;
  readonly same: number;
  readonly huge: number;
  readonly bytes: number;
  readonly stored: number;
  readonly entropyRouted: number;
}

export interface StoreStats {
  readonly pagesAllocated: number;
  readonly maxUsedPages: number;
  readonly pagesCompacted: number;
  readonly comprDataSize: number;
  readonly pagesStored: number;
  readonly samePages: number;
  readonly zeroPages: number;
  readonly hugePages: number;
}

/** `o`: a request space's outcome, OUT_SLOTS slots. */
function outcomeOf(o: Int32Array): StoreOutcome {
  return { done: o[0]!, refusal: o[1]!, same: o[2]!, huge: o[3]!, bytes: o[4]!, stored: o[5]!, entropyRouted: o[6]! };
}

export class PageStore {
  #sym: NativeSymbols;
  #handle: number;
  #stats = new Float64Array(STAT_SLOTS);
  #pollResult = new Int32Array(1);

  constructor(pageCount: number) {
    this.#sym = nativeLibrary().symbols;
    this.#handle = checkStatus(this.#sym.tz_store_new(pageCount), "creating the page store");
    finalizer.register(this, this.#handle, this);
  }

  /** Compresses pages (n of them) on the compressor's threads and stores them from firstPage on. */
  write(
    compressor: number,
    firstPage: number,
    pages: Uint8Array,
    n: number,
    level: number,
    entropyLimit: number,
    space: RequestSpace,
  ): StoreOutcome {
    checkStatus(
      this.#sym.tz_store_write(
        this.#handle,
        compressor,
        firstPage,
        pages,
        n,
        level,
        entropyLimit,
        space.arena,
        space.arena.length,
        space.offsets,
        space.sizes,
        space.kinds,
        space.patterns,
        space.reasons,
        space.outcome,
      ),
      "write",
    );
    return outcomeOf(space.outcome);
  }

  /** The compression half of write(), off the JS thread; pages and space stay untouched until it ends. */
  async compress(
    compressor: number,
    pages: Uint8Array,
    n: number,
    level: number,
    entropyLimit: number,
    space: RequestSpace,
  ): Promise<void> {
    const job = checkStatus(
      this.#sym.tz_store_compress_async(
        compressor,
        pages,
        n,
        level,
        entropyLimit,
        space.arena,
        space.arena.length,
        space.offsets,
        space.sizes,
        space.kinds,
        space.patterns,
        space.reasons,
      ),
      "writeAsync",
    );
    const buffers = [pages, space];
    inFlight.add(buffers);
    try {
      for (let attempt = 0;; attempt++) {
        const done = this.#sym.tz_store_job_poll(job, this.#pollResult);
        if (done !== 0) {
          checkStatus(done < 0 ? done : this.#pollResult[0]!, "writeAsync");
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_POLL_DELAY_MS, attempt >> 2)));
      }
    } finally {
      inFlight.delete(buffers);
    }
  }

  /** Stores a compressed request (reasons may be all 0), leaving pages with skip[i] != 0 alone. */
  commit(
    firstPage: number,
    batch: BatchLike,
    reasons: Uint8Array,
    skip: Uint8Array,
    outcome: Int32Array,
  ): StoreOutcome {
    checkStatus(
      this.#sym.tz_store_commit(
        this.#handle,
        firstPage,
        batch.count,
        batch.arena,
        batch.arena.length,
        batch.offsets,
        batch.sizes,
        batch.kinds,
        batch.patterns,
        reasons,
        skip,
        outcome,
      ),
      "write",
    );
    return outcomeOf(outcome);
  }

  /** Decodes n pages into out on the compressor's threads; returns how many failed (left zeroed). */
  read(compressor: number, firstPage: number, n: number, out: Uint8Array): number {
    return checkStatus(this.#sym.tz_store_read(this.#handle, compressor, firstPage, n, out, out.length), "read");
  }

  /** A copy of n stored pages in space (holes as zero pages), to decode elsewhere. */
  gather(firstPage: number, n: number, space: RequestSpace): BatchLike {
    checkStatus(
      this.#sym.tz_store_gather(
        this.#handle,
        firstPage,
        n,
        space.arena,
        space.arena.length,
        space.offsets,
        space.sizes,
        space.kinds,
        space.patterns,
      ),
      "readAsync",
    );
    return space.batch(n);
  }

  discard(firstPage: number, n: number): void {
    checkStatus(this.#sym.tz_store_discard(this.#handle, firstPage, n), "discard");
  }

  pageStates(firstPage: number, n: number): Uint8Array {
    const states = new Uint8Array(n);
    checkStatus(this.#sym.tz_store_page_states(this.#handle, firstPage, n, states), "pageStates");
    return states;
  }

  compact(): number {
    return checkStatus(this.#sym.tz_store_compact(this.#handle), "compact");
  }

  setLimitPages(pages: number): void {
    checkStatus(this.#sym.tz_store_set_limit(this.#handle, pages), "memLimit");
  }

  resetMax(): void {
    checkStatus(this.#sym.tz_store_reset_max(this.#handle), "resetMemUsedMax");
  }

  stats(): StoreStats {
    const s = this.#stats;
    checkStatus(this.#sym.tz_store_stats(this.#handle, s), "stats");
    return {
      pagesAllocated: s[0]!,
      maxUsedPages: s[1]!,
      pagesCompacted: s[2]!,
      comprDataSize: s[3]!,
      pagesStored: s[4]!,
      samePages: s[5]!,
      zeroPages: s[6]!,
      hugePages: s[7]!,
    };
  }

  /** Fixes the clock of access times at `seconds` (a whole number), or returns to the system clock (-1). */
  setClock(seconds: number): void {
    checkStatus(this.#sym.tz_store_set_clock(this.#handle, seconds), "clock");
  }

  /** zram's idle: every stored page (age -1), or those not accessed for `age` seconds; returns how many
   * are idle now. */
  markIdle(age: number): number {
    return checkStatus(this.#sym.tz_store_mark_idle(this.#handle, age), "markIdle");
  }

  /** TZ_STORE_FLAG_* and the priority, one byte per page. */
  pageFlags(firstPage: number, n: number): Uint8Array {
    const flags = new Uint8Array(n);
    checkStatus(this.#sym.tz_store_page_flags(this.#handle, firstPage, n, flags), "pageFlags");
    return flags;
  }

  /** tz_store_recompress; out receives its four counts (also when it fails part-way). */
  recompress(
    primary: number,
    compressors: Int32Array,
    prio: number,
    prioMax: number,
    numActive: number,
    mode: number,
    threshold: number,
    maxPages: number,
    out: Float64Array,
  ): void {
    checkStatus(
      this.#sym.tz_store_recompress(
        this.#handle,
        primary,
        compressors,
        prio,
        prioMax,
        numActive,
        mode,
        threshold,
        maxPages,
        out,
      ),
      "recompress",
    );
  }

  /** Opens the backing file of writeback; returns 0, or the errno the system gave (ENOENT's 2, ...). */
  setBacking(path: string): number {
    const bytes = new TextEncoder().encode(path);
    const errno = new Int32Array(1);
    const status = this.#sym.tz_store_set_backing(this.#handle, bytes, bytes.length, errno);
    if (status === 0) return 0;
    const code = errno[0]!;
    if (code > 0) return code;
    return checkStatus(status, "backing file");
  }

  /** tz_store_writeback; limit[0] is the writeback limit in pages (taken from when enabled). */
  writeback(primary: number, scans: Int32Array, limitEnabled: boolean, limit: Float64Array, out: Float64Array): void {
    checkStatus(
      this.#sym.tz_store_writeback(this.#handle, primary, scans, scans.length / 3, limitEnabled ? 1 : 0, limit, out),
      "writeback",
    );
  }

  /** Blocks in use, read and written (zram's bd_stat), and the blocks of the backing file. */
  backingStats(): { blocksUsed: number; reads: number; writes: number; blocks: number } {
    const out = new Float64Array(4);
    checkStatus(this.#sym.tz_store_backing_stats(this.#handle, out), "backingStats");
    return { blocksUsed: out[0]!, reads: out[1]!, writes: out[2]!, blocks: out[3]! };
  }

  /** Frees the native store at once (otherwise when the store is collected). */
  close(): void {
    if (this.#handle === 0) return;
    finalizer.unregister(this);
    this.#sym.tz_store_free(this.#handle);
    this.#handle = 0;
  }
}

/** A TruenoError for a request the store refused at page `page`, `stored` pages of it being in. */
export function refusalError(refusal: number, page: number, stored: number, limitBytes: number): TruenoError {
  const why = refusal === Refusal.Limit
    ? `the pool would exceed its limit of ${limitBytes} bytes`
    : "the pool could not grow (no memory)";
  return new TruenoError(
    "OutOfMemory",
    `write: page ${page} refused: ${why}` + (stored > 0 ? ` (the ${stored} pages before it are stored)` : ""),
  );
}
