// algorithm_params "dict=PATH" (Linux 6.18's comp_params_store reads the file whole; a file it cannot
// read is EINVAL). The library takes zstd-format dictionaries only (their ID travels in every page), so
// a raw-content file, which the kernel's zstd backend would take as raw content, is EINVAL here, and so
// is a dictionary for another algorithm than zstd (the kernel's lz4 backends take one too).
import { readFileSync } from "node:fs";
import { Algorithm } from "../compressor/algorithm.ts";
import { dictionaryId } from "../compressor/dictionary-format.ts";
import { SysfsError } from "./errors.ts";

/** The dictionary bytes of dict=PATH for the algorithm `name`. */
export function readDictionary(path: string, name: string): Uint8Array {
  if (name !== "zstd") throw new SysfsError("EINVAL", `dictionaries are supported for zstd only, not ${name}`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new SysfsError("EINVAL", `dict=${path}: cannot read it (${(e as { code?: string }).code ?? String(e)})`);
  }
  if (dictionaryId(bytes) === 0) {
    throw new SysfsError(
      "EINVAL",
      `dict=${path}: not a zstd-format dictionary (train one with trueno-zram train-dict)`,
    );
  }
  return bytes;
}

/** The primary algorithm with its dictionary, when one is set and the algorithm is zstd (a dictionary set
 * while comp_algorithm was zstd is not used by another algorithm chosen later). */
export function withDictionary(algorithm: Algorithm, dictionary: Uint8Array | null): Algorithm {
  return dictionary === null || algorithm.name !== "zstd" ? algorithm : Algorithm.Zstd(algorithm.level, { dictionary });
}
