// Which compression levels a device may switch to: those its compressor's algorithm accepts.
import { TruenoError } from "../ffi/errors.ts";
import { Algorithm } from "../compressor/algorithm.ts";

const withLevel: Partial<Record<string, (level: number) => Algorithm>> = {
  lz4: Algorithm.Lz4Fast,
  lz4hc: Algorithm.Lz4hc,
  zstd: Algorithm.Zstd,
};

/** Throws InvalidInput unless level is 0 (the compressor's own) or valid for the algorithm. */
export function checkLevel(algorithm: Algorithm, level: number): void {
  if (level === 0) return;
  const make = withLevel[algorithm.name];
  if (make === undefined) {
    throw new TruenoError("InvalidInput", `${algorithm.name} has no compression level`);
  }
  if (!make(level).isValid()) {
    throw new TruenoError("InvalidInput", `level ${level} is not valid for ${algorithm.name}`);
  }
}
