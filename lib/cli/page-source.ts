/**
 * Where estimate, capture and entropy take their pages from: a pages file (`--input FILE`, `-` for
 * standard input, FILE.zst) or a live process (`--pid PID`, its resident anonymous pages, optionally only
 * inside `--range START-END` and at most `--max-pages N`).
 */
import { PAGE_SIZE } from "../../mod.ts";
import { type AddressRange, CHUNK_PAGES, type ProcessPages, readProcessPages } from "../procmem/process.ts";
import { integerOption, type ParsedOptions, stringOption } from "./args.ts";
import { readPagesFile } from "./pages-file.ts";
import { UsageError } from "./usage-error.ts";

export interface PageSet {
  /** "FILE" or "pid PID". */
  readonly source: string;
  /** Whole pages, in buffers of at most CHUNK_PAGES pages. */
  readonly chunks: readonly Uint8Array[];
  readonly pageCount: number;
  /** What reading the process found (absent for a file). */
  readonly process?: Omit<ProcessPages, "chunks">;
}

/** The options every page-reading command shares, as OptionSpec entries. */
export const PAGE_SOURCE_OPTIONS = {
  input: "string",
  pid: "string",
  range: "string",
  "max-pages": "string",
} as const;

export const INPUT_HELP =
  `  --input FILE          a pages file (whole 4096-byte pages; FILE.zst is decoded; - reads stdin)`;

export const PID_HELP = `  --pid PID             the resident anonymous pages of a running process (read-only, through
                        /proc/PID/maps, /proc/PID/pagemap and /proc/PID/mem)
  --range START-END     with --pid: only pages in this address range (hex, e.g. 7f00a000-7f00c000)
  --max-pages N         with --pid: read at most N pages`;

export const PAGE_SOURCE_HELP = `${INPUT_HELP}\n${PID_HELP}`;

/** "7f00a000-7f00c000" (0x prefixes allowed), page-aligned, start below end. */
export function parseRange(text: string): AddressRange {
  const m = /^(?:0x)?([0-9a-fA-F]+)-(?:0x)?([0-9a-fA-F]+)$/.exec(text);
  const start = m === null ? NaN : parseInt(m[1]!, 16);
  const end = m === null ? NaN : parseInt(m[2]!, 16);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start >= end) {
    throw new UsageError(`--range '${text}': expected START-END in hex with START below END`);
  }
  if (start % PAGE_SIZE !== 0 || end % PAGE_SIZE !== 0) {
    throw new UsageError(`--range '${text}': START and END must be multiples of ${PAGE_SIZE}`);
  }
  return { start, end };
}

export function chunked(pages: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const step = CHUNK_PAGES * PAGE_SIZE;
  for (let at = 0; at < pages.length; at += step) chunks.push(pages.subarray(at, Math.min(at + step, pages.length)));
  return chunks;
}

/** The pages the options name; `input` is a positional FILE where the command takes one. */
export function readPageSource(opts: ParsedOptions, input = stringOption(opts.get("input"))): PageSet {
  const pidText = stringOption(opts.get("pid"));
  if ((input === undefined) === (pidText === undefined)) throw new UsageError("give either --input FILE or --pid PID");
  if (input !== undefined) {
    for (const name of ["range", "max-pages"]) {
      if (opts.has(name)) throw new UsageError(`--${name} applies to --pid only`);
    }
    const pages = readPagesFile(input);
    return {
      source: input === "-" ? "standard input" : input,
      chunks: chunked(pages),
      pageCount: pages.length / PAGE_SIZE,
    };
  }
  const pid = integerOption(pidText, "pid", 1, 2 ** 22, 0);
  const rangeText = stringOption(opts.get("range"));
  const maxPages = integerOption(
    opts.get("max-pages"),
    "max-pages",
    1,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER,
  );
  const { chunks, ...found } = readProcessPages(pid, {
    maxPages,
    range: rangeText === undefined ? undefined : parseRange(rangeText),
  });
  if (found.pageCount === 0) {
    throw new UsageError(
      `process ${pid} has no readable resident anonymous pages${rangeText ? ` in ${rangeText}` : ""}`,
    );
  }
  return { source: `pid ${pid}`, chunks, pageCount: found.pageCount, process: found };
}

/** Where the pages came from, as every command's --json names it. */
export interface SourceSummary {
  description: string;
  pages: number;
  bytes: number;
  /** What reading the process found (absent for a file). */
  process?: PageSet["process"];
}

export function summarizeSource(set: PageSet): SourceSummary {
  return {
    description: describeSource(set),
    pages: set.pageCount,
    bytes: set.pageCount * PAGE_SIZE,
    process: set.process,
  };
}

/** One line on where the pages came from, e.g. for stderr or a report. */
export function describeSource(set: PageSet): string {
  const p = set.process;
  const mib = ((set.pageCount * PAGE_SIZE) / 2 ** 20).toFixed(1);
  if (p === undefined) return `${set.source}: ${set.pageCount} pages (${mib} MiB)`;
  const how = p.residency === "pagemap"
    ? "resident anonymous pages found through pagemap"
    : "every page of its private writable mappings (pagemap unreadable: untouched pages count as zero pages)";
  const notes = [
    p.swappedPages > 0 ? `${p.swappedPages} already swapped out, not read` : "",
    p.unreadablePages > 0 ? `${p.unreadablePages} unreadable` : "",
    p.truncated ? "stopped at --max-pages" : "",
  ].filter((s) => s !== "");
  return `${set.source}: ${set.pageCount} pages (${mib} MiB), ${how}, from ${p.mappings} private writable mappings` +
    (notes.length > 0 ? ` (${notes.join("; ")})` : "");
}
