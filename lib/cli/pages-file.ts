/**
 * Pages files: whole 4096-byte pages back to back, as `capture` writes them and the corpus holds them.
 * `-` reads standard input; a name ending in .zst is a zstd frame of such a file (decoded with the zstd
 * tool, which set-up installs).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { PAGE_SIZE } from "../../mod.ts";
import { UsageError } from "./usage-error.ts";

/** Files are read whole; 2 GiB keeps every length inside the library's int32 sizes. */
export const MAX_INPUT_BYTES = 2 ** 31 - PAGE_SIZE;

export function isZstdName(path: string): boolean {
  return path.endsWith(".zst");
}

function decodeZstd(path: string): Uint8Array {
  const r = spawnSync("zstd", ["-q", "-d", "-c", "--", path], { maxBuffer: MAX_INPUT_BYTES + 1 });
  if (r.error !== undefined) throw new UsageError(`--input ${path}: cannot run zstd to decode it (${r.error.message})`);
  if (r.status !== 0) throw new UsageError(`--input ${path}: zstd -d failed: ${String(r.stderr).trim()}`);
  return new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
}

function readWhole(path: string): Uint8Array {
  if (path === "-") {
    const bytes = readFileSync("/dev/stdin");
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  try {
    if (!statSync(path).isFile()) throw new UsageError(`--input ${path}: not a regular file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--input ${path}: cannot read (${(e as Error).message})`);
  }
  if (isZstdName(path)) return decodeZstd(path);
  if (statSync(path).size > MAX_INPUT_BYTES) {
    throw new UsageError(`--input ${path}: larger than ${MAX_INPUT_BYTES} bytes`);
  }
  const bytes = readFileSync(path);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function readPagesFile(path: string): Uint8Array {
  const pages = readWhole(path);
  const name = path === "-" ? "standard input" : path;
  if (pages.length === 0 || pages.length % PAGE_SIZE !== 0) {
    throw new UsageError(`--input ${name}: ${pages.length} bytes is not a whole number of ${PAGE_SIZE}-byte pages`);
  }
  if (pages.length > MAX_INPUT_BYTES) throw new UsageError(`--input ${name}: larger than ${MAX_INPUT_BYTES} bytes`);
  return pages;
}
