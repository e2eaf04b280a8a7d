// Page helpers against plain-JS reference computations.
import {
  bestBackend,
  byteHistogram,
  CompactSameFill,
  detectSameFill,
  isZeroPage,
  PAGE_SIZE,
  sameFillWord,
  shannonEntropy,
  simdFeatures,
} from "../mod.ts";
import { firstWord } from "./compare.ts";
import { corpus, expect, nth, test } from "./harness.ts";
import { edgePages, randomBytes, repeated, SAME_WORD_PATTERNS } from "./pages.ts";

function referenceHistogram(data: Uint8Array): Uint32Array {
  const counts = new Uint32Array(256);
  for (const b of data) counts[b]! += 1; // a byte indexes 256 counts
  return counts;
}

function referenceEntropy(data: Uint8Array): number {
  let bits = 0;
  for (const count of referenceHistogram(data)) {
    if (count === 0) continue;
    const p = count / data.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function referenceWord(page: Uint8Array): bigint | null {
  const words = new BigUint64Array(page.slice().buffer);
  const first = nth(words, 0, "word");
  return words.every((w) => w === first) ? first : null;
}

/** Real pages too: every 50th corpus page. */
function someCorpusPages(): Uint8Array[] {
  const pages: Uint8Array[] = [];
  for (const file of corpus()) {
    for (let off = 0; off < file.pages.length; off += 50 * PAGE_SIZE) {
      pages.push(file.pages.subarray(off, off + PAGE_SIZE));
    }
  }
  return pages;
}

test("detectSameFill finds the byte of byte-filled pages only", () => {
  for (const { name, page } of edgePages()) {
    const expected = page.every((b) => b === page[0]) ? page[0] : null;
    expect(detectSameFill(page), name).toBe(expected);
  }
});

test("sameFillWord follows the kernel's 64-bit word rule", () => {
  for (const { name, page } of edgePages()) expect(sameFillWord(page), name).toBe(referenceWord(page));
  for (const pattern of SAME_WORD_PATTERNS) {
    const page = repeated(pattern);
    expect(sameFillWord(page)).toBe(firstWord(page));
    expect(detectSameFill(page)).toBeNull();
  }
  expect(sameFillWord(new Uint8Array(PAGE_SIZE).fill(0xff))).toBe(0xffffffffffffffffn);
  for (const page of someCorpusPages()) expect(sameFillWord(page)).toBe(referenceWord(page));
});

test("isZeroPage is true for zero pages only", () => {
  for (const { name, page } of edgePages()) expect(isZeroPage(page), name).toBe(page.every((b) => b === 0));
});

test("byteHistogram counts every byte value, at any length", () => {
  for (const { name, page } of edgePages()) expect(byteHistogram(page), name).toEqual(referenceHistogram(page));
  for (const length of [0, 1, 7, 63, 4097, 100_001]) {
    const data = randomBytes(length, length + 1);
    expect(byteHistogram(data), `length ${length}`).toEqual(referenceHistogram(data));
  }
  for (const page of someCorpusPages()) expect(byteHistogram(page)).toEqual(referenceHistogram(page));
});

test("shannonEntropy matches the formula: 0 for a fill, 8 for all byte values equally often", () => {
  expect(shannonEntropy(new Uint8Array(PAGE_SIZE))).toBe(0);
  expect(shannonEntropy(repeated(Array.from({ length: 256 }, (_, i) => i)))).toBeCloseTo(8, 1e-9);
  expect(shannonEntropy(new Uint8Array(0))).toBe(0);
  for (const { name, page } of edgePages()) {
    expect(shannonEntropy(page), name).toBeCloseTo(referenceEntropy(page), 1e-6);
  }
  for (const page of someCorpusPages()) expect(shannonEntropy(page)).toBeCloseTo(referenceEntropy(page), 1e-6);
  const odd = randomBytes(12345, 3);
  expect(shannonEntropy(odd)).toBeCloseTo(referenceEntropy(odd), 1e-6);
});

test("CompactSameFill keeps a byte-filled page in 2 bytes", () => {
  for (const value of [0, 1, 0x7f, 0xff]) {
    const compact = new CompactSameFill(value);
    const bytes = compact.toBytes();
    expect(bytes).toEqual(Uint8Array.of(1, value));
    const restored = CompactSameFill.fromBytes(bytes);
    expect(restored.fillValue()).toBe(value);
    expect(restored.expand()).toEqualBytes(new Uint8Array(PAGE_SIZE).fill(value));
  }
  for (const bad of [-1, 256, 1.5, Number.NaN]) {
    expect(() => new CompactSameFill(bad), String(bad)).toThrow("InvalidInput");
  }
  for (const bytes of [Uint8Array.of(0, 5), Uint8Array.of(1), Uint8Array.of(1, 2, 3)]) {
    expect(() => CompactSameFill.fromBytes(bytes), String(bytes)).toThrow("CorruptedData");
  }
});

test("simdFeatures agrees with the backend the library picked", () => {
  const f = simdFeatures();
  for (const key of ["avx512", "avx2", "sse42", "neon"] as const) expect(typeof f[key], key).toBe("boolean");
  const best = bestBackend();
  if (best === "avx512") expect(f.avx512).toBeTrue();
  if (best === "avx2") expect(f.avx2 && !f.avx512).toBeTrue();
  if (best === "neon") expect(f.neon).toBeTrue();
  if (best === "scalar") expect(f.avx2 || f.neon).toBeFalse();
});

test("helpers reject bad input with InvalidInput", () => {
  for (const bad of [new Uint8Array(PAGE_SIZE - 1), new Uint32Array(1024), "x", null] as unknown[]) {
    expect(() => detectSameFill(bad as Uint8Array), String(bad)).toThrow("InvalidInput");
    expect(() => sameFillWord(bad as Uint8Array), String(bad)).toThrow("InvalidInput");
    expect(() => isZeroPage(bad as Uint8Array), String(bad)).toThrow("InvalidInput");
  }
  for (const bad of [new Uint16Array(4), [1, 2], "x", undefined] as unknown[]) {
    expect(() => shannonEntropy(bad as Uint8Array), String(bad)).toThrow("InvalidInput");
    expect(() => byteHistogram(bad as Uint8Array), String(bad)).toThrow("InvalidInput");
  }
});
