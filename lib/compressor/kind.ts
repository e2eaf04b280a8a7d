import { Kind, type KindCode } from "../ffi/abi.ts";
import { Algorithm } from "./algorithm.ts";

/** The stored form of one page: exactly one per page, and decompression dispatches on it. */
export type PageKind = "same" | "lz4" | "zstd" | "raw" | "gpu-lz4";

const NAMES: Record<KindCode, PageKind> = {
  [Kind.Same]: "same",
  [Kind.Lz4]: "lz4",
  [Kind.Zstd]: "zstd",
  [Kind.Raw]: "raw",
  [Kind.GpuLz4]: "gpu-lz4",
};

const CODES: Record<PageKind, KindCode> = {
  same: Kind.Same,
  lz4: Kind.Lz4,
  zstd: Kind.Zstd,
  raw: Kind.Raw,
  "gpu-lz4": Kind.GpuLz4,
};

/** The kind for a TZ_KIND_* number, or undefined for a number that is no kind (or no number: a read past
 * the end of a kinds array). */
export function kindOfCode(code: number | undefined): PageKind | undefined {
  return code === undefined ? undefined : NAMES[code as KindCode];
}

export function codeOfKind(kind: PageKind): KindCode {
  return CODES[kind];
}

/**
 * The algorithm that decodes a stored page: LZ4 block format (from LZ4, LZ4-HC or the GPU) decodes as
 * Lz4, Zstandard frames as Zstd (whatever level wrote them), and SAME and RAW pages need no codec (None).
 */
export function algorithmOfKind(kind: PageKind): Algorithm {
  switch (kind) {
    case "lz4":
    case "gpu-lz4":
      return Algorithm.Lz4;
    case "zstd":
      return Algorithm.Zstd();
    case "same":
    case "raw":
      return Algorithm.None;
  }
}
