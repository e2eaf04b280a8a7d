// Synthetic edge pages beside the corpus: every shape the page routing distinguishes.
import { PAGE_SIZE } from "../mod.ts";

export interface NamedPage {
  name: string;
  page: Uint8Array;
}

/** A deterministic xorshift32 stream, so that failures reproduce. */
export function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function repeated(pattern: number[]): Uint8Array {
  const page = new Uint8Array(PAGE_SIZE);
  for (let i = 0; i < PAGE_SIZE; i++) page[i] = pattern[i % pattern.length]!;
  return page;
}

function withByte(base: number, at: number, value: number): Uint8Array {
  const page = new Uint8Array(PAGE_SIZE).fill(base);
  page[at] = value;
  return page;
}

const TEXT = "The quick brown fox jumps over the lazy dog; zram keeps 4 KiB pages compressed in RAM. ";

export function textPage(): Uint8Array {
  const page = new Uint8Array(PAGE_SIZE);
  const bytes = new TextEncoder().encode(TEXT.repeat(Math.ceil(PAGE_SIZE / TEXT.length)));
  page.set(bytes.subarray(0, PAGE_SIZE));
  return page;
}

/** Pages filled with one byte, for every byte value. */
export function byteFilledPages(): NamedPage[] {
  return Array.from({ length: 256 }, (_, v) => ({ name: `fill-${v}`, page: new Uint8Array(PAGE_SIZE).fill(v) }));
}

/** Same-filled by the kernel's 64-bit word rule, but not by byte. */
export const SAME_WORD_PATTERNS: number[][] = [
  [0x12, 0x34],
  [0xde, 0xad, 0xbe, 0xef],
  [1, 2, 3, 4, 5, 6, 7, 8],
];

/** Repeating patterns that are not same-filled by either rule. */
export const NOT_SAME_PATTERNS: number[][] = [
  [0xaa, 0xbb, 0xcc],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
];

export function edgePages(): NamedPage[] {
  return [
    ...byteFilledPages(),
    ...SAME_WORD_PATTERNS.map((p) => ({ name: `same-${p.length}-byte-pattern`, page: repeated(p) })),
    ...NOT_SAME_PATTERNS.map((p) => ({ name: `${p.length}-byte-pattern`, page: repeated(p) })),
    { name: "zeros-one-byte-first", page: withByte(0, 0, 1) },
    { name: "zeros-one-byte-middle", page: withByte(0, PAGE_SIZE / 2, 1) },
    { name: "zeros-one-byte-last", page: withByte(0, PAGE_SIZE - 1, 1) },
    { name: "ff-one-byte-last", page: withByte(0xff, PAGE_SIZE - 1, 0) },
    { name: "random", page: randomBytes(PAGE_SIZE, 0x9e3779b9) },
    { name: "random-2", page: randomBytes(PAGE_SIZE, 12345) },
    { name: "text", page: textPage() },
  ];
}

/** All pages of `named`, back to back. */
export function concatPages(named: NamedPage[]): Uint8Array {
  const out = new Uint8Array(named.length * PAGE_SIZE);
  named.forEach((p, i) => out.set(p.page, i * PAGE_SIZE));
  return out;
}
