/**
 * The --algorithms and --backends lists of the CLI: `lz4`, `lz4hc[:LEVEL]`, `zstd[:LEVEL]`, `adaptive`,
 * `none`; backends `auto`, `all` or names from avx512, avx2, neon, scalar.
 */
import { Algorithm, type SimdBackend, simdFeatures } from "../../mod.ts";
import { UsageError } from "./usage-error.ts";

export interface AlgorithmChoice {
  /** The name printed in tables, e.g. "zstd-3". */
  readonly name: string;
  readonly algorithm: Algorithm;
}

export const ALGORITHM_NAMES = "lz4, lz4hc[:1-12], zstd[:1-19], adaptive, none";

function level(spec: string, text: string | undefined, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`algorithm '${spec}': level must be a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

export function parseAlgorithm(spec: string): AlgorithmChoice {
  const [name, levelText, ...rest] = spec.trim().toLowerCase().split(":");
  if (rest.length > 0) throw new UsageError(`algorithm '${spec}': expected NAME or NAME:LEVEL`);
  const noLevel = () => {
    if (levelText !== undefined) throw new UsageError(`algorithm '${spec}': ${name} takes no level`);
  };
  switch (name) {
    case "lz4":
      noLevel();
      return { name: "lz4", algorithm: Algorithm.Lz4 };
    case "lz4hc": {
      const l = level(spec, levelText, 1, 12, 9);
      return { name: `lz4hc-${l}`, algorithm: Algorithm.Lz4hc(l) };
    }
    case "zstd": {
      const l = level(spec, levelText, 1, 19, 1);
      return { name: `zstd-${l}`, algorithm: Algorithm.Zstd(l) };
    }
    case "adaptive":
      noLevel();
      return { name: "adaptive", algorithm: Algorithm.Adaptive };
    case "none":
      noLevel();
      return { name: "none", algorithm: Algorithm.None };
    default:
      throw new UsageError(`unknown algorithm '${spec}' (known: ${ALGORITHM_NAMES})`);
  }
}

export function parseAlgorithmList(list: string): AlgorithmChoice[] {
  const items = list.split(",").filter((s) => s.trim() !== "");
  if (items.length === 0) throw new UsageError("--algorithms needs at least one algorithm");
  return items.map(parseAlgorithm);
}

export function supportedBackends(): SimdBackend[] {
  const f = simdFeatures();
  const all: SimdBackend[] = [];
  if (f.avx512) all.push("avx512");
  if (f.avx2) all.push("avx2");
  if (f.neon) all.push("neon");
  all.push("scalar");
  return all;
}

/** "auto" keeps the library's own choice (undefined); "all" lists every backend this CPU runs. */
export function parseBackendList(list: string): (SimdBackend | undefined)[] {
  const items = list.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
  if (items.length === 0) throw new UsageError("--backends needs at least one backend");
  const supported = supportedBackends();
  const out: (SimdBackend | undefined)[] = [];
  for (const item of items) {
    if (item === "auto") out.push(undefined);
    else if (item === "all") out.push(...supported);
    else if (item === "avx512" || item === "avx2" || item === "neon" || item === "scalar") {
      if (!supported.includes(item)) throw new UsageError(`backend '${item}' is not supported by this CPU`);
      out.push(item);
    } else {
      throw new UsageError(`unknown backend '${item}' (known: auto, all, avx512, avx2, neon, scalar)`);
    }
  }
  return [...new Set(out)];
}
