import { Algo } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import { checkDictionaryFormat, dictionaryId } from "./dictionary-format.ts";

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

/** Options of Algorithm.Zstd. */
export interface ZstdOptions {
  /**
   * A zstd-format dictionary (from trainDictionary, `trueno-zram train-dict` or `zstd --train`): every
   * page the compressor stores as Zstandard is compressed and decompressed with it, and carries its ID.
   * The bytes are copied.
   */
  readonly dictionary?: Uint8Array;
}

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

  /**
   * Zstandard, level 1..19 (default 1), optionally with a dictionary. InvalidInput for bytes that are not
   * a zstd-format dictionary (magic number and a nonzero ID; the tables are checked when a compressor is
   * built).
   */
  static Zstd(level: number = LEVELS.zstd.default, options?: ZstdOptions): Algorithm {
    const dictionary = options?.dictionary;
    if (dictionary === undefined) return new Algorithm("zstd", level);
    checkDictionaryFormat(dictionary);
    return new Algorithm("zstd", level, dictionary.slice());
  }

  /** This algorithm's own copy of its dictionary, never handed out. */
  readonly #dictionary: Uint8Array | undefined;

  private constructor(readonly name: AlgorithmName, readonly level: number, dictionary?: Uint8Array) {
    if (!this.isValid()) {
      const range = LEVELS[name];
      const what = name === "lz4" ? "acceleration" : "level";
      throw new TruenoError(
        "InvalidInput",
        `${name} ${what} ${String(level)} is not an integer in ${range.min}..${range.max}`,
      );
    }
    this.#dictionary = dictionary;
    Object.freeze(this);
  }

  /** A copy of the Zstandard dictionary, or undefined when there is none. */
  get dictionary(): Uint8Array | undefined {
    return this.#dictionary?.slice();
  }

  /** The dictionary's ID, which every page compressed with it carries; 0 when there is none. */
  get dictionaryId(): number {
    return this.#dictionary === undefined ? 0 : dictionaryId(this.#dictionary);
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
    return other instanceof Algorithm && other.name === this.name && other.level === this.level &&
      sameBytes(other.#dictionary, this.#dictionary);
  }

  /** The codec's name, with its level where it has levels: "zstd(3)", "lz4(1)", "none". */
  toString(): string {
    if (this.#dictionary !== undefined) return `${this.name}(${this.level}, dictionary ${this.dictionaryId})`;
    return LEVELS[this.name].max > 0 ? `${this.name}(${this.level})` : this.name;
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
