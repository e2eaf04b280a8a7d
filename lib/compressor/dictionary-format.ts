// The header of a zstd-format dictionary: magic number 0xEC30A437 and the dictionary ID, both 32-bit
// little-endian (RFC 8878, section 5). Every frame compressed with the dictionary carries that ID.
import { TruenoError } from "../ffi/errors.ts";

const DICTIONARY_MAGIC = 0xec30a437;
const HEADER_BYTES = 8;

function headerWord(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
}

/** The dictionary ID of zstd-format dictionary bytes; 0 when the bytes are not one. */
export function dictionaryId(bytes: Uint8Array): number {
  if (bytes.length < HEADER_BYTES || headerWord(bytes, 0) !== DICTIONARY_MAGIC) return 0;
  return headerWord(bytes, 4);
}

/**
 * InvalidInput unless `bytes` start like a zstd-format dictionary with a nonzero ID. Raw-content
 * dictionaries have no ID, so a page read with the wrong one could not be told apart: they are refused.
 */
export function checkDictionaryFormat(bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TruenoError("InvalidInput", "a dictionary must be a Uint8Array");
  if (dictionaryId(bytes) === 0) {
    throw new TruenoError(
      "InvalidInput",
      `${bytes.length} bytes are not a zstd-format dictionary (magic 0xEC30A437 and a nonzero ID); ` +
        "train one with trainDictionary, `trueno-zram train-dict` or `zstd --train`",
    );
  }
}
