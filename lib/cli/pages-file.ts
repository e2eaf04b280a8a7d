/** Reads a file of whole 4096-byte pages, or explains why it cannot be used. */
import { readFileSync, statSync } from "node:fs";
import { PAGE_SIZE } from "../../mod.ts";
import { UsageError } from "./usage-error.ts";

/** Files are read whole; 2 GiB keeps every length inside the library's int32 sizes. */
const MAX_INPUT_BYTES = 2 ** 31 - PAGE_SIZE;

export function readPagesFile(path: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`--input ${path}: not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--input ${path}: cannot read (${(e as Error).message})`);
  }
  if (size === 0 || size % PAGE_SIZE !== 0) {
    throw new UsageError(
      `--input ${path}: ${size} bytes is not a whole number of ${PAGE_SIZE}-byte pages` +
        (path.endsWith(".zst") ? " (decompress it first: zstd -d FILE)" : ""),
    );
  }
  if (size > MAX_INPUT_BYTES) throw new UsageError(`--input ${path}: larger than ${MAX_INPUT_BYTES} bytes`);
  const bytes = readFileSync(path);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
