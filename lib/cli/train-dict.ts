/**
 * `trueno-zram train-dict`: a Zstandard dictionary trained (libzstd's ZDICT_trainFromBuffer) on the pages
 * of a pages file or a live process, for Algorithm.Zstd(level, { dictionary }) and zram's
 * `algorithm_params "algo=zstd dict=PATH"`.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import process from "node:process";
import { DEFAULT_DICTIONARY_BYTES, dictionaryId, PAGE_SIZE, trainDictionary } from "../../mod.ts";
import { parseOptions, stringOption } from "./args.ts";
import { EXIT_HELP } from "./exit-codes.ts";
import { jsonNumber } from "./json.ts";
import { PAGE_SOURCE_HELP, PAGE_SOURCE_OPTIONS, type PageSet, readPageSource, summarizeSource } from "./page-source.ts";
import { UsageError } from "./usage-error.ts";

const DEFAULT_OUTPUT = "dictionary";
/** Bounds of --size: libzstd's smallest dictionary, and far more than pages can use. */
const MIN_SIZE = 256;
const MAX_SIZE = 64 * 2 ** 20;

export const TRAIN_DICT_HELP = `Usage: trueno-zram train-dict (--input FILE | --pid PID) [-o DICT] [--size 64K]

Trains a Zstandard dictionary on 4096-byte pages (each page one sample; same-filled pages, which zram
never compresses, are left out) with libzstd's trainer. Use it with Algorithm.Zstd(level, { dictionary })
or zram's algorithm_params "algo=zstd dict=DICT"; 'zstd -D DICT' reads the pages it compresses. Train on
pages like the ones it will compress: a dictionary from another program's memory can cost ratio.

Options:
${PAGE_SOURCE_HELP}
  -o, --output DICT     where to write the dictionary (default ./${DEFAULT_OUTPUT}, as zstd --train)
  --size SIZE           most bytes of the dictionary, with K or M (default 64K; ${MIN_SIZE}..64M)
  --json                print what was written as one JSON object
  -h, --help            print this help

${EXIT_HELP}`;

const SPEC = { ...PAGE_SOURCE_OPTIONS, output: "string", size: "string", json: "boolean", help: "boolean" } as const;

/** "65536", "64K", "1M" (binary units, as zstd's --maxdict) to bytes. */
export function parseDictionarySize(text: string): number {
  const m = /^([0-9]+)([KkMm]?)$/.exec(text);
  const bytes = m === null ? NaN : Number(m[1]) * (m[2] === "" ? 1 : /[Kk]/.test(m[2]!) ? 1024 : 2 ** 20);
  if (!Number.isSafeInteger(bytes) || bytes < MIN_SIZE || bytes > MAX_SIZE) {
    throw new UsageError(`--size '${text}': a number of bytes (K and M allowed) in ${MIN_SIZE}..64M`);
  }
  return bytes;
}

/** All pages of the set as one buffer (a pages file or a process read is at most 2 GiB). */
function contiguous(set: PageSet): Uint8Array {
  if (set.chunks.length === 1) return set.chunks[0]!;
  const out = new Uint8Array(set.pageCount * PAGE_SIZE);
  let at = 0;
  for (const chunk of set.chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Writes DICT.partial and renames it into place, so a failure leaves no half-written dictionary. */
function writeDictionary(path: string, dictionary: Uint8Array): void {
  if (path === "-") {
    for (let at = 0; at < dictionary.length;) at += writeSync(1, dictionary, at, dictionary.length - at);
    return;
  }
  const partial = `${path}.partial`;
  try {
    const fd = openSync(partial, "w", 0o644);
    try {
      for (let at = 0; at < dictionary.length;) at += writeSync(fd, dictionary, at, dictionary.length - at);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, path);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

export function runTrainDict(argv: readonly string[]): number {
  const opts = parseOptions(argv, SPEC, "train-dict", { short: { o: "output" } });
  if (opts.has("help")) {
    process.stdout.write(TRAIN_DICT_HELP);
    return 0;
  }
  const output = stringOption(opts.get("output")) ?? DEFAULT_OUTPUT;
  if (output === "-" && opts.has("json")) {
    throw new UsageError("--json needs -o DICT: standard output carries the dictionary");
  }
  const size = parseDictionarySize(stringOption(opts.get("size")) ?? String(DEFAULT_DICTIONARY_BYTES));
  const set = readPageSource(opts);
  const dictionary = trainDictionary(contiguous(set), { size });
  writeDictionary(output, dictionary);
  if (output === "-") return 0;
  const summary = {
    output,
    bytes: dictionary.length,
    dictionaryId: dictionaryId(dictionary),
    source: summarizeSource(set),
  };
  process.stdout.write(
    opts.has("json")
      ? JSON.stringify(summary, jsonNumber, 2) + "\n"
      : `${summary.source.description}\nwrote ${output}: ${summary.bytes} bytes, dictionary ID ${summary.dictionaryId}\n`,
  );
  return 0;
}
