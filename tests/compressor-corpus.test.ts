// Every algorithm on every real memory page of ../shared/corpus, in batch form.
import { type Algorithm, CompressorBuilder, PAGE_SIZE } from "../mod.ts";
import { DEFAULT_ALGORITHMS, EXTREME_ALGORITHMS } from "./algorithms.ts";
import { expectBatchEqualsPages } from "./compare.ts";
import { corpus, expect, test } from "./harness.ts";

/** Every `stride`-th page of `pages`, back to back. */
function sample(pages: Uint8Array, stride: number): Uint8Array {
  const count = Math.ceil(pages.length / PAGE_SIZE / stride);
  const out = new Uint8Array(count * PAGE_SIZE);
  for (let i = 0; i < count; i++) {
    out.set(pages.subarray(i * stride * PAGE_SIZE, (i * stride + 1) * PAGE_SIZE), i * PAGE_SIZE);
  }
  return out;
}

/** The slow levels run on every 16th page; one corpus pass at Zstandard-19 would take minutes. */
const EXTREME_STRIDE = 16;
/** Per-page comparison on every 4th page keeps FFI call counts moderate on both runtimes. */
const PER_PAGE_STRIDE = 4;

function roundTrip(algorithm: Algorithm, stride: number): void {
  const c = new CompressorBuilder().algorithm(algorithm).build();
  try {
    for (const file of corpus()) {
      const pages = stride === 1 ? file.pages : sample(file.pages, stride);
      const label = `${algorithm} on ${file.name}`;
      const batch = c.compressBatch(pages);
      expect(batch.count, label).toBe(pages.length / PAGE_SIZE);
      expect(c.decompressBatch(batch), label).toEqualBytes(pages);
      const perPage = sample(pages, PER_PAGE_STRIDE);
      expectBatchEqualsPages(c, perPage, c.compressBatch(perPage), label);
      for (let i = 0; i < batch.count; i += PER_PAGE_STRIDE) {
        const page = pages.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
        expect(c.decompress(batch.page(i)), `${label} page ${i}`).toEqualBytes(page);
      }
    }
  } finally {
    c.close();
  }
}

for (const algorithm of DEFAULT_ALGORITHMS) {
  test(`${algorithm}: every corpus page round-trips; batch equals per-page`, () => roundTrip(algorithm, 1));
}
for (const algorithm of EXTREME_ALGORITHMS) {
  test(`${algorithm}: every ${EXTREME_STRIDE}th corpus page round-trips`, () => roundTrip(algorithm, EXTREME_STRIDE));
}

test("the corpus compresses: LZ4 and Zstandard-1 store fewer bytes than the pages", () => {
  for (const algorithm of DEFAULT_ALGORITHMS.filter((a) => a.name === "lz4" || a.name === "zstd")) {
    const c = new CompressorBuilder().algorithm(algorithm).build();
    for (const file of corpus()) {
      expect(c.compressBatch(file.pages).ratio(), `${algorithm} ${file.name}`).toBeGreaterThan(1);
    }
    c.close();
  }
});
