// The writeback attributes of a zram device built with CONFIG_ZRAM_WRITEBACK: backing_dev, writeback,
// writeback_limit, writeback_limit_enable, bd_stat. Text and errno come from reading drivers/block/zram/
// zram_drv.c (backing_dev_store/show, writeback_store and its parse_mode/parse_page_index(es),
// writeback_limit(_enable)_store/show, bd_stat_show), not from the live device: this machine's kernel is
// built without it. One deliberate difference: a regular file is taken (the kernel: ENOTBLK).
import { closeSync, ftruncateSync, mkdtempSync, openSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PAGE_SIZE } from "../mod.ts";
import { parseStatFields } from "../lib/sysfs/format.ts";
import { SysfsInterface } from "../lib/sysfs/mod.ts";
import { expect, nth, test } from "./harness.ts";
import { errnoOf } from "./sysfs_errno.ts";
import { expectPagesReadBack, writeCorpusPages } from "./sysfs_pages.ts";

const PAGES = 256;

function withBackingFile(blocks: number, run: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "trueno-sysfs-wb-"));
  const path = join(dir, "backing");
  const fd = openSync(path, "w");
  ftruncateSync(fd, blocks * PAGE_SIZE);
  closeSync(fd);
  try {
    run(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writebackKernel(): SysfsInterface {
  return new SysfsInterface({ threads: 1, features: { writeback: true } });
}

test("without CONFIG_ZRAM_WRITEBACK (this machine's build) the files do not exist", () => {
  const sys = new SysfsInterface({ threads: 1 });
  for (const name of ["backing_dev", "writeback_limit", "writeback_limit_enable", "bd_stat"]) {
    expect(errnoOf(() => sys.readAttr(name)), name).toBe("ENOENT");
  }
  expect(errnoOf(() => sys.writeAttr("writeback", "idle"))).toBe("ENOENT");
});

test("backing_dev: none, a path (newline stripped, shown canonical), the system's errno, EBUSY once initialised", () => {
  withBackingFile(PAGES, (path) => {
    const sys = writebackKernel();
    expect(sys.readAttr("backing_dev")).toBe("none\n");
    expect(sys.readAttr("bd_stat")).toBe("       0        0        0\n");
    expect(errnoOf(() => sys.writeAttr("backing_dev", "/nonexistent/file\n"))).toBe("ENOENT");
    expect(errnoOf(() => sys.writeAttr("backing_dev", tmpdir()))).toBe("EISDIR");
    expect(errnoOf(() => sys.writeAttr("backing_dev", "/dev/null"))).toBe("ENOTBLK");
    expect(errnoOf(() => sys.writeAttr("backing_dev", `/tmp/${"é".repeat(2100)}`))).toBe("ENAMETOOLONG");
    expect(sys.readAttr("backing_dev")).toBe("none\n");
    sys.writeAttr("backing_dev", `${path}\n`);
    expect(sys.readAttr("backing_dev")).toBe(`${realpathSync(path)}\n`);
    sys.writeAttr("disksize", "1M");
    expect(errnoOf(() => sys.writeAttr("backing_dev", path))).toBe("EBUSY");
    sys.writeAttr("reset", "1");
    expect(sys.readAttr("backing_dev")).toBe("none\n");
  });
});

test("writeback: idle and huge pages to the file, mm_stat and bd_stat move, pages read back", () => {
  withBackingFile(PAGES + 1, (path) => {
    const sys = writebackKernel();
    expect(errnoOf(() => sys.writeAttr("writeback", "idle"))).toBe("EINVAL"); // not initialised
    sys.writeAttr("disksize", "1M");
    expect(errnoOf(() => sys.writeAttr("writeback", "idle"))).toBe("ENODEV"); // no backing device
    sys.writeAttr("reset", "1");
    sys.writeAttr("backing_dev", path);
    sys.writeAttr("disksize", "1M");
    const pages = writeCorpusPages(sys, 0, PAGES);
    const mm = parseStatFields(sys.readAttr("mm_stat"));
    const orig = nth(mm, 0, "mm_stat field");
    const compr = nth(mm, 1, "mm_stat field");
    const same = nth(mm, 5, "mm_stat field");
    sys.writeAttr("writeback", "idle"); // nothing idle yet
    expect(sys.readAttr("bd_stat")).toBe("       0        0        0\n");
    sys.writeAttr("idle", "all");
    sys.writeAttr("writeback", "type=idle");
    const stored = orig / PAGE_SIZE - same;
    expect(parseStatFields(sys.readAttr("bd_stat"))).toEqual([stored, 0, stored]);
    const [origAfter, comprAfter, memAfter] = parseStatFields(sys.readAttr("mm_stat"));
    expect([origAfter, comprAfter, memAfter]).toEqual([orig, 0, 0]);
    expect(compr).toBeGreaterThan(0);
    expectPagesReadBack(sys, pages);
    expect(parseStatFields(sys.readAttr("bd_stat"))).toEqual([stored, stored, stored]);
    // An overwrite brings a page back into memory and frees its block.
    sys.writePage(3, pages.subarray(3 * PAGE_SIZE, 4 * PAGE_SIZE));
    expect(parseStatFields(sys.readAttr("bd_stat"))[0]).toBe(stored - 1);
    expectPagesReadBack(sys, pages);
  });
});

test("writeback: page_index(es), the limit, a full device and bad arguments, as zram answers them", () => {
  withBackingFile(6, (path) => {
    const sys = writebackKernel();
    sys.writeAttr("backing_dev", path);
    sys.writeAttr("writeback_limit", "2");
    expect(sys.readAttr("writeback_limit")).toBe("2\n");
    expect(sys.readAttr("writeback_limit_enable")).toBe("0\n");
    sys.writeAttr("writeback_limit_enable", "7");
    expect(sys.readAttr("writeback_limit_enable")).toBe("1\n");
    sys.writeAttr("disksize", "1M");
    const pages = writeCorpusPages(sys, 0, PAGES);
    // Two pages, then the limit: EIO (the two stay written back), and the limit shows 0.
    expect(errnoOf(() => sys.writeAttr("writeback", "page_indexes=10-19"))).toBe("EIO");
    expect(sys.readAttr("writeback_limit")).toBe("0\n");
    expect(parseStatFields(sys.readAttr("bd_stat"))[2]).toBe(2);
    sys.writeAttr("writeback_limit_enable", "0");
    sys.writeAttr("writeback", "page_index=30 page_index=31");
    expect(parseStatFields(sys.readAttr("bd_stat"))[0]).toBe(4);
    // One block left (block 0 is never used): the second page finds the file full.
    expect(errnoOf(() => sys.writeAttr("writeback", "page_indexes=40-45"))).toBe("ENOSPC");
    expect(parseStatFields(sys.readAttr("bd_stat"))[0]).toBe(5);
    expectPagesReadBack(sys, pages);
    for (
      const [value, errno] of [
        ["cold", "EINVAL"],
        ["type=cold", "EINVAL"],
        ["page_index", "EINVAL"],
        [`page_index=${PAGES}`, "ERANGE"],
        ["page_index=x", "EINVAL"],
        ["page_indexes=5", "EINVAL"],
        ["page_indexes=9-8", "ERANGE"],
        [`page_indexes=1-${PAGES}`, "ERANGE"],
        ["writeback_limit", "EINVAL"], // a bare word is a mode
      ] as const
    ) {
      expect(errnoOf(() => sys.writeAttr("writeback", value)), value).toBe(errno);
    }
    expect(errnoOf(() => sys.writeAttr("writeback_limit", "-1"))).toBe("EINVAL");
    expect(errnoOf(() => sys.writeAttr("writeback_limit_enable", "on"))).toBe("EINVAL");
    // writeback_limit survives a reset, as zram keeps it.
    sys.writeAttr("writeback_limit", "18446744073709551615");
    sys.writeAttr("reset", "1");
    expect(sys.readAttr("writeback_limit")).toBe("18446744073709551615\n");
  });
});
