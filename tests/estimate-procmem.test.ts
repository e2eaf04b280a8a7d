// lib/procmem: parsing /proc/PID/maps and pagemap entries, and reading a child's pages with and without
// pagemap.
import { holdsAnonymousPages, parseMaps } from "../lib/procmem/maps.ts";
import { PAGEMAP_FILE_OR_SHARED, PAGEMAP_PRESENT, PAGEMAP_SWAPPED, pageState } from "../lib/procmem/pagemap.ts";
import { ProcessMemory } from "../lib/procmem/process.ts";
import { expect, nth, runtime, test } from "./harness.ts";
import { startHeldPages } from "./cli-helpers.ts";
import { HELD_PAGE_COUNT, heldPages } from "./held-pages-layout.ts";

const MAPS = `55d1c0a00000-55d1c0a21000 rw-p 00000000 00:00 0                          [heap]
7f3a10000000-7f3a10021000 rw-p 00000000 00:00 0 
7f3a12000000-7f3a12004000 r-xp 00000000 fe:00 1234                       /usr/lib/libc.so.6
7f3a12004000-7f3a12006000 rw-p 00004000 fe:00 1234                       /usr/lib/libc.so.6
7f3a13000000-7f3a13002000 rw-s 00000000 00:01 99                         /dev/zero (deleted)
7f3a14000000-7f3a14001000 ---p 00000000 00:00 0 
7ffd5a000000-7ffd5a021000 rw-p 00000000 00:00 0                          [stack]
7ffd5a1f0000-7ffd5a1f4000 r--p 00000000 00:00 0                          [vvar]
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
`;

test("procmem: maps lines parse; only private writable mappings hold anonymous pages", () => {
  const maps = parseMaps(MAPS);
  expect(maps.length).toBe(9);
  expect(maps[0]).toEqual({ start: 0x55d1c0a00000, end: 0x55d1c0a21000, perms: "rw-p", path: "[heap]" });
  expect(nth(maps, 1, "mapping").path).toBe("");
  expect(nth(maps, 4, "mapping").path).toBe("/dev/zero (deleted)");
  expect(maps.filter(holdsAnonymousPages).map((m) => m.path)).toEqual(["[heap]", "", "/usr/lib/libc.so.6", "[stack]"]);
});

test("procmem: pagemap flags give each page's state", () => {
  expect(pageState(0n)).toBe("absent");
  expect(pageState(PAGEMAP_PRESENT | 0x1234n)).toBe("anonymous");
  expect(pageState(PAGEMAP_PRESENT | PAGEMAP_FILE_OR_SHARED)).toBe("file");
  expect(pageState(PAGEMAP_SWAPPED | 0x55n)).toBe("swapped");
});

test(`procmem (${runtime}): a child's pages read the same with and without pagemap; maxPages stops the read`, async () => {
  const child = await startHeldPages();
  try {
    const [start = NaN, end = NaN] = child.range.split("-").map((h) => parseInt(h, 16));
    for (const usePagemap of [true, false]) {
      const memory = new ProcessMemory(child.pid, usePagemap);
      try {
        const pages = memory.read({ range: { start, end } });
        expect(pages.residency).toBe(usePagemap ? "pagemap" : "every-mapped-page");
        expect(pages.pageCount).toBe(HELD_PAGE_COUNT);
        expect(pages.chunks.length).toBe(1);
        expect(pages.chunks[0]).toEqualBytes(heldPages());
        const first = memory.read({ range: { start, end }, maxPages: 10 });
        expect([first.pageCount, first.truncated]).toEqual([10, true]);
        expect(first.chunks[0]).toEqualBytes(heldPages().subarray(0, 10 * 4096));
      } finally {
        memory.close();
      }
    }
    // The whole process: at least the held pages, in chunks of at most 4096 pages.
    const memory = new ProcessMemory(child.pid);
    try {
      const all = memory.read();
      expect(all.pageCount).toBeGreaterThan(HELD_PAGE_COUNT);
      expect(all.chunks.every((c) => c.length > 0 && c.length <= 4096 * 4096 && c.length % 4096 === 0)).toBeTrue();
      expect(all.chunks.reduce((n, c) => n + c.length / 4096, 0)).toBe(all.pageCount);
      expect(all.truncated).toBeFalse();
    } finally {
      memory.close();
    }
  } finally {
    await child.stop();
  }
});
