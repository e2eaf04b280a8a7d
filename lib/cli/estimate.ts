/** `trueno-zram estimate`: what a zram device would hold, and save, for a process's pages or a pages file. */
import process from "node:process";
import { parseAlgorithmList } from "./algorithms.ts";
import { parseOptions, stringOption } from "./args.ts";
import { EXIT_HELP } from "./exit-codes.ts";
import { type DeviceEstimate, estimateOnDevice } from "./device-estimate.ts";
import { jsonNumber } from "./json.ts";
import {
  PAGE_SOURCE_HELP,
  PAGE_SOURCE_OPTIONS,
  readPageSource,
  type SourceSummary,
  summarizeSource,
} from "./page-source.ts";
import { progressBar } from "./progress.ts";
import { writeEstimateHtml } from "./report-html.ts";
import { estimateCells } from "./result-tables.ts";
import { formatTable } from "./table.ts";

export const ESTIMATE_HELP = `Usage: trueno-zram estimate (--pid PID | --input FILE) [options]

Writes the pages into a compressed block device per algorithm (the library's zsmalloc-accounted
store, every page tried as the kernel does) and prints what a zram device would hold: pages,
same-filled and huge pages, compressed bytes (compr_data_size), memory used (mem_used_total), the
RAM saved, and the CPU time to store and to read back a GB of these pages (all threads). The target
process is only read, never written to or stopped.

Options:
${PAGE_SOURCE_HELP}
  --algorithms LIST     comma-separated: lz4, lz4hc[:1-12], zstd[:1-19], adaptive, none
                        (default lz4,zstd,adaptive)
  --report FILE.html    also write a self-contained HTML report with charts
  --json                print one JSON object: { source, results: [one object per algorithm] }
  -h, --help            print this help

${EXIT_HELP}`;

const SPEC = {
  ...PAGE_SOURCE_OPTIONS,
  algorithms: "string",
  report: "string",
  json: "boolean",
  help: "boolean",
} as const;

export interface EstimateReport {
  source: SourceSummary;
  results: DeviceEstimate[];
}

export function runEstimate(argv: readonly string[]): number {
  const opts = parseOptions(argv, SPEC, "estimate");
  if (opts.has("help")) {
    process.stdout.write(ESTIMATE_HELP);
    return 0;
  }
  const choices = parseAlgorithmList(stringOption(opts.get("algorithms")) ?? "lz4,zstd,adaptive");
  const reportPath = stringOption(opts.get("report"));
  const set = readPageSource(opts);
  const bar = progressBar();
  let results: DeviceEstimate[];
  try {
    results = choices.map((choice, i) => {
      bar.update(i / choices.length, `${choice.name}: storing ${set.pageCount} pages`);
      return estimateOnDevice(set.chunks, choice);
    });
  } finally {
    bar.done();
  }
  const report: EstimateReport = { source: summarizeSource(set), results };
  if (reportPath !== undefined) writeEstimateHtml(reportPath, report, set.chunks);
  process.stdout.write(opts.has("json") ? JSON.stringify(report, jsonNumber, 2) + "\n" : formatEstimate(report));
  return 0;
}

export function formatEstimate(report: EstimateReport): string {
  const { header, rows } = estimateCells(report.results);
  return `${report.source.description}\n` + formatTable(header, rows);
}
