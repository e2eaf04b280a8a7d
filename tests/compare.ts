// Checks shared by the round-trip tests.
import { type CompressedBatch, type CompressedPage, type Compressor, PAGE_SIZE } from "../mod.ts";
import { expect } from "./harness.ts";

/** Batch result i equals the per-page result of the same page, field by field. */
export function expectSamePage(fromBatch: CompressedPage, single: CompressedPage, context: string): void {
  expect(fromBatch.kind, context).toBe(single.kind);
  expect(fromBatch.pattern, context).toBe(single.pattern);
  expect(fromBatch.data, context).toEqualBytes(single.data);
}

/** Every page of `batch` equals compressing that page of `pages` alone. */
export function expectBatchEqualsPages(c: Compressor, pages: Uint8Array, batch: CompressedBatch, label: string) {
  let total = 0;
  for (let i = 0; i < batch.count; i++) {
    const single = c.compress(pages.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
    expectSamePage(batch.page(i), single, `${label} page ${i}`);
    total += single.data.length;
  }
  expect(batch.totalBytes, label).toBe(total);
}

/** The kernel rule's pattern of a page whose 512 words are equal: its first word, little-endian. */
export function firstWord(page: Uint8Array): bigint {
  return new DataView(page.buffer, page.byteOffset, 8).getBigUint64(0, true);
}
