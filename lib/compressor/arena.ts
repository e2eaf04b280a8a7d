import { MAX_BATCH_PAGES, PAGE_SIZE, PATTERN_BYTES } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";

/**
 * The output memory of one batch of up to `capacity` pages: the stored bytes and the per-page result
 * arrays, each in an ArrayBuffer of its own (a stable address for asynchronous jobs).
 */
export class ArenaStorage {
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array;
  readonly sizes: Int32Array;
  readonly patterns: BigUint64Array;
  readonly kinds: Uint8Array;

  constructor(readonly capacity: number) {
    const meta = new ArrayBuffer(capacity * (4 + 4 + PATTERN_BYTES + 1));
    this.bytes = new Uint8Array(new ArrayBuffer(capacity * PAGE_SIZE));
    this.offsets = new Int32Array(meta, 0, capacity);
    this.sizes = new Int32Array(meta, 4 * capacity, capacity);
    this.patterns = new BigUint64Array(meta, 8 * capacity, capacity);
    this.kinds = new Uint8Array(meta, 16 * capacity, capacity);
  }
}

let lend: (arena: BatchArena, pages: number, most: number) => ArenaStorage;
let giveBack: (arena: BatchArena, storage: ArenaStorage) => void;

/**
 * Output memory that `compressBatch(pages, { into: arena })` fills again and again, so a caller that
 * compresses batch after batch writes into memory that is already resident instead of faulting in a
 * fresh arena each time.
 *
 * Ownership: a batch compressed into the arena holds the arena's memory for as long as it lives. Only
 * `batch.release()` gives that memory back for the next batch; until then a new batch into the same
 * arena gets fresh memory, so reuse never overwrites a batch that is still in use (a batch that is
 * simply dropped keeps its memory until it is garbage-collected). An async batch holds the memory from
 * the call on, and its batch after the Promise settles. The arena keeps the largest memory given back.
 */
export class BatchArena {
  #idle: ArenaStorage | undefined;

  /** `pages`: memory for a batch of this many pages, allocated now (default 0: on first use). */
  constructor(pages = 0) {
    if (!Number.isInteger(pages) || pages < 0 || pages > MAX_BATCH_PAGES) {
      throw new TruenoError("InvalidInput", `arena pages ${pages} is not an integer in 0..${MAX_BATCH_PAGES}`);
    }
    if (pages > 0) this.#idle = new ArenaStorage(pages);
  }

  /** Pages the arena's idle memory can take now: 0 while its memory is held by a batch. */
  get capacity(): number {
    return this.#idle?.capacity ?? 0;
  }

  static {
    lend = (arena, pages, most) => {
      const idle = arena.#idle;
      if (idle === undefined || idle.capacity < pages || idle.capacity > most) return new ArenaStorage(pages);
      arena.#idle = undefined;
      return idle;
    };
    giveBack = (arena, storage) => {
      if (arena.#idle === undefined || arena.#idle.capacity <= storage.capacity) arena.#idle = storage;
    };
  }
}

/**
 * The arena's idle memory if it holds `pages` and at most `most` pages, else new memory (the idle memory
 * then stays for a later batch); either way the caller now owns what it gets.
 */
export function lendStorage(arena: BatchArena, pages: number, most = Infinity): ArenaStorage {
  return lend(arena, pages, most);
}

/** Returns memory lent by lendStorage that nothing references any more. */
export function returnStorage(arena: BatchArena, storage: ArenaStorage): void {
  giveBack(arena, storage);
}
