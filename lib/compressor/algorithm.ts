import { Algo } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";

/** A codec's name; Algorithm's static members say what each does. */
export type AlgorithmName = "lz4" | "lz4hc" | "zstd" | "adaptive" | "none";

/** Level range and default per algorithm; the level of LZ4 is its acceleration. */
const LEVELS: Record<AlgorithmName, { min: number; max: number; default: number }> = {
  lz4: { min: 1, max: 65537, default: 1 },
  lz4hc: { min: 1, max: 12, default: 9 }, // liblz4 runs 1 and 2 as its fast HC mode; 12 = LZ4HC_CLEVEL_MAX
  zstd: { min: 1, max: 19, default: 1 },
  adaptive: { min: 0, max: 0, default: 0 },
  none: { min: 0, max: 0, default: 0 },
};

const CODES: Record<AlgorithmName, number> = {
  lz4: Algo.Lz4,
  lz4hc: Algo.Lz4hc,
  zstd: Algo.Zstd,
  adaptive: Algo.Adaptive,
  none: Algo.None,
};

/**
 * A compression algorithm with its level. Levels are checked when the algorithm is made:
 * `Algorithm.Zstd(42)` throws InvalidInput naming the valid range, 1..19.
 */
export class Algorithm {
  /** LZ4, default acceleration. */
  static readonly Lz4: Algorithm = new Algorithm("lz4", LEVELS.lz4.default);
  /** Per page: same-fill, else the codec the page's measurements favour. */
  static readonly Adaptive: Algorithm = new Algorithm("adaptive", 0);
  /** Store every page as is (same-filled pages are still detected). */
  static readonly None: Algorithm = new Algorithm("none", 0);

  /** LZ4 with an acceleration, 1..65537 (1 = the default; higher is faster and compresses less). */
  static Lz4Fast(acceleration: number): Algorithm {
    return new Algorithm("lz4", acceleration);
  }

  /** LZ4-HC, level 1..12 (default 9); decodes with the LZ4 decoder. */
  static Lz4hc(level: number = LEVELS.lz4hc.default): Algorithm {
    return new Algorithm("lz4hc", level);
  }

  /** Zstandard, level 1..19 (default 1). */
  static Zstd(level: number = LEVELS.zstd.default): Algorithm {
    return new Algorithm("zstd", level);
  }

  private constructor(readonly name: AlgorithmName, readonly level: number) {
    if (!this.isValid()) {
      const range = LEVELS[name];
      const what = name === "lz4" ? "acceleration" : "level";
      throw new TruenoError("InvalidInput", `${name} ${what} ${String(level)} is not an integer in ${range.min}..${range.max}`);
    }
    Object.freeze(this);
  }

  /** Whether the level is an integer within the algorithm's range. */
  isValid(): boolean {
    const range = LEVELS[this.name];
    return Number.isInteger(this.level) && this.level >= range.min && this.level <= range.max;
  }

  /** The header's TZ_ALGO_* number. */
  code(): number {
    return CODES[this.name];
  }

  /** Whether `other` is the same codec at the same level. */
  equals(other: Algorithm): boolean {
    return other instanceof Algorithm && other.name === this.name && other.level === this.level;
  }

  /** The codec's name, with its level where it has levels: "zstd(3)", "lz4(1)", "none". */
  toString(): string {
    return LEVELS[this.name].max > 0 ? `${this.name}(${this.level})` : this.name;
  }
}
