/** `trueno-zram bench`: batch compress/decompress throughput and ratio per algorithm and backend. */
import process from "node:process";
import { PAGE_SIZE } from "../../mod.ts";
import { MAX_THREADS } from "../ffi/abi.ts";
import { parseAlgorithmList, parseBackendList } from "./algorithms.ts";
import { integerOption, parseOptions, stringOption } from "./args.ts";
import { jsonNumber } from "./json.ts";
import { BACKEND_LOOPS, BACKEND_NOTE } from "./backend-loops.ts";
import { type BenchResult, measureInterleaved } from "./measure.ts";
import { cpuCount, formatLoad, type LoadSample, sampleLoad } from "./system-load.ts";
import { INPUT_HELP } from "./page-source.ts";
import { readPagesFile } from "./pages-file.ts";
import { progressBar } from "./progress.ts";
import { writeBenchHtml } from "./report-html.ts";
import { benchCells } from "./result-tables.ts";
import { formatTable } from "./table.ts";
import { UsageError } from "./usage-error.ts";
import { syntheticWorkload, WORKLOAD_MIX } from "./workload.ts";

export const BENCH_HELP = `Usage: trueno-zram bench [options]

Compresses and decompresses a set of 4 KiB pages in batches and prints, per algorithm and backend:
pages, compress and decompress GB/s (the median pass, and the spread between the fastest and the
slowest), and ratio (input bytes / stored bytes). The configurations run in interleaved rounds: each
round runs one compress and one decompress pass of every configuration, starting with another one
each round, so that other work on the machine affects all of them alike. The system load at start and
end is printed beside the results. Every configuration is checked to decompress back to the pages.

Options:
${INPUT_HELP};
                        default: the built-in synthetic workload
  --pages N             pages of the built-in workload (default 16384 = 64 MiB)
  --algorithms LIST     comma-separated: lz4, lz4hc[:1-12], zstd[:1-19], adaptive, none
                        (default lz4,zstd,adaptive)
  --backends LIST       auto, all, or names: avx512, avx2, neon, scalar (default all)
  --threads N           batch worker threads (default: the library's, one per core)
  --rounds N            interleaved rounds (default 9)
  --report FILE.html    also write a self-contained HTML report with charts
  --json                print one JSON object instead of the table
  -h, --help            print this help

Built-in workload (seeded, the same bytes on every run): ${
  WORKLOAD_MIX.map((m) => `${Math.round(m.share * 100)}% ${m.kind}`).join(", ")
} pages.
`;

const SPEC = {
  input: "string",
  pages: "string",
  algorithms: "string",
  backends: "string",
  threads: "string",
  rounds: "string",
  report: "string",
  json: "boolean",
  help: "boolean",
} as const;

const DEFAULT_PAGES = 16384;
const MAX_WORKLOAD_PAGES = 262144;

export interface BenchReport {
  workload: { source: string; pages: number; bytes: number };
  system: { cpus: number; loadStart: LoadSample; loadEnd: LoadSample; backendLoops: typeof BACKEND_LOOPS };
  results: BenchResult[];
}

export function runBench(argv: readonly string[]): number {
  const opts = parseOptions(argv, SPEC, "bench");
  if (opts.has("help")) {
    process.stdout.write(BENCH_HELP);
    return 0;
  }
  const input = stringOption(opts.get("input"));
  if (input !== undefined && opts.has("pages")) {
    throw new UsageError("--pages applies to the built-in workload only; --input takes every page of FILE");
  }
  const nPages = integerOption(opts.get("pages"), "pages", 1, MAX_WORKLOAD_PAGES, DEFAULT_PAGES);
  const choices = parseAlgorithmList(stringOption(opts.get("algorithms")) ?? "lz4,zstd,adaptive");
  const backends = parseBackendList(stringOption(opts.get("backends")) ?? "all");
  const threads = opts.has("threads") ? integerOption(opts.get("threads"), "threads", 1, MAX_THREADS, 0) : undefined;
  const rounds = integerOption(opts.get("rounds"), "rounds", 1, 1000, 9);
  const reportPath = stringOption(opts.get("report"));

  const pages = input === undefined ? syntheticWorkload(nPages) : readPagesFile(input);
  const configs = choices.flatMap((choice) => backends.map((backend) => ({ choice, backend })));
  const loadStart = sampleLoad();
  const bar = progressBar();
  let results: BenchResult[];
  try {
    results = measureInterleaved(pages, configs, { threads, rounds, onProgress: (f, phase) => bar.update(f, phase) });
  } finally {
    bar.done();
  }
  const report: BenchReport = {
    workload: { source: input ?? "built-in synthetic mix", pages: pages.length / PAGE_SIZE, bytes: pages.length },
    system: { cpus: cpuCount(), loadStart, loadEnd: sampleLoad(), backendLoops: BACKEND_LOOPS },
    results,
  };
  if (reportPath !== undefined) writeBenchHtml(reportPath, report, pages);
  process.stdout.write(opts.has("json") ? JSON.stringify(report, jsonNumber, 2) + "\n" : formatReport(report));
  return 0;
}

export function formatReport(report: BenchReport): string {
  const { workload } = report;
  const { system } = report;
  const rounds = report.results[0]?.rounds ?? 0;
  const head =
    `workload: ${workload.source}, ${workload.pages} pages (${(workload.bytes / 2 ** 20).toFixed(1)} MiB)\n` +
    `${formatLoad(system.loadStart, system.loadEnd, system.cpus)}; ${rounds} interleaved rounds, median and spread\n`;
  const { header, rows } = benchCells(report.results);
  return head + formatTable(
    header,
    rows,
    2,
  ) + `${BACKEND_NOTE}\n`;
}
