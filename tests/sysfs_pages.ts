// Corpus pages written to an emulated zram device page by page, and checked back the same way.
import { PAGE_SIZE } from "../mod.ts";
import type { SysfsInterface } from "../lib/sysfs/mod.ts";
import { corpusFile, expect } from "./harness.ts";

/** Writes the first `count` pages of corpus file `file` to pages 0..count-1; returns them. */
export function writeCorpusPages(sys: SysfsInterface, file: number, count: number): Uint8Array {
  const pages = corpusFile(file).pages.subarray(0, count * PAGE_SIZE);
  for (let i = 0; i < count; i++) sys.writePage(i, pages.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
  return pages;
}

/** Every page of `pages` reads back from the device, page by page. */
export function expectPagesReadBack(sys: SysfsInterface, pages: Uint8Array): void {
  const out = new Uint8Array(PAGE_SIZE);
  for (let i = 0; i < pages.length / PAGE_SIZE; i++) {
    sys.readPage(i, out);
    expect(out, `page ${i}`).toEqualBytes(pages.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
  }
}
