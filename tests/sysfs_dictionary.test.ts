// algorithm_params "algo=zstd dict=PATH": every zstd page of the device is compressed and decompressed
// with the dictionary. The kernel reads the file at the write (kernel_read_file_from_path; a failure is
// EINVAL) and digests it when the device is initialised (zstd_setup_params): read from the source, as
// this machine's kernel refuses dict= for its algorithms. Differences: only zstd-format dictionaries.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PAGE_SIZE, trainDictionary } from "../mod.ts";
import { parseStatFields } from "../lib/sysfs/format.ts";
import { SysfsInterface } from "../lib/sysfs/mod.ts";
import { corpusFile, expect, nth, test } from "./harness.ts";
import { errnoOf } from "./sysfs_errno.ts";

const PAGES = 512;

function withFiles(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "trueno-sysfs-dict-"));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** compr_data_size after writing the held-out pages of corpus file 1 to a zstd device, and the device. */
function comprWith(params: string | null): { compr: number; sys: SysfsInterface } {
  const sys = new SysfsInterface({ threads: 1 });
  sys.writeAttr("comp_algorithm", "zstd");
  if (params !== null) sys.writeAttr("algorithm_params", params);
  sys.writeAttr("disksize", "4M");
  const pages = corpusFile(1).pages;
  const from = Math.floor(pages.length / PAGE_SIZE / 2);
  for (let i = 0; i < PAGES; i++) sys.writePage(i, pages.subarray((from + i) * PAGE_SIZE, (from + i + 1) * PAGE_SIZE));
  const out = new Uint8Array(PAGE_SIZE);
  for (let i = 0; i < PAGES; i++) {
    sys.readPage(i, out);
    expect(out, `page ${i}`).toEqualBytes(pages.subarray((from + i) * PAGE_SIZE, (from + i + 1) * PAGE_SIZE));
  }
  return { compr: nth(parseStatFields(sys.readAttr("mm_stat")), 1, "mm_stat field"), sys };
}

test("algorithm_params dict=: a trained dictionary shrinks a zstd device's pages; bad files are EINVAL", () => {
  withFiles((dir) => {
    const dict = join(dir, "redis.dict");
    writeFileSync(dict, trainDictionary(corpusFile(1).pages.subarray(0, 1500 * PAGE_SIZE), { size: 32768 }));
    const plain = comprWith("level=3");
    const withDict = comprWith(`algo=zstd level=3 dict=${dict}`);
    expect(withDict.compr).toBeLessThan(plain.compr);
    // The device keeps its dictionary: a new algorithm_params write does not change live pages.
    withDict.sys.writeAttr("algorithm_params", "level=3");
    expect(withDict.sys.readPage(0, new Uint8Array(PAGE_SIZE))).toBe(PAGE_SIZE); // EIO if it had dropped it
    // reset forgets the dictionary with the other parameters.
    withDict.sys.writeAttr("reset", "1");
    withDict.sys.writeAttr("comp_algorithm", "zstd");
    withDict.sys.writeAttr("disksize", "4M");
    expect(withDict.sys.device()!.stats().pagesStored).toBe(0);

    const sys = new SysfsInterface({ threads: 1 });
    sys.writeAttr("comp_algorithm", "zstd");
    const raw = join(dir, "raw.bin");
    writeFileSync(raw, corpusFile(1).pages.subarray(0, 8192));
    const empty = join(dir, "empty");
    closeSync(openSync(empty, "w"));
    for (const value of [`dict=${join(dir, "missing")}`, `dict=${dir}`, `dict=${raw}`, `dict=${empty}`]) {
      expect(errnoOf(() => sys.writeAttr("algorithm_params", value)), value).toBe("EINVAL");
    }
    // Only zstd takes a dictionary here.
    const lz4 = new SysfsInterface({ threads: 1 });
    expect(errnoOf(() => lz4.writeAttr("algorithm_params", `dict=${dict}`))).toBe("EINVAL");
    expect(errnoOf(() => lz4.writeAttr("algorithm_params", `algo=zstd dict=${dict}`))).toBe("EINVAL");
  });
});
