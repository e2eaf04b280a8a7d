// The post-processing attributes of a zram device built with CONFIG_ZRAM_TRACK_ENTRY_ACTIME and
// CONFIG_ZRAM_MULTI_COMP: idle N, recomp_algorithm, recompress, algorithm_params for secondary
// priorities. Text and errno come from reading drivers/block/zram/zram_drv.c (idle_store,
// recomp_algorithm_store/show, recompress_store, algorithm_params_store), not from the live device: this
// machine's kernel is built without both options (there, as by default here, idle takes only "all").
import { expect, nth, test } from "./harness.ts";
import { errnoOf } from "./sysfs_errno.ts";
import { expectPagesReadBack, writeCorpusPages } from "./sysfs_pages.ts";
import { SysfsInterface } from "../lib/sysfs/mod.ts";
import { parseStatFields } from "../lib/sysfs/format.ts";
import { PAGE_SIZE } from "../mod.ts";

const PAGES = 1024;

function fullKernel(clock?: () => number): SysfsInterface {
  return new SysfsInterface({ threads: 1, features: { trackAccessTime: true, multiComp: true }, clock });
}

/** mm_stat's orig_data_size, compr_data_size and mem_used_total. */
function sizes(sys: SysfsInterface): [orig: number, compr: number, memUsed: number] {
  const fields = parseStatFields(sys.readAttr("mm_stat"));
  return [nth(fields, 0, "mm_stat field"), nth(fields, 1, "mm_stat field"), nth(fields, 2, "mm_stat field")];
}

test("without the options (this machine's build): no recompress files, idle takes only all, one priority", () => {
  const sys = new SysfsInterface({ threads: 1 });
  expect(errnoOf(() => sys.readAttr("recomp_algorithm"))).toBe("ENOENT");
  expect(errnoOf(() => sys.writeAttr("recompress", "type=idle"))).toBe("ENOENT");
  sys.writeAttr("disksize", "4M");
  expect(errnoOf(() => sys.writeAttr("idle", "60"))).toBe("EINVAL");
  expect(errnoOf(() => sys.writeAttr("algorithm_params", "priority=1 level=3"))).toBe("EINVAL");
});

test("idle N with access-time tracking: kstrtou32 base 0, EINVAL otherwise; reads clear the mark", () => {
  const clock = { now: 500 };
  const sys = fullKernel(() => clock.now);
  expect(errnoOf(() => sys.writeAttr("idle", "all"))).toBe("EINVAL"); // not initialised
  sys.writeAttr("disksize", "4M");
  writeCorpusPages(sys, 1, PAGES);
  clock.now = 530;
  const device = sys.device()!;
  expect(sys.writeAttr("idle", "60\n")).toBe(3);
  expect(device.pageFlags(0, PAGES).filter((f) => f & 1).length).toBe(0);
  expect(sys.writeAttr("idle", "0x1e")).toBe(4); // 30 seconds: the cutoff second counts
  expect(device.pageFlags(0, PAGES).every((f) => (f & 1) === 1)).toBeTrue();
  sys.readPage(3, new Uint8Array(PAGE_SIZE));
  expect(nth(device.pageFlags(3, 1), 0, "page flag") & 1).toBe(0);
  for (const bad of ["-1", "4294967296", "1.5", "", " 5", "sixty"]) {
    expect(errnoOf(() => sys.writeAttr("idle", bad)), JSON.stringify(bad)).toBe(bad === "" ? "ok" : "EINVAL");
  }
});

test("recomp_algorithm: algo= and priority=, its listing, EBUSY once initialised, cleared by reset", () => {
  const sys = fullKernel();
  expect(sys.readAttr("recomp_algorithm")).toBe("");
  sys.writeAttr("recomp_algorithm", "algo=zstd");
  sys.writeAttr("recomp_algorithm", "algo=lz4hc priority=3\n");
  expect(sys.readAttr("recomp_algorithm")).toBe("#1: lz4 lz4hc [zstd] \n#3: lz4 [lz4hc] zstd \n");
  for (
    const [value, errno] of [
      ["priority=2", "EINVAL"], // no algo
      ["algo=zstd priority=0", "EINVAL"],
      ["algo=zstd priority=4", "EINVAL"],
      ["algo=zstd priority=99999999999", "ERANGE"],
      ["algo=lzo", "EINVAL"],
      ["algo", "EINVAL"],
      [`algo=${"z".repeat(128)}`, "E2BIG"],
    ] as const
  ) {
    expect(errnoOf(() => sys.writeAttr("recomp_algorithm", value)), value).toBe(errno);
  }
  expect(errnoOf(() => sys.writeAttr("recompress", "type=idle"))).toBe("EINVAL"); // not initialised
  sys.writeAttr("disksize", "4M");
  expect(errnoOf(() => sys.writeAttr("recomp_algorithm", "algo=lz4 priority=2"))).toBe("EBUSY");
  sys.writeAttr("reset", "1");
  expect(sys.readAttr("recomp_algorithm")).toBe("");
});

test("recompress: lz4 pages idle, recompressed with zstd; mm_stat moves, every page reads back", () => {
  const sys = fullKernel();
  sys.writeAttr("recomp_algorithm", "algo=zstd");
  sys.writeAttr("algorithm_params", "priority=1 level=3");
  sys.writeAttr("disksize", "4M");
  const pages = writeCorpusPages(sys, 1, PAGES);
  const [orig, comprBefore, memBefore] = sizes(sys);
  // Nothing idle yet: type=idle finds nothing.
  sys.writeAttr("recompress", "type=idle");
  expect(sizes(sys)[1]).toBe(comprBefore);
  sys.writeAttr("idle", "all");
  expect(sys.writeAttr("recompress", "type=idle max_pages=100")).toBe(23);
  const [, comprPart] = sizes(sys);
  expect(comprPart).toBeLessThan(comprBefore);
  sys.writeAttr("recompress", "type=idle");
  const [origAfter, comprAfter, memAfter] = sizes(sys);
  expect(origAfter).toBe(orig);
  expect(comprAfter).toBeLessThan(comprPart);
  expect(memAfter).toBeLessThan(memBefore);
  expectPagesReadBack(sys, pages);
  for (
    const [value, errno] of [
      ["threshold=3625", "EINVAL"],
      ["threshold=abc", "EINVAL"],
      ["max_pages", "EINVAL"],
      ["max_pages=", "EINVAL"],
      ["max_pages=-1", "EINVAL"],
      ["algo=lz4hc", "EINVAL"], // not a recompression algorithm here
      ["algo=lzo", "EINVAL"],
      ["priority=2", "EINVAL"], // only priority 1 is active
      ["threshold=99999999999", "ERANGE"],
    ] as const
  ) {
    expect(errnoOf(() => sys.writeAttr("recompress", value)), value).toBe(errno);
  }
  // An unknown type selects every page and unknown keys are ignored, as in the kernel.
  const lax = "type=cold colour=blue algo=zstd priority=0";
  expect(sys.writeAttr("recompress", lax)).toBe(lax.length);
  expectPagesReadBack(sys, pages);
});
