/**
 * `--report FILE.html` of bench and estimate: the results as one self-contained page (lib/report) with
 * charts of throughput per algorithm and backend, ratio against speed, the entropy histogram with the
 * route of each page, and the memory saved.
 */
import { writeFileSync } from "node:fs";
import { htmlPage, type Section } from "../report/html.ts";
import { barChart, scatterChart, stackedColumns } from "../report/svg.ts";
import { parseAlgorithm } from "./algorithms.ts";
import type { BenchReport } from "./bench.ts";
import { entropyProfile, ROUTES } from "./entropy-profile.ts";
import type { EstimateReport } from "./estimate.ts";
import { chunked } from "./page-source.ts";
import { formatLoad } from "./system-load.ts";
import { benchCells, estimateCells } from "./result-tables.ts";
import { mib } from "./table.ts";

/** The device's default: pages above 7 bits per byte are stored raw untried. */
const REPORT_ENTROPY_LIMIT = 7.0;

function entropySection(chunks: readonly Uint8Array[]): Section {
  const p = entropyProfile(chunks, parseAlgorithm("lz4"), REPORT_ENTROPY_LIMIT);
  return {
    title: "Entropy of the pages",
    chart: stackedColumns({
      title: "Pages per entropy bin, by route (lz4, entropy limit 7.0)",
      xLabel: "bits per byte",
      yLabel: "pages",
      series: ROUTES,
      columns: p.bins.map((b) => ({ label: b.from.toFixed(1), parts: ROUTES.map((r) => b.routes[r]) })),
    }),
    notes: [
      `Mean ${p.meanEntropy.toFixed(2)} bits per byte over ${p.pages} pages; ` +
      ROUTES.map((r) => `${r} ${p.routes[r]}`).join(", ") + ".",
    ],
  };
}

function write(path: string, html: string): void {
  try {
    writeFileSync(path, html);
  } catch (e) {
    throw new Error(`cannot write the report ${path}: ${(e as Error).message}`);
  }
}

export function writeBenchHtml(path: string, report: BenchReport, pages: Uint8Array): void {
  const { results, workload, system } = report;
  const label = (r: (typeof results)[number]) => `${r.algorithm}/${r.backend}`;
  const sections: Section[] = [
    {
      title: "Throughput per algorithm and backend",
      chart: barChart({
        title: `Median of ${results[0]?.rounds ?? 0} interleaved rounds; whiskers: slowest..fastest pass`,
        unit: "GB/s",
        series: ["compress", "decompress"],
        groups: results.map((r) => ({
          label: label(r),
          bars: [
            { value: r.compress.medianGBps, low: r.compress.minGBps, high: r.compress.maxGBps },
            { value: r.decompress.medianGBps, low: r.decompress.minGBps, high: r.decompress.maxGBps },
          ],
        })),
      }),
      notes: [
        `Backends differ only in: ${system.backendLoops.vectorised.join(", ")}; the same code in every backend: ` +
        `${system.backendLoops.sameInEveryBackend.join(", ")}.`,
      ],
    },
    {
      title: "Ratio against speed",
      chart: scatterChart({
        title: "Compression ratio against compress speed",
        xLabel: "compress GB/s (median)",
        yLabel: "ratio (input / stored bytes)",
        points: results.map((r) => ({ label: label(r), x: r.compressGBps, y: r.ratio })),
      }),
    },
    entropySection(chunked(pages)),
    {
      title: "Memory saved",
      chart: barChart({
        title: "Stored bytes against input (compressed data; a zram pool adds its own overhead: see estimate)",
        unit: "MiB",
        series: ["input", "stored", "saved"],
        groups: results.filter((r) => r.backend === results[0]?.backend).map((r) => ({
          label: r.algorithm,
          bars: [{ value: r.bytes / 2 ** 20 }, { value: r.storedBytes / 2 ** 20 }, {
            value: (r.bytes - r.storedBytes) / 2 ** 20,
          }],
        })),
      }),
      table: benchCells(results),
    },
  ];
  write(
    path,
    htmlPage("trueno-zram bench", [
      `Workload: ${workload.source}, ${workload.pages} pages (${mib(workload.bytes)} MiB).`,
      `${formatLoad(system.loadStart, system.loadEnd, system.cpus)}.`,
    ], sections),
  );
}

export function writeEstimateHtml(path: string, report: EstimateReport, chunks: readonly Uint8Array[]): void {
  const { results, source } = report;
  const sections: Section[] = [
    {
      title: "Memory saved",
      chart: barChart({
        title: "What a zram device would hold (mem_used_total) and the RAM it frees",
        unit: "MiB",
        series: ["pages (orig_data_size)", "mem_used_total", "saved"],
        groups: results.map((r) => ({
          label: r.algorithm,
          bars: [{ value: r.origDataSize / 2 ** 20 }, { value: r.memUsedTotal / 2 ** 20 }, {
            value: r.savedBytes / 2 ** 20,
          }],
        })),
      }),
      table: estimateCells(results),
    },
    {
      title: "CPU cost per algorithm",
      chart: barChart({
        title: "CPU time (all threads) to store and to read back 1 GB of these pages",
        unit: "CPU seconds per GB",
        series: ["compress (store)", "decompress (read back)"],
        groups: results.map((r) => ({
          label: r.algorithm,
          bars: [{ value: r.compressCpuSecondsPerGB }, { value: r.decompressCpuSecondsPerGB }],
        })),
      }),
    },
    {
      title: "Ratio against CPU cost",
      chart: scatterChart({
        title: "Memory ratio (orig / mem_used_total) against compress CPU time",
        xLabel: "compress CPU seconds per GB",
        yLabel: "ratio",
        points: results.map((r) => ({ label: r.algorithm, x: r.compressCpuSecondsPerGB, y: r.ratio })),
      }),
    },
    entropySection(chunks),
  ];
  write(path, htmlPage("trueno-zram estimate", [source.description + "."], sections));
}
