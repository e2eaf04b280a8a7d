/**
 * The per-page entropy distribution of a set of pages and the route each page takes through a compress
 * call with the block device's routing: same-filled (kernel rule), stored raw by the entropy check
 * without a compression attempt, compressed by a codec, or tried and stored raw because the result
 * reached the huge threshold.
 */
import { CompressorBuilder, HUGE_THRESHOLD, Kind, PAGE_SIZE, shannonEntropy } from "../../mod.ts";
import type { AlgorithmChoice } from "./algorithms.ts";

export const ROUTES = ["same", "lz4", "zstd", "raw (entropy)", "huge"] as const;
export type Route = (typeof ROUTES)[number];

export interface EntropyBin {
  /** Bits per byte, from (inclusive) .. to (exclusive; the last bin includes 8). */
  from: number;
  to: number;
  pages: number;
  routes: Record<Route, number>;
}

export interface EntropyProfile {
  algorithm: string;
  entropyLimit: number;
  pages: number;
  meanEntropy: number;
  routes: Record<Route, number>;
  bins: EntropyBin[];
}

export const BIN_WIDTH = 0.5;

function noRoutes(): Record<Route, number> {
  return Object.fromEntries(ROUTES.map((r) => [r, 0])) as Record<Route, number>;
}

function routeOf(kind: number, entropy: number, entropyLimit: number): Route {
  switch (kind) {
    case Kind.Same:
      return "same";
    case Kind.Zstd:
      return "zstd";
    case Kind.Raw:
      return entropy > entropyLimit ? "raw (entropy)" : "huge";
    default:
      return "lz4";
  }
}

export function entropyProfile(
  chunks: readonly Uint8Array[],
  choice: AlgorithmChoice,
  entropyLimit: number,
): EntropyProfile {
  const bins: EntropyBin[] = [];
  for (let from = 0; from < 8; from += BIN_WIDTH) {
    bins.push({ from, to: from + BIN_WIDTH, pages: 0, routes: noRoutes() });
  }
  const routes = noRoutes();
  let pages = 0;
  let entropySum = 0;
  const compressor = new CompressorBuilder().algorithm(choice.algorithm).build();
  try {
    for (const chunk of chunks) {
      const batch = compressor.compressBatch(chunk, { rawThreshold: HUGE_THRESHOLD, entropyLimit });
      for (let i = 0; i < batch.count; i++) {
        const entropy = shannonEntropy(chunk.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
        const route = routeOf(batch.kinds[i]!, entropy, entropyLimit);
        const bin = bins[Math.min(bins.length - 1, Math.floor(entropy / BIN_WIDTH))]!;
        bin.pages++;
        bin.routes[route]++;
        routes[route]++;
        entropySum += entropy;
        pages++;
      }
    }
  } finally {
    compressor.close();
  }
  return {
    algorithm: choice.name,
    entropyLimit,
    pages,
    meanEntropy: pages === 0 ? 0 : entropySum / pages,
    routes,
    bins,
  };
}
