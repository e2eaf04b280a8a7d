/** `trueno-zram entropy`: per-page entropy as a text histogram, with the route each page would take. */
import process from "node:process";
import { parseAlgorithm } from "./algorithms.ts";
import { parseOptions, stringOption } from "./args.ts";
import { type EntropyProfile, entropyProfile, ROUTES } from "./entropy-profile.ts";
import { EXIT_HELP } from "./exit-codes.ts";
import { jsonNumber } from "./json.ts";
import { PAGE_SOURCE_HELP, PAGE_SOURCE_OPTIONS, readPageSource, summarizeSource } from "./page-source.ts";
import { formatTable } from "./table.ts";
import { UsageError } from "./usage-error.ts";

export const ENTROPY_HELP = `Usage: trueno-zram entropy (FILE | --input FILE | --pid PID) [options]

Prints how the pages' Shannon entropy (bits per byte, 0..8) is distributed, in bins of 0.5, and the
route each page takes through the block device's compress path: same-filled (stored as its pattern),
stored raw untried because its entropy is above the limit, compressed by a codec (lz4 or zstd; the
adaptive algorithm picks per page), or tried and stored raw because it did not shrink below 3625 bytes.

Options:
  FILE                  the same as --input FILE
${PAGE_SOURCE_HELP}
  --algorithm NAME      lz4, lz4hc[:1-12], zstd[:1-19], adaptive, none (default lz4)
  --entropy-limit BITS  pages above this many bits per byte are stored raw untried (default 7.0,
                        the block device's; 8 tries every page, as the kernel does)
  --json                print the histogram as one JSON object
  -h, --help            print this help

${EXIT_HELP}`;

const SPEC = {
  ...PAGE_SOURCE_OPTIONS,
  algorithm: "string",
  "entropy-limit": "string",
  json: "boolean",
  help: "boolean",
} as const;

const BAR_WIDTH = 40;

function entropyLimitOption(text: string | undefined): number {
  if (text === undefined) return 7.0;
  const bits = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!(bits >= 0 && bits <= 8)) {
    throw new UsageError(`--entropy-limit '${text}': a number of bits per byte from 0 to 8`);
  }
  return bits;
}

export function runEntropy(argv: readonly string[]): number {
  const opts = parseOptions(argv, SPEC, "entropy", { positionals: 1 });
  if (opts.has("help")) {
    process.stdout.write(ENTROPY_HELP);
    return 0;
  }
  const [file] = opts.positionals;
  if (file !== undefined && opts.has("input")) throw new UsageError("give FILE or --input FILE, not both");
  const choice = parseAlgorithm(stringOption(opts.get("algorithm")) ?? "lz4");
  const limit = entropyLimitOption(stringOption(opts.get("entropy-limit")));
  const set = readPageSource(opts, file ?? stringOption(opts.get("input")));
  const profile = entropyProfile(set.chunks, choice, limit);
  const source = summarizeSource(set);
  process.stdout.write(
    opts.has("json")
      ? JSON.stringify({ source, ...profile }, jsonNumber, 2) + "\n"
      : `${source.description}\n${formatHistogram(profile)}`,
  );
  return 0;
}

export function formatHistogram(p: EntropyProfile): string {
  const most = Math.max(1, ...p.bins.map((b) => b.pages));
  const rows = p.bins.map((b) => [
    `${b.from.toFixed(1)}-${b.to.toFixed(1)}`,
    "#".repeat(Math.round((b.pages / most) * BAR_WIDTH)) + (b.pages > 0 && b.pages < most / (2 * BAR_WIDTH) ? "." : ""),
    String(b.pages),
    ...ROUTES.map((r) => String(b.routes[r])),
  ]);
  const share = ROUTES.map((r) => `${r} ${((100 * p.routes[r]) / Math.max(1, p.pages)).toFixed(1)}%`).join(", ");
  return `algorithm ${p.algorithm}, entropy limit ${p.entropyLimit.toFixed(1)} bits/byte\n` +
    formatTable(["bits/byte", "", "pages", ...ROUTES], rows, 2) +
    `mean ${p.meanEntropy.toFixed(2)} bits/byte over ${p.pages} pages; ${share}\n`;
}
