/**
 * The built-in default workload: a deterministic synthetic mix of 4 KiB pages shaped like the memory of
 * an idle-to-busy process, the pages a swap device or compressed page store is handed.
 *
 * The mix (fractions of pages; the order of kinds is shuffled by the same seeded PRNG):
 *   40 %  zero pages                 (freshly mapped, freed and cleared memory)
 *   10 %  same-filled, non-zero      (0xff fills, a repeated 8-byte word: memset/poison patterns)
 *   20 %  text-like                  (log lines, JSON, identifiers from a small vocabulary)
 *   20 %  pointer-heavy structs      (64-byte records: heap pointers sharing high bits, small ints,
 *                                     flags, zero padding, the shape of object graphs and hash tables)
 *   10 %  random                     (already compressed or encrypted data, stored raw)
 * Generated with a seeded PRNG (splitmix32), so the same seed and count give the same bytes everywhere.
 */
import { PAGE_SIZE } from "../../mod.ts";

export const WORKLOAD_MIX = [
  { kind: "zero", share: 0.4 },
  { kind: "same-filled", share: 0.1 },
  { kind: "text", share: 0.2 },
  { kind: "structs", share: 0.2 },
  { kind: "random", share: 0.1 },
] as const;

export type PageKind = (typeof WORKLOAD_MIX)[number]["kind"];

export const DEFAULT_SEED = 0x7a72616d; // "zram"

/** splitmix32: a small, well-mixed 32-bit PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const WORDS = [
  "the",
  "request",
  "user",
  "id",
  "status",
  "ok",
  "error",
  "timeout",
  "session",
  "cache",
  "value",
  "key",
  "GET",
  "POST",
  "/api/v1/items",
  "200",
  "404",
  "true",
  "false",
  "null",
  "name",
  "count",
  "page",
  "swap",
  "memory",
  "compressed",
  "function",
  "return",
  "const",
  "module",
  "import",
  "export",
  "default",
  "index",
];

function fillText(page: Uint8Array, next: () => number): void {
  let pos = 0;
  let line = "";
  while (pos < page.length) {
    const style = next() % 3;
    if (style === 0) {
      line = `2025-01-${String(1 + (next() % 28)).padStart(2, "0")} INFO ${WORDS[next() % WORDS.length]} ` +
        `${WORDS[next() % WORDS.length]} took ${next() % 1000}ms\n`;
    } else if (style === 1) {
      line = `{"${WORDS[next() % WORDS.length]}":${next() % 100000},"${WORDS[next() % WORDS.length]}":"` +
        `${WORDS[next() % WORDS.length]}"}\n`;
    } else {
      line = `${WORDS[next() % WORDS.length]} ${WORDS[next() % WORDS.length]} ${WORDS[next() % WORDS.length]}. `;
    }
    for (let i = 0; i < line.length && pos < page.length; i++) page[pos++] = line.charCodeAt(i);
  }
}

function fillStructs(page: Uint8Array, next: () => number): void {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const heapBase = 0x7f3a_0000 + (next() % 16) * 0x1000;
  for (let rec = 0; rec < PAGE_SIZE; rec += 64) {
    // two pointers into the same heap region (high 32 bits shared), a length, a type tag, flags
    view.setUint32(rec, heapBase + (next() % 0x10000) * 16, true);
    view.setUint32(rec + 4, 0x0000_55d1, true);
    view.setUint32(rec + 8, heapBase + (next() % 0x10000) * 16, true);
    view.setUint32(rec + 12, 0x0000_55d1, true);
    view.setUint32(rec + 16, next() % 256, true);
    view.setUint32(rec + 24, 1 + (next() % 7), true);
    view.setUint8(rec + 32, next() % 2);
    // bytes 36..63 stay zero: padding and unused fields
  }
}

function fillSame(page: Uint8Array, next: () => number): void {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const lo = next() % 4 === 0 ? 0xffffffff : next();
  const hi = next() % 4 === 0 ? 0xffffffff : next();
  for (let i = 0; i < PAGE_SIZE; i += 8) {
    view.setUint32(i, lo, true);
    view.setUint32(i + 4, hi, true);
  }
}

function fillRandom(page: Uint8Array, next: () => number): void {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  for (let i = 0; i < PAGE_SIZE; i += 4) view.setUint32(i, next(), true);
}

function pickKind(r: number): PageKind {
  let acc = 0;
  const x = r / 0x1_0000_0000;
  let last: PageKind = WORKLOAD_MIX[0].kind;
  for (const { kind, share } of WORKLOAD_MIX) {
    acc += share;
    if (x < acc) return kind;
    last = kind;
  }
  // Rounding can leave x just above the shares' sum: the last kind takes it.
  return last;
}

/** `pages` pages of the default mix (a multiple of PAGE_SIZE bytes), the same for the same seed. */
export function syntheticWorkload(pages: number, seed = DEFAULT_SEED): Uint8Array {
  const out = new Uint8Array(pages * PAGE_SIZE);
  const next = seededRandom(seed);
  for (let i = 0; i < pages; i++) {
    const page = out.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    switch (pickKind(next())) {
      case "zero":
        break;
      case "same-filled":
        fillSame(page, next);
        break;
      case "text":
        fillText(page, next);
        break;
      case "structs":
        fillStructs(page, next);
        break;
      case "random":
        fillRandom(page, next);
        break;
    }
  }
  return out;
}
