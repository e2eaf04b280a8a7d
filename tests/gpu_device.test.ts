// Runs only where gpuAvailable(): every corpus page through GPU compress -> liblz4 (CPU) decode, and
// CPU LZ4 compress -> GPU decode. Elsewhere each test says why it did nothing.
import { Algorithm, CompressorBuilder, gpuAvailable, GpuBatchCompressor, PAGE_SIZE } from "../mod.ts";
import { corpus, expect, test } from "./harness.ts";

function skipped(name: string): boolean {
  if (gpuAvailable()) return false;
  console.log(`${name}: skipped, no usable CUDA GPU (or a build without kernels: bash scripts/setup-cuda.sh)`);
  return true;
}

test("gpu device: GPU compress -> CPU (liblz4) decompress on every corpus page", () => {
  if (skipped("gpu device compress")) return;
  const gpu = new GpuBatchCompressor({ batchSize: 4096, ringBufferSlots: 4, asyncDma: true });
  const cpu = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  try {
    for (const file of corpus()) {
      const result = gpu.compressBatch(file.pages);
      expect(result.pages).toBe(file.pages.length / PAGE_SIZE);
      expect(cpu.decompressBatch(result.batch), file.name).toEqual(file.pages);
    }
  } finally {
    gpu.close();
    cpu.close();
  }
});

test("gpu device: CPU LZ4 compress -> GPU decompress on every corpus page", () => {
  if (skipped("gpu device decompress")) return;
  const gpu = new GpuBatchCompressor({ batchSize: 4096, ringBufferSlots: 4, asyncDma: true });
  const cpu = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  try {
    for (const file of corpus()) {
      const batch = cpu.compressBatch(file.pages);
      expect(gpu.decompressBatch(batch), file.name).toEqual(file.pages);
    }
  } finally {
    gpu.close();
    cpu.close();
  }
});
