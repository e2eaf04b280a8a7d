/**
 * The native C baseline (bench/native/page_loop.c): built with `scripts/zig cc -O2` against the system
 * liblz4 and libzstd when missing or older than its source, run as a subprocess that times itself.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { BENCH_CACHE, ROOT } from "./corpus.ts";

const SOURCE = join(ROOT, "bench", "native", "page_loop.c");
const BINARY = join(BENCH_CACHE, "page_loop");

export interface NativeResult {
  algo: "lz4" | "zstd";
  level: number;
  threads: number;
  pages: number;
  bytes: number;
  stored: number;
  compress_median_s: number;
  compress_min_s: number;
  compress_reps: number;
  decompress_median_s: number;
  decompress_min_s: number;
  decompress_reps: number;
}

export function buildPageLoop(): string {
  if (!existsSync(BINARY) || statSync(BINARY).mtimeMs < statSync(SOURCE).mtimeMs) {
    mkdirSync(BENCH_CACHE, { recursive: true });
    execFileSync(join(ROOT, "scripts", "zig"), [
      "cc",
      "-O2",
      "-std=c11",
      "-Wall",
      "-Wextra",
      "-Werror",
      SOURCE,
      "-o",
      BINARY,
      "-llz4",
      "-lzstd",
      "-lpthread",
    ], { stdio: "inherit" });
  }
  return BINARY;
}

export function runPageLoop(
  file: string,
  algo: "lz4" | "zstd",
  level: number,
  threads: number,
  minSeconds: number,
): NativeResult {
  const out = execFileSync(buildPageLoop(), [file, algo, String(level), String(threads), String(minSeconds)], {
    encoding: "utf8",
  });
  return JSON.parse(out) as NativeResult;
}

export const nativeGBps = (r: NativeResult, phase: "compress" | "decompress") =>
  r.bytes / (phase === "compress" ? r.compress_median_s : r.decompress_median_s) / 1e9;
