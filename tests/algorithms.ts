// The algorithms the round-trip tests cover: each one at its default level, plus the extreme levels.
import { Algorithm } from "../mod.ts";

export const DEFAULT_ALGORITHMS: Algorithm[] = [
  Algorithm.Lz4,
  Algorithm.Lz4hc(),
  Algorithm.Zstd(),
  Algorithm.Adaptive,
  Algorithm.None,
];

/** Slow levels: the corpus tests run them on a sample of pages. */
export const EXTREME_ALGORITHMS: Algorithm[] = [Algorithm.Lz4hc(3), Algorithm.Lz4hc(12), Algorithm.Zstd(19)];

export const ALL_ALGORITHMS: Algorithm[] = [...DEFAULT_ALGORITHMS, ...EXTREME_ALGORITHMS];
