/** `trueno-zram capture`: a process's resident anonymous pages into a pages file, for bench/estimate --input. */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import process from "node:process";
import { parseOptions, stringOption } from "./args.ts";
import { EXIT_HELP } from "./exit-codes.ts";
import { jsonNumber } from "./json.ts";
import { isZstdName } from "./pages-file.ts";
import { PAGE_SOURCE_OPTIONS, PID_HELP, readPageSource, summarizeSource } from "./page-source.ts";
import { UsageError } from "./usage-error.ts";

export const CAPTURE_HELP = `Usage: trueno-zram capture --pid PID -o FILE[.zst] [options]

Reads the resident anonymous pages of a running process (read-only) and writes them as a pages file:
whole 4096-byte pages in address order, the format 'bench --input', 'estimate --input' and 'entropy'
read. A name ending in .zst is compressed with the zstd tool (zstd -d gives the pages back).

Options:
${PID_HELP}
  -o, --output FILE     where to write; - writes the raw pages to standard output
  --json                print what was written as one JSON object
  -h, --help            print this help

${EXIT_HELP}`;

const SPEC = { ...PAGE_SOURCE_OPTIONS, output: "string", json: "boolean", help: "boolean" } as const;

function writeChunks(fd: number, chunks: readonly Uint8Array[]): void {
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
  }
}

/** Writes to FILE.partial, compresses when asked, and renames into place only when all went well. */
function writeFile(path: string, chunks: readonly Uint8Array[]): void {
  const partial = `${path}.partial`;
  try {
    const fd = openSync(partial, "w", 0o600);
    try {
      writeChunks(fd, chunks);
    } finally {
      closeSync(fd);
    }
    if (isZstdName(path)) {
      const raw = `${partial}.raw`;
      renameSync(partial, raw);
      const r = spawnSync("zstd", ["-q", "-f", "--rm", "-o", partial, "--", raw], { encoding: "utf8" });
      rmSync(raw, { force: true });
      if (r.error !== undefined || r.status !== 0) {
        throw new Error(`zstd failed to compress ${path}: ${r.error?.message ?? r.stderr.trim()}`);
      }
    }
    renameSync(partial, path);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

export function runCapture(argv: readonly string[]): number {
  const opts = parseOptions(argv, SPEC, "capture", { short: { o: "output" } });
  if (opts.has("help")) {
    process.stdout.write(CAPTURE_HELP);
    return 0;
  }
  if (opts.has("input")) throw new UsageError("capture reads a process: use --pid PID");
  const output = stringOption(opts.get("output"));
  if (output === undefined) throw new UsageError("capture needs -o FILE (or -o - for standard output)");
  if (output === "-" && opts.has("json")) {
    throw new UsageError("--json needs -o FILE: standard output carries the pages");
  }
  const set = readPageSource(opts);
  if (output === "-") {
    writeChunks(1, set.chunks);
    return 0;
  }
  writeFile(output, set.chunks);
  const summary = {
    output,
    compressed: isZstdName(output),
    fileBytes: statSync(output).size,
    source: summarizeSource(set),
  };
  process.stdout.write(
    opts.has("json")
      ? JSON.stringify(summary, jsonNumber, 2) + "\n"
      : `${summary.source.description}\nwrote ${output} (${summary.fileBytes} bytes${
        summary.compressed ? ", zstd" : ""
      })\n`,
  );
  return 0;
}
