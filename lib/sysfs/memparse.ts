// memparse (lib/cmdline.c): a number in any base with one optional K/M/G/T/P/E suffix; the rest of
// the string is ignored. Values wrap modulo 2^64 as the kernel's u64 arithmetic does.
import { simpleStrtoull } from "./kstrto.ts";

const U64_MASK = (1n << 64n) - 1n;
const SUFFIX_SHIFT: Record<string, bigint> = { k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n };

export interface MemparseResult {
  /** The value in bytes (u64). */
  value: bigint;
  /** Characters consumed: 0 means nothing was parsed (the kernel's `buf == end` test). */
  consumed: number;
}

export function memparse(s: string): MemparseResult {
  const { value, end } = simpleStrtoull(s, 0);
  const shift = end < s.length ? SUFFIX_SHIFT[s[end]!.toLowerCase()] : undefined;
  if (shift === undefined) return { value, consumed: end };
  return { value: (value << shift) & U64_MASK, consumed: end + 1 };
}

/** PAGE_ALIGN on a u64: rounds up to 4096, wrapping to 0 at the top like the kernel. */
export function pageAlignU64(bytes: bigint): bigint {
  return ((bytes + 4095n) & U64_MASK) & ~4095n;
}
