// Writeback to a backing file through BlockDevice, by the rules of Linux zram's zram_drv.c (read from the
// source: this machine's kernel is built without CONFIG_ZRAM_WRITEBACK). Contents are checked against a
// model of what each page must read as, across writeback, read-back, overwrite, discard and recompress.
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Algorithm, BlockDevice, CompressorBuilder, PAGE_SIZE } from "../mod.ts";
import { corpusFile, expect, test } from "./harness.ts";
import { randomBytes } from "./pages.ts";

const WRITTEN_BACK = 16;

/** A directory with a backing file of `blocks` 4 KiB blocks; removed by the returned function. */
function backingFile(blocks: number): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "trueno-writeback-"));
  const path = join(dir, "backing");
  const fd = openSync(path, "w");
  ftruncateSync(fd, blocks * PAGE_SIZE);
  closeSync(fd);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function device(pages: number, backing?: string) {
  const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(2).build();
  const dev = new BlockDevice(pages * PAGE_SIZE, compressor, { entropyThreshold: 8, backingFile: backing });
  return { dev, close: () => (dev.close(), compressor.close()) };
}

function contentOf(dev: BlockDevice): Uint8Array {
  const out = new Uint8Array(dev.size);
  dev.read(0, out);
  return out;
}

test("writeback: idle pages leave the pool for the file and read back; overwrite and discard free blocks", async () => {
  const n = 512;
  const file = backingFile(n + 1);
  const { dev, close } = device(n, file.path);
  try {
    const model = new Uint8Array(n * PAGE_SIZE);
    model.set(corpusFile(0).pages.subarray(0, n * PAGE_SIZE));
    model.set(randomBytes(PAGE_SIZE, 1), 7 * PAGE_SIZE);
    model.fill(0, 9 * PAGE_SIZE, 10 * PAGE_SIZE);
    dev.write(0, model);
    const before = dev.stats();
    expect(dev.writeback({ type: "idle" })).toEqual({ written: 0, failed: 0, stopped: null });
    expect(dev.writeback({ type: "huge" }).written).toBe(before.hugePages);
    expect(dev.stats().hugePages).toBe(0);
    dev.markIdle();
    const idle = dev.writeback({ type: "idle" });
    const after = dev.stats();
    expect(idle.written + before.hugePages).toBe(before.pagesStored - before.samePages);
    expect(after.pagesStored).toBe(before.pagesStored);
    expect(after.comprDataSize).toBe(0);
    expect(after.memUsedTotal).toBe(0);
    expect(dev.backingStats()).toEqual({
      blocksUsed: idle.written + before.hugePages,
      reads: 0,
      writes: idle.written + before.hugePages,
      blocks: n + 1,
    });
    expect(dev.pageFlags(7, 3)).toEqual(new Uint8Array([WRITTEN_BACK, WRITTEN_BACK, 0]));
    expect(contentOf(dev)).toEqualBytes(model);
    const readAsync = new Uint8Array(16 * PAGE_SIZE);
    await dev.readAsync(0, readAsync);
    expect(readAsync).toEqualBytes(model.subarray(0, 16 * PAGE_SIZE));
    expect(dev.backingStats().reads).toBe(before.pagesStored - before.samePages + 15);
    // Written-back pages are never idle, never recompressed, never written back again.
    expect(dev.markIdle()).toBe(0);
    dev.setRecompressAlgorithm(1, Algorithm.Zstd());
    expect(dev.recompress().candidates).toBe(0);
    expect(dev.writeback().written).toBe(0);
    // Overwrite and discard free their blocks; the new pages live in memory.
    const used = dev.backingStats().blocksUsed;
    const fresh = corpusFile(1).pages.subarray(0, 4 * PAGE_SIZE);
    dev.write(20 * PAGE_SIZE, fresh);
    model.set(fresh, 20 * PAGE_SIZE);
    dev.discard(40 * PAGE_SIZE, 10 * PAGE_SIZE);
    model.fill(0, 40 * PAGE_SIZE, 50 * PAGE_SIZE);
    expect(dev.backingStats().blocksUsed).toBe(used - 14);
    expect(contentOf(dev)).toEqualBytes(model);
    expect(statSync(file.path).size).toBe((n + 1) * PAGE_SIZE);
  } finally {
    close();
    file.remove();
  }
});

test("writeback: page scans, the limit, a full file; refusals change nothing", () => {
  const n = 64;
  const file = backingFile(6); // blocks 1..5
  const { dev, close } = device(n, file.path);
  try {
    const model = corpusFile(1).pages.slice(0, n * PAGE_SIZE);
    dev.write(0, model);
    dev.writebackLimitEnabled = true;
    dev.writebackLimit = 2;
    expect(dev.writeback({ scans: [{ firstPage: 10, count: 10 }] })).toEqual({
      written: 2,
      failed: 0,
      stopped: "limit",
    });
    expect(dev.writebackLimit).toBe(0);
    expect(dev.writeback({ scans: [{ firstPage: 30 }] }).stopped).toBe("limit");
    dev.writebackLimitEnabled = false;
    expect(dev.writeback({ scans: [{ firstPage: 30 }, { firstPage: 31, count: 2, type: "idle" }] }).written).toBe(1);
    expect(dev.writeback({ scans: [{ firstPage: 40, count: 10 }] })).toEqual({
      written: 2,
      failed: 0,
      stopped: "full",
    });
    expect(dev.backingStats().blocksUsed).toBe(5);
    expect(contentOf(dev)).toEqualBytes(model);
    expect(() => dev.writeback({ scans: [{ firstPage: 60, count: 5 }] })).toThrow("InvalidInput");
    expect(() => dev.writeback({ type: "cold" as "idle" })).toThrow("InvalidInput");
    expect(() => dev.writeback({ type: "toString" as "idle" })).toThrow("InvalidInput");
    expect(() => (dev.writebackLimit = -1)).toThrow("InvalidInput");
    expect(dev.backingStats().blocksUsed).toBe(5);
  } finally {
    close();
    file.remove();
  }
});

test("writeback: no backing file is Unsupported; a path the system refuses is InvalidInput naming errno", () => {
  const plain = device(16);
  expect(() => plain.dev.writeback()).toThrow("Unsupported");
  expect(plain.dev.backingFile).toBe(null);
  plain.close();
  const compressor = new CompressorBuilder().build();
  for (
    const [path, errno] of [["/nonexistent/backing", "ENOENT"], [tmpdir(), "EISDIR"], ["/dev/null", "ENOTBLK"]] as const
  ) {
    let message = "";
    try {
      new BlockDevice(16 * PAGE_SIZE, compressor, { backingFile: path });
    } catch (e) {
      message = String(e);
    }
    expect(message.includes("InvalidInput") && message.includes(errno), message).toBeTrue();
  }
  compressor.close();
});
