// The GPU path without a GPU: the host build of the kernels' per-page LZ4 step against liblz4 (through
// the Compressor's GPU_LZ4 decoding) on every corpus page, the selection rule, and the typed errors.
import { Algorithm, CompressedPage, CompressorBuilder, PAGE_SIZE, TruenoError } from "../mod.ts";
import {
  breakEvenPages,
  type CostModel,
  gpuAvailable,
  GpuBatchCompressor,
  gpuBuilt,
  GpuDeviceInfo,
  gpuWins,
  listGpus,
  measureCpuSpeed,
  meetsPcieRule,
  selectBackend,
  setCpuSpeed,
  setGpuTerms,
} from "../mod.ts";
import { native } from "../lib/ffi/load.ts";
import { corpus, expect, test } from "./harness.ts";
import { randomBytes } from "./pages.ts";

function hostStep(page: Uint8Array, cap = PAGE_SIZE - 1): Uint8Array | null {
  const out = new Uint8Array(Math.max(cap, 1));
  const size = native().tz_gpu_codec_compress_page_host(page, out, cap);
  expect(size >= 0, "the host step never fails on a page").toBe(true);
  return size === 0 ? null : out.slice(0, size);
}

test("gpu: the host codec step's output decodes with liblz4 on every corpus page, ratio within 3%", () => {
  const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(1).build();
  try {
    let ours = 0;
    let reference = 0;
    for (const file of corpus()) {
      for (let p = 0; p < file.pages.length; p += PAGE_SIZE) {
        const page = file.pages.subarray(p, p + PAGE_SIZE);
        const data = hostStep(page);
        ours += data === null ? PAGE_SIZE : data.length;
        reference += compressor.compress(page).data.length;
        if (data === null) continue;
        const back = compressor.decompress(new CompressedPage(data, "gpu-lz4"));
        expect(back, `${file.name} page ${p / PAGE_SIZE}`).toEqual(page);
      }
    }
    console.log(
      `gpu host step: ${ours} bytes vs CPU LZ4 ${reference} bytes (${((ours / reference - 1) * 100).toFixed(2)}%)`,
    );
    expect(ours <= reference * 1.03, `${ours} vs ${reference}`).toBe(true);
  } finally {
    compressor.close();
  }
});

test("gpu: the host step returns 0 (store RAW) when the page does not fit the cap", () => {
  const page = randomBytes(PAGE_SIZE, 7);
  expect(hostStep(page), "random page").toBe(null);
  const text = new TextEncoder().encode("abcdefgh".repeat(512));
  const full = hostStep(text);
  expect(full !== null && full.length < 100, "repetitive page").toBe(true);
  expect(hostStep(text, full!.length - 1), "one byte short").toBe(null);
  expect(native().tz_gpu_codec_compress_page_host(text, new Uint8Array(8), -1), "negative cap").toBe(-3);
});

test("gpu: without a GPU every entry point reports it with a typed error", () => {
  if (gpuAvailable()) return; // tests/gpu_device.test.ts covers machines with a GPU
  expect(listGpus()).toEqual([]);
  const lib = native();
  const expected = gpuBuilt() ? -5 : -4; // GpuNotAvailable with kernels but no driver, else Unsupported
  expect(lib.tz_gpu_device_count()).toBe(expected);
  expect(lib.tz_gpu_context_new(0, 16, 2, 1)).toBe(expected);
  let error: unknown;
  try {
    new GpuBatchCompressor({ batchSize: 16 });
  } catch (e) {
    error = e;
  }
  expect(error instanceof TruenoError && error.code === "GpuNotAvailable", String(error)).toBe(true);
});

const model: CostModel = {
  launchSeconds: 50e-6,
  pcieBytesPerSec: 25e9,
  gpuBytesPerSec: 60e9,
  cpuBytesPerSec: 5e9,
  compressedFraction: 0.35,
  overlap: true,
};

test("gpu: the cost model keeps small batches on the CPU and sends large ones to the GPU", () => {
  const n = breakEvenPages(model);
  // 50 us at 1/5e9 - 1/25e9 s/byte saved: 312,500 bytes -> 77 pages
  expect(n).toBe(77);
  expect(gpuWins(1, model)).toBe(false);
  expect(gpuWins(n - 1, model)).toBe(false);
  expect(gpuWins(n, model)).toBe(true);
  expect(gpuWins(100_000, model)).toBe(true);
  // No overlap: every stage adds up, so the break-even moves up.
  expect(breakEvenPages({ ...model, overlap: false }) > n).toBe(true);
  // A CPU as fast as the PCIe link: the GPU never wins.
  expect(breakEvenPages({ ...model, cpuBytesPerSec: 25e9 })).toBe(Infinity);
  expect(gpuWins(524_287, { ...model, cpuBytesPerSec: 25e9 })).toBe(false);
});

test("gpu: selectBackend and meetsPcieRule use the measured terms and never pick an absent GPU", () => {
  setGpuTerms(undefined);
  let error: unknown;
  try {
    meetsPcieRule(1000, 25, 60);
  } catch (e) {
    error = e;
  }
  expect(error instanceof TruenoError && error.code === "GpuNotAvailable").toBe(true);
  setCpuSpeed(model.cpuBytesPerSec);
  setGpuTerms(model);
  try {
    const cpu = selectBackend(1, true);
    expect(cpu === "simd" || cpu === "scalar").toBe(true);
    expect(selectBackend(10_000, true)).toBe("gpu");
    expect(selectBackend(10_000, false)).toBe(cpu);
    expect(meetsPcieRule(1, 25, 60)).toBe(false);
    expect(meetsPcieRule(10_000, 25, 60)).toBe(true);
    expect(meetsPcieRule(10_000, 4, 60)).toBe(false); // a link slower than the CPU
    for (const bad of [-1, 1.5, NaN]) {
      let e: unknown;
      try {
        selectBackend(bad, true);
      } catch (x) {
        e = x;
      }
      expect(e instanceof TruenoError && e.code === "InvalidInput", `batchSize ${bad}`).toBe(true);
    }
  } finally {
    setGpuTerms(undefined);
  }
});

test("gpu: a bad GpuBatchCompressor configuration is InvalidInput, checked before any GPU call", () => {
  const bad = [
    { batchSize: 0 },
    { batchSize: 524_288 },
    { ringBufferSlots: 17 },
    { ringBufferSlots: 0 },
    { deviceIndex: -1 },
    { algorithm: Algorithm.Zstd(1) },
  ];
  for (const config of bad) {
    let error: unknown;
    try {
      new GpuBatchCompressor(config).close();
    } catch (e) {
      error = e;
    }
    expect(error instanceof TruenoError && error.code === "InvalidInput", JSON.stringify(config)).toBe(true);
  }
});

test("gpu: GpuDeviceInfo support and batch size follow the device's properties", () => {
  const h100Like = new GpuDeviceInfo(0, "test", 80 * 2 ** 30, 50 * 2 ** 20, [9, 0], 132, 232_448, 2_619_000, 5120);
  expect(h100Like.isSupported()).toBe(true);
  // 50 MiB of L2 / 8 KiB per page (input + output) = 6400 > 132 SMs * 32 = 4224
  expect(h100Like.optimalBatchSize()).toBe(6400);
  const volta = new GpuDeviceInfo(0, "test", 16 * 2 ** 30, 6 * 2 ** 20, [7, 0], 80, 98_304, 877_000, 4096);
  expect(volta.isSupported(), "sm_70: the CUDA 13 image starts at sm_75").toBe(false);
  expect(new GpuDeviceInfo(0, "t", 2 ** 30, 2 ** 20, [7, 5], 40, 65_536, 1, 1).isSupported()).toBe(true);
  const tiny = new GpuDeviceInfo(0, "t", 48 * 2 ** 20, 2 ** 20, [8, 6], 100, 65_536, 1, 1);
  // Memory-bound: 48 MiB / 16 / 12 KiB = 256 pages
  expect(tiny.optimalBatchSize()).toBe(256);
});

test("gpu: measureCpuSpeed measures the CPU batch path (a positive, finite rate)", () => {
  const rate = measureCpuSpeed();
  expect(Number.isFinite(rate) && rate > 0, String(rate)).toBe(true);
});
