// The compression backends of the emulated zram: those the library implements, in the kernel's order
// (drivers/block/zram/zcomp.c: lzo-rle, lzo, lz4, lz4hc, zstd, deflate, 842), default lz4.
import { Algorithm } from "../compressor/algorithm.ts";

export const ZRAM_ALGORITHMS = ["lz4", "lz4hc", "zstd"] as const;
export type ZramAlgorithm = (typeof ZRAM_ALGORITHMS)[number];
export const DEFAULT_ZRAM_ALGORITHM: ZramAlgorithm = "lz4";

/** sysfs_streq: equal, or equal but for one trailing newline on either side. */
export function sysfsStreq(a: string, b: string): boolean {
  return a === b || a === b + "\n" || a + "\n" === b;
}

/** The backend a stored name selects (comp_algorithm keeps a name as written, e.g. "lz4\n"). */
export function matchAlgorithm(name: string): ZramAlgorithm | undefined {
  return ZRAM_ALGORITHMS.find((known) => sysfsStreq(name, known));
}

/**
 * The codec for a backend and an algorithm_params level (null = not set, the backend's default).
 * Levels map as the kernel backends pass them to the libraries: lz4hc clamps to 1..12 with 9 for unset or below 1, zstd defaults to 3 and runs
 * levels below 1 (the kernel's fast levels, which the library does not offer) at 1. lz4's level is
 * the kernel's acceleration, which liblz4 runs at 1 when below 1 and at 65537 when above.
 */
export function codecFor(name: ZramAlgorithm, level: number | null): Algorithm {
  switch (name) {
    case "lz4":
      return level === null ? Algorithm.Lz4 : Algorithm.Lz4Fast(Math.min(Math.max(level, 1), 65537));
    case "lz4hc":
      return Algorithm.Lz4hc(level === null || level < 1 ? 9 : Math.min(level, 12));
    case "zstd":
      return Algorithm.Zstd(level === null ? 3 : Math.min(Math.max(level, 1), 19));
  }
}
