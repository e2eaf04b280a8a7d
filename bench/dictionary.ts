/**
 * What a trained Zstandard dictionary gains on the corpus (`bun bench/dictionary.ts`), counted in bytes:
 * per corpus file, a dictionary trained on one half of its pages, and the other (held-out) half
 * compressed with Zstandard with and without it, through the compressor's own routing (same-filled
 * pages store 0 bytes, pages that do not shrink 4096). Both splits (train on the first half, test on the
 * second, and the reverse) and a dictionary trained on the other file's first half.
 *
 *   bun bench/dictionary.ts [--size BYTES] [--level N] [--speed] [--passes N] [--min-ms N]
 *     --size    dictionary size (default 65536)
 *     --level   Zstandard level (default 1)
 *     --speed   also time single-thread batch compress and decompress of each held-out half with and
 *               without the dictionary, in interleaved passes; prints dictionary / plain speed per pass
 *               (median and min..max). Run it on a quiet machine.
 */
import process from "node:process";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Algorithm, type Compressor, CompressorBuilder, trainDictionary } from "../mod.ts";
import { corpusFiles, PAGE_SIZE } from "./corpus.ts";
import { option } from "./options.ts";
import { markdownTable, withSpread } from "./report.ts";

const SIZE = option("size", 65536);
const LEVEL = option("level", 1);
const SPEED = process.argv.includes("--speed");
const PASSES = option("passes", 5);
const MIN_MS = option("min-ms", 300);

interface Half {
  train: Uint8Array;
  test: Uint8Array;
  split: string;
}

const files = corpusFiles().map((path) => ({
  name: basename(path, ".pages"),
  pages: new Uint8Array(readFileSync(path)),
}));

/** Splits at a page boundary: the first half and the rest. */
function halves(pages: Uint8Array): [Uint8Array, Uint8Array] {
  const mid = Math.floor(pages.length / PAGE_SIZE / 2) * PAGE_SIZE;
  return [pages.subarray(0, mid), pages.subarray(mid)];
}

function compressor(dictionary?: Uint8Array): Compressor {
  return new CompressorBuilder().algorithm(Algorithm.Zstd(LEVEL, { dictionary })).threads(1).build();
}

/** Bytes the pages are stored in, checked to decode back to them. */
function storedBytes(c: Compressor, pages: Uint8Array): number {
  const batch = c.compressBatch(pages);
  const back = c.decompressBatch(batch);
  if (!back.every((b, i) => b === pages[i])) throw new Error("a page did not round-trip");
  return batch.totalBytes;
}

const ratio = (pages: Uint8Array, stored: number) => pages.length / stored;
const rows: string[][] = [];
const speedRows: string[][] = [];
for (const [f, file] of files.entries()) {
  const [first, second] = halves(file.pages);
  const next = files[(f + 1) % files.length]!; // f indexes files, so files is not empty
  const other = halves(next.pages)[0];
  const cases: Half[] = [
    { train: first, test: second, split: "train 1st half, test 2nd" },
    { train: second, test: first, split: "train 2nd half, test 1st" },
  ];
  if (files.length > 1) {
    cases.push({ train: other, test: second, split: `train ${next.name} 1st half, test 2nd` });
  }
  const plain = compressor();
  for (const { train, test, split } of cases) {
    const dictionary = trainDictionary(train, { size: SIZE });
    const withDict = compressor(dictionary);
    const without = storedBytes(plain, test);
    const withBytes = storedBytes(withDict, test);
    rows.push([
      file.name,
      split,
      String(test.length / PAGE_SIZE),
      String(dictionary.length),
      String(without),
      ratio(test, without).toFixed(3),
      String(withBytes),
      ratio(test, withBytes).toFixed(3),
      `${((without / withBytes - 1) * 100).toFixed(1)}%`,
    ]);
    if (SPEED && split.startsWith("train 1st")) speedRows.push([file.name, ...speedRatios(plain, withDict, test)]);
    withDict.close();
  }
  plain.close();
}
console.log(`zstd-${LEVEL}, dictionary size ${SIZE} bytes (ZDICT_trainFromBuffer on the training half's pages)\n`);
console.log(markdownTable(
  ["file", "split", "test pages", "dict bytes", `zstd-${LEVEL} bytes`, "ratio", "with dict bytes", "ratio", "gain"],
  rows,
));

/** Median-of-iterations milliseconds of fn over at least MIN_MS. */
function timeMs(fn: () => void): number {
  const times: number[] = [];
  const end = performance.now() + MIN_MS;
  do {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  } while (performance.now() < end || times.length < 3);
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!; // at least 3 times
}

/** Per pass: dictionary time / plain time for compress and for decompress (below 1 = the dictionary is faster). */
function speedRatios(plain: Compressor, withDict: Compressor, test: Uint8Array): string[] {
  const out = new Uint8Array(test.length);
  const plainBatch = plain.compressBatch(test);
  const dictBatch = withDict.compressBatch(test);
  const compress: number[] = [];
  const decompress: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    // Alternate which side runs first, so that a change of load between the two halves of a pass cancels.
    const order = pass % 2 === 0 ? [plain, withDict] : [withDict, plain];
    const c = new Map(order.map((x) => [x, timeMs(() => x.compressBatch(test).release())]));
    const d = new Map(
      order.map((x) => [x, timeMs(() => x.decompressBatch(x === plain ? plainBatch : dictBatch, out))]),
    );
    compress.push(c.get(withDict)! / c.get(plain)!);
    decompress.push(d.get(withDict)! / d.get(plain)!);
  }
  return [withSpread(compress, 3), withSpread(decompress, 3)];
}

if (SPEED) {
  console.log(
    `time with the dictionary / time without, single thread, ${PASSES} passes, >= ${MIN_MS} ms per case and pass\n`,
  );
  console.log(markdownTable(["file", "compress time ratio", "decompress time ratio"], speedRows));
}
