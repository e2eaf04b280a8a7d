// Opens the native compressor behind a Compressor: with the algorithm's Zstandard dictionary when it has one.
import { Status } from "../ffi/abi.ts";
import { checkStatus, TruenoError } from "../ffi/errors.ts";
import type { NativeLibrary } from "../ffi/symbols.ts";
import type { Algorithm } from "./algorithm.ts";

/** The handle of a new native compressor; a typed error when the library refuses it. */
export function openNativeCompressor(
  lib: NativeLibrary,
  algorithm: Algorithm,
  threads: number,
  backend: number,
): number {
  const dictionary = algorithm.dictionary;
  if (dictionary === undefined) {
    return checkStatus(
      lib.symbols.tz_compressor_new(algorithm.code(), algorithm.level, threads, backend),
      "creating a compressor",
    );
  }
  const status = lib.symbols.tz_compressor_new_dict(
    algorithm.code(),
    algorithm.level,
    threads,
    backend,
    dictionary,
    dictionary.length,
  );
  if (status === Status.Invalid) {
    throw new TruenoError(
      "InvalidInput",
      `cannot make a compressor with dictionary ${algorithm.dictionaryId}: its header or entropy tables do not ` +
        `parse as a zstd dictionary (or threads ${threads} / backend ${backend} is out of range)`,
    );
  }
  return checkStatus(status, "creating a compressor with a dictionary");
}
