import { PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import { BatchArena } from "./arena.ts";

/** Routing knobs of a compress call (see the page routing in trueno_zram.h). */
export interface CompressOptions {
  /** A page whose compressed form is this many bytes or more is stored RAW; 1..4096, default 4096. */
  rawThreshold?: number;
  /** A page with more bits per byte than this is stored RAW without trying; default 8 = never skip. */
  entropyLimit?: number;
}

/** Options of a batch compress: the routing knobs, and where the batch is written. */
export interface BatchOptions extends CompressOptions {
  /** A BatchArena to write the batch into (see BatchArena for who owns the memory when). */
  into?: BatchArena;
}

export interface ResolvedOptions {
  rawThreshold: number;
  entropyLimit: number;
}

export const DEFAULT_OPTIONS: ResolvedOptions = Object.freeze({ rawThreshold: PAGE_SIZE, entropyLimit: 8 });

export function resolveOptions(opts: CompressOptions | undefined): ResolvedOptions {
  if (opts === undefined) return DEFAULT_OPTIONS;
  if (typeof opts !== "object" || opts === null) {
    throw new TruenoError("InvalidInput", "compress options must be an object");
  }
  const rawThreshold = opts.rawThreshold ?? PAGE_SIZE;
  const entropyLimit = opts.entropyLimit ?? 8;
  if (!Number.isInteger(rawThreshold) || rawThreshold < 1 || rawThreshold > PAGE_SIZE) {
    throw new TruenoError("InvalidInput", `rawThreshold ${rawThreshold} is not an integer in 1..${PAGE_SIZE}`);
  }
  if (typeof entropyLimit !== "number" || Number.isNaN(entropyLimit) || entropyLimit < 0) {
    throw new TruenoError("InvalidInput", `entropyLimit ${entropyLimit} is not a number >= 0`);
  }
  return { rawThreshold, entropyLimit };
}

/** The arena of `{ into }`, undefined when none is given; InvalidInput for anything but a BatchArena. */
export function targetArena(opts: BatchOptions | undefined): BatchArena | undefined {
  const into = opts?.into;
  if (into === undefined || into instanceof BatchArena) return into;
  throw new TruenoError("InvalidInput", "compressBatch's `into` must be a BatchArena");
}
