// BlockDevice with a GPU: routing by the selection rule, gpuPages, corpus round trips, and the CPU fallback
// when a GPU batch fails. Without a GPU, the GPU is a double whose pages come from the library's host build
// of the kernels' per-page LZ4 step (tz_gpu_codec_compress_page_host, bit-identical to the kernel) and
// the kernel's same-fill rule, so the device stores and decodes the bytes a GPU would produce.
import { corpus, corpusFile, expect, test } from "./harness.ts";
import { randomBytes, textPage } from "./pages.ts";
import {
  Algorithm,
  breakEvenPages,
  type Compressor,
  CompressorBuilder,
  costModel,
  currentGpuTerms,
  gpuAvailable,
  GpuBatchCompressor,
  Kind,
  measureCpuSpeed,
  PAGE_SIZE,
  selectBackend,
  setGpuTerms,
  TruenoError,
} from "../mod.ts";
import { BlockDevice, type GpuPageCompressor } from "../lib/block/mod.ts";
import type { BatchLike } from "../lib/compressor/batch.ts";
import { native } from "../lib/ffi/load.ts";
import { sameFillWord } from "../lib/samefill.ts";

const MiB = 1 << 20;
const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();

/** The GPU path's output computed on the CPU; `fail` makes the next batches throw or come back malformed. */
class HostGpu implements GpuPageCompressor {
  batches = 0;
  kindCounts = { same: 0, gpuLz4: 0, raw: 0 };
  fail: "none" | "gpu-error" | "bad-batch" | "bug" = "none";

  compressBatch(pages: Uint8Array, rawThreshold: number): { batch: BatchLike } {
    if (this.fail === "gpu-error") throw new TruenoError("GpuError", "tz_gpu_compress_batch failed (status -6)");
    if (this.fail === "bug") throw new TypeError("not a GPU failure");
    const count = pages.length / PAGE_SIZE;
    const arena = new Uint8Array(count * PAGE_SIZE);
    const offsets = new Int32Array(count);
    const sizes = new Int32Array(count);
    const kinds = new Uint8Array(count);
    const patterns = new BigUint64Array(count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const page = pages.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
      offsets[i] = at;
      const word = sameFillWord(page);
      if (word !== null) {
        kinds[i] = Kind.Same;
        patterns[i] = word;
        this.kindCounts.same++;
        continue;
      }
      const size = native().tz_gpu_codec_compress_page_host(page, arena.subarray(at), rawThreshold - 1);
      if (size > 0) {
        kinds[i] = Kind.GpuLz4;
        sizes[i] = size;
        this.kindCounts.gpuLz4++;
      } else {
        kinds[i] = Kind.Raw;
        sizes[i] = PAGE_SIZE;
        arena.set(page, at);
        this.kindCounts.raw++;
      }
      at += sizes[i]!;
    }
    if (this.fail === "bad-batch") sizes[0] = arena.length + 1;
    this.batches++;
    return { batch: { count, arena, offsets, sizes, kinds, patterns } };
  }
}

/** Runs fn with GPU terms whose break-even batch (overlap on, PCIe and kernel 4x the measured CPU speed)
 * is 32 pages, then puts back the terms that were in force. */
function withGpuModel(fn: (breakEven: number) => void | Promise<void>): Promise<void> {
  const before = currentGpuTerms();
  const cpu = measureCpuSpeed();
  // gain per byte = 1/cpu - 1/(4 cpu); the launch cost of 31.5 pages' gain puts the break-even at 32.
  setGpuTerms({
    launchSeconds: (31.5 * PAGE_SIZE * 0.75) / cpu,
    pcieBytesPerSec: 4 * cpu,
    gpuBytesPerSec: 4 * cpu,
    compressedFraction: 1,
    overlap: true,
  });
  const breakEven = breakEvenPages(costModel()!);
  return Promise.resolve()
    .then(() => fn(breakEven))
    .finally(() => setGpuTerms(before));
}

/** n pages of the corpus from page `from` on: code, data, text and zero pages. */
function corpusPages(from: number, n: number): Uint8Array {
  return corpusFile(0).pages.slice(from * PAGE_SIZE, (from + n) * PAGE_SIZE);
}

function readBack(dev: BlockDevice, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  dev.read(offset, out);
  return out;
}

test("block gpu: the selection rule routes writes: below the break-even to the CPU, at it to the GPU", () =>
  withGpuModel((breakEven) => {
    expect(breakEven, "break-even of the model").toBe(32);
    expect(selectBackend(breakEven - 1, true) === "gpu", "rule below the break-even").toBeFalse();
    expect(selectBackend(breakEven, true), "rule at the break-even").toBe("gpu");
    const gpu = new HostGpu();
    const dev = new BlockDevice(4 * MiB, compressor, { gpu });
    const small = corpusPages(0, breakEven - 1);
    dev.write(0, small);
    expect([gpu.batches, dev.stats().gpuPages], "small write").toEqual([0, 0]);
    const large = corpusPages(100, breakEven);
    large.set(randomBytes(2 * PAGE_SIZE, 5), PAGE_SIZE); // two pages LZ4 cannot shrink below the huge threshold
    dev.write(MiB, large);
    const s = dev.stats();
    expect(gpu.batches, "large write").toBe(1);
    expect([gpu.kindCounts.raw, s.hugePages], "random pages stored raw").toEqual([2, 2]);
    expect(s.gpuPages, "GPU_LZ4 and RAW pages of the GPU batch").toBe(gpu.kindCounts.gpuLz4 + gpu.kindCounts.raw);
    expect(s.gpuPages).toBeGreaterThan(0);
    expect(s.simdPages + s.scalarPages + s.gpuPages + s.sameFillPathPages, "every page on one path").toBe(
      2 * breakEven - 1,
    );
    expect(s.gpuFallbacks).toBe(0);
    expect(readBack(dev, 0, small.length)).toEqualBytes(small);
    expect(readBack(dev, MiB, large.length)).toEqualBytes(large);
  }));

test("block gpu: without measured GPU terms every write stays on the CPU", () => {
  const before = currentGpuTerms();
  setGpuTerms(undefined);
  try {
    const gpu = new HostGpu();
    const dev = new BlockDevice(4 * MiB, compressor, { gpu });
    dev.write(0, corpusPages(0, 1024));
    expect([gpu.batches, dev.stats().gpuPages]).toEqual([0, 0]);
  } finally {
    setGpuTerms(before);
  }
});

test("block gpu: every corpus page round-trips through GPU writes", () =>
  withGpuModel(() => {
    for (const file of corpus()) {
      const gpu = new HostGpu();
      const dev = new BlockDevice(file.pages.length, compressor, { gpu });
      for (let at = 0; at < file.pages.length; at += 4 * MiB) {
        dev.write(at, file.pages.subarray(at, Math.min(at + 4 * MiB, file.pages.length)));
      }
      expect(readBack(dev, 0, file.pages.length), file.name).toEqualBytes(file.pages);
      const s = dev.stats();
      const pages = file.pages.length / PAGE_SIZE;
      expect([s.pagesStored, s.gpuPages, s.samePages, s.hugePages], file.name).toEqual([
        pages,
        gpu.kindCounts.gpuLz4 + gpu.kindCounts.raw,
        gpu.kindCounts.same,
        gpu.kindCounts.raw,
      ]);
      expect([s.simdPages, s.scalarPages, s.gpuFallbacks], file.name).toEqual([0, 0, 0]);
      expect(s.comprDataSize, `${file.name}: LZ4 pages below the huge threshold`).toBeLessThan(
        gpu.kindCounts.raw * PAGE_SIZE + gpu.kindCounts.gpuLz4 * 3625,
      );
      console.log(
        `${file.name}: ${pages} pages, ${gpu.kindCounts.gpuLz4} GPU_LZ4, ${gpu.kindCounts.raw} raw, ` +
          `${gpu.kindCounts.same} same, ratio ${s.compressionRatio().toFixed(3)}`,
      );
    }
  }));

test("block gpu: async writes through the GPU commit in issue order and read back off the JS thread", () =>
  withGpuModel(async (breakEven) => {
    const gpu = new HostGpu();
    const dev = new BlockDevice(MiB, compressor, { gpu });
    const large = corpusPages(200, breakEven * 2);
    const over = new Uint8Array(PAGE_SIZE * 2);
    over.set(textPage());
    over.set(randomBytes(PAGE_SIZE, 3), PAGE_SIZE);
    const first = dev.writeAsync(0, large);
    const second = dev.writeAsync(PAGE_SIZE, over);
    await Promise.all([first, second]);
    const expected = large.slice();
    expected.set(over, PAGE_SIZE);
    const out = new Uint8Array(large.length);
    await dev.readAsync(0, out);
    expect(out).toEqualBytes(expected);
    expect(gpu.batches).toBe(1);
  }));

test("block gpu: a failed or malformed GPU batch is redone on the CPU and counted", () =>
  withGpuModel((breakEven) => {
    const gpu = new HostGpu();
    const dev = new BlockDevice(MiB, compressor, { gpu });
    const a = corpusPages(300, breakEven);
    const b = corpusPages(400, breakEven);
    dev.write(0, a);
    const gpuPages = dev.stats().gpuPages;
    gpu.fail = "gpu-error";
    dev.write(0, b);
    expect(readBack(dev, 0, b.length), "after a GpuError").toEqualBytes(b);
    gpu.fail = "bad-batch";
    dev.write(0, a);
    expect(readBack(dev, 0, a.length), "after a malformed batch").toEqualBytes(a);
    const s = dev.stats();
    expect([s.gpuFallbacks, s.gpuPages, s.failedWrites]).toEqual([2, gpuPages, 0]);
    expect(s.pagesStored).toBe(breakEven);
  }));

test("block gpu: when the GPU and then the CPU fail, the old contents stay whole", async () => {
  let cpuFails = false;
  const failing = new Proxy(compressor, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const failure = new TruenoError("OutOfMemory", "the CPU batch failed too");
        // The CPU path's native calls start from the compressor's handle.
        if (cpuFails && key === "nativeHandle") throw failure;
        return value.apply(target, args);
      };
    },
  }) as Compressor;
  await withGpuModel(async (breakEven) => {
    const gpu = new HostGpu();
    const dev = new BlockDevice(MiB, failing, { gpu });
    const old = corpusPages(500, breakEven);
    dev.write(0, old);
    const before = dev.stats();
    gpu.fail = "gpu-error";
    cpuFails = true;
    expect(() => dev.write(0, corpusPages(600, breakEven))).toThrow("OutOfMemory");
    await expect(dev.writeAsync(0, corpusPages(600, breakEven))).toReject("OutOfMemory");
    gpu.fail = "bug";
    expect(() => dev.write(0, corpusPages(600, breakEven))).toThrow();
    cpuFails = false;
    expect(readBack(dev, 0, old.length)).toEqualBytes(old);
    const s = dev.stats();
    expect([s.gpuFallbacks, s.failedWrites]).toEqual([2, 3]);
    expect([s.pagesStored, s.gpuPages, s.comprDataSize, s.memUsedTotal]).toEqual([
      before.pagesStored,
      before.gpuPages,
      before.comprDataSize,
      before.memUsedTotal,
    ]);
  });
});

test("block gpu: a gpu option without compressBatch is refused", () => {
  const bad = { gpu: {} } as unknown as { gpu: GpuPageCompressor };
  expect(() => new BlockDevice(MiB, compressor, bad)).toThrow("InvalidInput");
});

test("block gpu: a real GpuBatchCompressor drives the device where a GPU is present", () =>
  withGpuModel((breakEven) => {
    if (!gpuAvailable()) {
      expect(() => new GpuBatchCompressor({ batchSize: 1024 })).toThrow("GpuNotAvailable");
      return;
    }
    const gpu = new GpuBatchCompressor({ batchSize: 1024 });
    try {
      const dev = new BlockDevice(4 * MiB, compressor, { gpu });
      const pages = corpusPages(0, Math.max(breakEven, 1024));
      dev.write(0, pages);
      expect(readBack(dev, 0, pages.length)).toEqualBytes(pages);
      expect(dev.stats().gpuPages).toBeGreaterThan(0);
    } finally {
      gpu.close();
    }
  }));
