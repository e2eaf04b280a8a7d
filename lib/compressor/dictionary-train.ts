// Trains a Zstandard dictionary from sample pages with libzstd's trainer (ZDICT_trainFromBuffer).
import { DICT_MIN_BYTES, MAX_FFI_LENGTH, Status } from "../ffi/abi.ts";
import { checkStatus, TruenoError } from "../ffi/errors.ts";
import { nativeLibrary } from "../ffi/load.ts";
import { requirePages } from "./input.ts";

/** The dictionary size trainDictionary aims for unless told otherwise. */
export const DEFAULT_DICTIONARY_BYTES = 64 * 1024;

/** Options of trainDictionary. */
export interface TrainOptions {
  /** Most bytes of the dictionary, DICT_MIN_BYTES (256) or more; default 64 KiB. */
  readonly size?: number;
}

/**
 * A zstd-format dictionary trained on `pages` (a multiple of 4096 bytes; each page is one sample, and
 * same-filled pages, which are never compressed, are left out). Deterministic: the same pages and size
 * give the same bytes. InvalidInput when the trainer refuses the samples (too few, or too alike).
 */
export function trainDictionary(pages: Uint8Array, options: TrainOptions = {}): Uint8Array {
  const count = requirePages(pages);
  const size = options.size ?? DEFAULT_DICTIONARY_BYTES;
  if (!Number.isInteger(size) || size < DICT_MIN_BYTES || size > MAX_FFI_LENGTH) {
    throw new TruenoError(
      "InvalidInput",
      `dictionary size must be an integer in ${DICT_MIN_BYTES}..${MAX_FFI_LENGTH}, not ${size}`,
    );
  }
  if (count === 0) throw new TruenoError("InvalidInput", "training a dictionary needs sample pages");
  const out = new Uint8Array(size);
  const status = nativeLibrary().symbols.tz_zstd_train_dictionary(pages, count, out, size);
  if (status === Status.Invalid) {
    throw new TruenoError(
      "InvalidInput",
      `the dictionary trainer refused ${count} pages: too few samples that are not same-filled, or too alike to train on`,
    );
  }
  return out.slice(0, checkStatus(status, "training a dictionary"));
}
