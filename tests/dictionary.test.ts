// Zstandard dictionaries through the library: training, compressors that use one both ways, the typed
// refusal to read a dictionary page without its dictionary, and the zstd tool reading and writing such pages.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import {
  Algorithm,
  CompressedPage,
  type Compressor,
  CompressorBuilder,
  dictionaryId,
  PAGE_SIZE,
  trainDictionary,
} from "../mod.ts";
import { corpusFile, expect, nth, test } from "./harness.ts";

/** Pages trained on (the start of a corpus file) and held-out pages (from its middle on). */
const TRAIN_PAGES = 1500;
const TEST_PAGES = 1000;

function trainingPages(file: number): Uint8Array {
  return corpusFile(file).pages.subarray(0, TRAIN_PAGES * PAGE_SIZE);
}

function heldOutPages(file: number): Uint8Array {
  const pages = corpusFile(file).pages;
  const mid = Math.floor(pages.length / PAGE_SIZE / 2) * PAGE_SIZE;
  return pages.subarray(mid, mid + TEST_PAGES * PAGE_SIZE);
}

const dictionaries = new Map<number, Uint8Array>();
function dictionaryOf(file: number): Uint8Array {
  let d = dictionaries.get(file);
  if (d === undefined) {
    d = trainDictionary(trainingPages(file), { size: 32 * 1024 });
    dictionaries.set(file, d);
  }
  return d;
}

function zstd(dictionary?: Uint8Array, level = 1): Compressor {
  return new CompressorBuilder().algorithm(Algorithm.Zstd(level, { dictionary })).threads(2).build();
}

test("trainDictionary: a zstd-format dictionary within the size asked, the same bytes every time", () => {
  const d = dictionaryOf(0);
  expect(d.length).toBeGreaterThan(256);
  expect(d.length).toBeLessThanOrEqual(32 * 1024);
  expect(dictionaryId(d)).toBeGreaterThan(0);
  expect(trainDictionary(trainingPages(0), { size: 32 * 1024 })).toEqualBytes(d);
  const small = trainDictionary(trainingPages(0), { size: 1024 });
  expect(small.length).toBeLessThanOrEqual(1024);
  expect(dictionaryId(small)).toBeGreaterThan(0);
});

test("trainDictionary: bad input is InvalidInput", () => {
  const pages = trainingPages(0);
  expect(() => trainDictionary(pages, { size: 255 })).toThrow("InvalidInput");
  expect(() => trainDictionary(pages, { size: 1000.5 })).toThrow("InvalidInput");
  expect(() => trainDictionary(pages.subarray(0, 100))).toThrow("InvalidInput");
  expect(() => trainDictionary(new Uint8Array(0))).toThrow("InvalidInput");
  expect(() => trainDictionary("pages" as unknown as Uint8Array)).toThrow("InvalidInput");
  // Same-filled pages only: nothing a Zstandard stream would see. One page: too few samples.
  expect(() => trainDictionary(new Uint8Array(64 * PAGE_SIZE))).toThrow("InvalidInput");
  expect(() => trainDictionary(pages.subarray(0, PAGE_SIZE))).toThrow("InvalidInput");
});

test("dictionary pages round-trip single, batch and async, carry the dictionary and store held-out pages smaller", async () => {
  for (const file of [0, 1]) {
    const d = dictionaryOf(file);
    const pages = heldOutPages(file);
    const withDict = zstd(d);
    const plain = zstd();
    const batch = withDict.compressBatch(pages);
    expect(withDict.decompressBatch(batch)).toEqualBytes(pages);
    expect(await withDict.decompressBatchAsync(await withDict.compressBatchAsync(pages))).toEqualBytes(pages);
    const one = withDict.compress(pages.subarray(0, PAGE_SIZE));
    expect(one.kind).toBe("zstd");
    expect(one.algorithm.dictionaryId).toBe(dictionaryId(d));
    expect(withDict.decompress(one)).toEqualBytes(pages.subarray(0, PAGE_SIZE));
    const without = plain.compressBatch(pages).totalBytes;
    expect(batch.totalBytes, `file ${file}`).toBeLessThan(without);
    withDict.close();
    plain.close();
  }
});

test("a dictionary page without its dictionary, or with another, is DictionaryMismatch and changes nothing", () => {
  const pages = heldOutPages(0);
  const withDict = zstd(dictionaryOf(0));
  const plain = zstd();
  const other = zstd(dictionaryOf(1), 3);
  const page = withDict.compress(pages.subarray(0, PAGE_SIZE));
  const out = new Uint8Array(PAGE_SIZE).fill(0xee);
  for (const c of [plain, other]) {
    expect(() => c.decompressInto(page, out)).toThrow("DictionaryMismatch");
    expect(out.every((b) => b === 0xee)).toBeTrue();
    expect(() => c.decompressBatch(withDict.compressBatch(pages.subarray(0, 8 * PAGE_SIZE)))).toThrow(
      "DictionaryMismatch",
    );
  }
  let message = "";
  try {
    plain.decompress(page);
  } catch (e) {
    message = String(e);
  }
  expect(message.includes("names a dictionary"), message).toBeTrue();
  // Pages without a dictionary ID decode with a dictionary compressor: they never refer to it.
  expect(withDict.decompressBatch(plain.compressBatch(pages))).toEqualBytes(pages);
  for (const c of [withDict, plain, other]) c.close();
});

test("Algorithm.Zstd with a dictionary: checks, its own copy, equality and name", () => {
  const d = dictionaryOf(0);
  expect(() => Algorithm.Zstd(1, { dictionary: "x" as unknown as Uint8Array })).toThrow("InvalidInput");
  // Raw content has no ID: refused.
  expect(() => Algorithm.Zstd(1, { dictionary: trainingPages(0).slice(0, 4096) })).toThrow("InvalidInput");
  expect(() => Algorithm.Zstd(1, { dictionary: d.slice(0, 7) })).toThrow("InvalidInput");
  expect(() => Algorithm.Zstd(20, { dictionary: d })).toThrow("InvalidInput");
  // Magic and ID intact, entropy tables broken: refused when the compressor is built.
  const broken = d.slice();
  broken.fill(0xff, 8, 72);
  const algorithm = Algorithm.Zstd(1, { dictionary: broken });
  expect(() => new CompressorBuilder().algorithm(algorithm).build()).toThrow("InvalidInput");

  const mine = d.slice();
  const a = Algorithm.Zstd(3, { dictionary: mine });
  mine.fill(0); // the algorithm copied the bytes
  expect(a.dictionary).toEqualBytes(d);
  a.dictionary!.fill(0); // and hands out copies
  expect(a.dictionary).toEqualBytes(d);
  expect(a.dictionaryId).toBe(dictionaryId(d));
  expect(a.equals(Algorithm.Zstd(3, { dictionary: d }))).toBeTrue();
  expect(a.equals(Algorithm.Zstd(3))).toBeFalse();
  expect(a.equals(Algorithm.Zstd(3, { dictionary: dictionaryOf(1) }))).toBeFalse();
  expect(a.toString()).toBe(`zstd(3, dictionary ${dictionaryId(d)})`);
  expect(Algorithm.Zstd(3).dictionary).toBe(undefined);
  expect(Algorithm.Zstd(3).dictionaryId).toBe(0);
  const c = new CompressorBuilder().algorithm(a).build();
  const page = heldOutPages(0).subarray(0, PAGE_SIZE);
  expect(c.decompress(c.compress(page))).toEqualBytes(page);
  c.close();
});

/** Runs `command` (a shell line with $DIR holding the files) and returns the file $DIR/out. */
function inDir(files: Record<string, Uint8Array>, command: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "trueno-dict-"));
  try {
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    execFileSync("sh", ["-c", command], { env: { ...process.env, DIR: dir } });
    return new Uint8Array(readFileSync(join(dir, "out")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("zstd -D reads our dictionary pages, and we read the tool's frames made with the dictionary", () => {
  const d = dictionaryOf(1);
  const pages = heldOutPages(1).subarray(0, 64 * PAGE_SIZE);
  const c = zstd(d);
  const batch = c.compressBatch(pages);
  const frames: Uint8Array[] = [];
  const originals: Uint8Array[] = [];
  for (let i = 0; i < batch.count; i++) {
    if (batch.page(i).kind !== "zstd") continue;
    frames.push(batch.page(i).data);
    originals.push(pages.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
  }
  expect(frames.length).toBeGreaterThan(32);
  const joined = (parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  };
  const decoded = inDir({ frames: joined(frames), dict: d }, 'zstd -q -d -D "$DIR/dict" "$DIR/frames" -o "$DIR/out"');
  expect(decoded).toEqualBytes(joined(originals));
  // Without the dictionary the tool refuses them too.
  const first = nth(frames, 0, "frame");
  expect(() => inDir({ frames: first }, 'zstd -q -d "$DIR/frames" -o "$DIR/out" 2>/dev/null')).toThrow();
  // The tool's frames (content size and checksum written) with the dictionary decode as our pages.
  for (const page of originals.slice(0, 8)) {
    const frame = inDir({ page, dict: d }, 'zstd -q -1 -D "$DIR/dict" "$DIR/page" -o "$DIR/out"');
    expect(c.decompress(new CompressedPage(frame, "zstd"))).toEqualBytes(page);
  }
  c.close();
});

test("a dictionary from zstd --train works as Algorithm.Zstd's dictionary", () => {
  const samples = trainingPages(0).subarray(0, 400 * PAGE_SIZE);
  // -B4096 cuts the file into page-sized samples.
  const d = inDir({ samples }, 'zstd -q --train -B4096 --maxdict=16384 "$DIR/samples" -o "$DIR/out"');
  expect(dictionaryId(d)).toBeGreaterThan(0);
  const c = zstd(d);
  const pages = heldOutPages(0).subarray(0, 64 * PAGE_SIZE);
  expect(c.decompressBatch(c.compressBatch(pages))).toEqualBytes(pages);
  c.close();
});
