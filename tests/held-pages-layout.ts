// The pages tests/fixtures/held-pages.ts holds, in order: 1000 zero pages, 1000 copies of TEXT_PAGE,
// 1000 seeded random pages.
import { seededRandom } from "../lib/cli/workload.ts";

export const PAGE = 4096;
export const ZERO_PAGES = 1000;
export const TEXT_PAGES = 1000;
export const RANDOM_PAGES = 1000;
export const HELD_PAGE_COUNT = ZERO_PAGES + TEXT_PAGES + RANDOM_PAGES;

export function textPage(): Uint8Array {
  const page = new Uint8Array(PAGE);
  const line = new TextEncoder().encode("2026-11-30 INFO cache hit key=user:42 took 3ms status=ok\n");
  for (let at = 0; at < PAGE; at++) page[at] = line[at % line.length];
  return page;
}

export function heldPages(): Uint8Array {
  const out = new Uint8Array(HELD_PAGE_COUNT * PAGE);
  const text = textPage();
  for (let i = 0; i < TEXT_PAGES; i++) out.set(text, (ZERO_PAGES + i) * PAGE);
  const next = seededRandom(0x5eed);
  const view = new DataView(out.buffer);
  for (let at = (ZERO_PAGES + TEXT_PAGES) * PAGE; at < out.length; at += 4) view.setUint32(at, next(), true);
  return out;
}
