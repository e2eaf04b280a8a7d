/** The result tables of bench and estimate as header and formatted cells, for the terminal and the HTML report alike. */
import type { DeviceEstimate } from "./device-estimate.ts";
import type { BenchResult } from "./measure.ts";
import { fixed, mib } from "./table.ts";

export interface Cells {
  header: string[];
  rows: string[][];
}

export function benchCells(results: readonly BenchResult[]): Cells {
  return {
    header: [
      "algorithm",
      "backend",
      "threads",
      "pages",
      "compress GB/s",
      "+-",
      "decompress GB/s",
      "+-",
      "ratio",
      "same",
      "raw",
    ],
    rows: results.map((r) => [
      r.algorithm,
      r.backend,
      String(r.threads),
      String(r.pages),
      fixed(r.compressGBps, 2),
      `${fixed(r.compress.spreadPercent, 0)}%`,
      fixed(r.decompressGBps, 2),
      `${fixed(r.decompress.spreadPercent, 0)}%`,
      fixed(r.ratio, 2),
      String(r.samePages),
      String(r.rawPages),
    ]),
  };
}

export function estimateCells(results: readonly DeviceEstimate[]): Cells {
  return {
    header: [
      "algorithm",
      "pages",
      "same",
      "huge",
      "compr MiB",
      "mem_used MiB",
      "saved MiB",
      "ratio",
      "compress cpu s/GB",
      "decompress cpu s/GB",
    ],
    rows: results.map((r) => [
      r.algorithm,
      String(r.pages),
      String(r.samePages),
      String(r.hugePages),
      mib(r.comprDataSize),
      mib(r.memUsedTotal),
      mib(r.savedBytes),
      fixed(r.ratio, 2),
      fixed(r.compressCpuSecondsPerGB, 2),
      fixed(r.decompressCpuSecondsPerGB, 2),
    ]),
  };
}
