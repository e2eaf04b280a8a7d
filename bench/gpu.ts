// The GPU batch path beside the CPU batch path on the corpus pages, for a machine with an NVIDIA GPU:
//   bash scripts/setup-cuda.sh && scripts/zig build -Doptimize=ReleaseFast -Dcuda=on && bun bench/gpu.ts
// GB/s are original (uncompressed) bytes per second. Kernel-only times come from CUDA events, end-to-end
// times are wall time of the whole call (host copies, PCIe both ways, kernels, with the ring's overlap).
// It prints what it measures and claims nothing; figures belong in bench/ and the README with this command.
import { Algorithm, CompressorBuilder, gpuAvailable, GpuBatchCompressor, PAGE_SIZE } from "../mod.ts";
import { corpus } from "../tests/harness.ts";

const RUNS = 5;

function allCorpusPages(): Uint8Array {
  const files = corpus();
  const all = new Uint8Array(files.reduce((n, f) => n + f.pages.length, 0));
  let at = 0;
  for (const f of files) {
    all.set(f.pages, at);
    at += f.pages.length;
  }
  return all;
}

function timeNs(fn: () => void): number {
  const start = performance.now();
  fn();
  return (performance.now() - start) * 1e6;
}

if (!gpuAvailable()) {
  console.log("bench/gpu.ts: no usable CUDA GPU here (or a library built without kernels); nothing measured");
} else {
  const pages = allCorpusPages();
  const gbps = (ns: number) => Number((pages.length / ns).toFixed(2));
  const gpu = new GpuBatchCompressor({ batchSize: 8192, ringBufferSlots: 4, asyncDma: true });
  const cpu = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  try {
    gpu.decompressBatch(gpu.compressBatch(pages).batch); // warm-up: module load, first launches
    for (let run = 0; run < RUNS; run++) {
      const compressed = gpu.compressBatch(pages);
      const before = gpu.stats().decompress;
      const restored = gpu.decompressBatch(compressed.batch);
      const after = gpu.stats().decompress;
      const cpuBatch = cpu.compressBatch(pages);
      const cpuCompressNs = timeNs(() => cpu.compressBatch(pages));
      const cpuDecompressNs = timeNs(() => cpu.decompressBatch(cpuBatch));
      console.log(JSON.stringify({
        run,
        pages: pages.length / PAGE_SIZE,
        gpuRatio: Number(compressed.compressionRatio().toFixed(3)),
        cpuRatio: Number(cpuBatch.ratio().toFixed(3)),
        gpuCompressKernelGBps: gbps(compressed.kernelTimeNs),
        gpuCompressEndToEndGBps: gbps(compressed.totalTimeNs),
        gpuDecompressKernelGBps: gbps(after.kernelTimeNs - before.kernelTimeNs),
        gpuDecompressEndToEndGBps: gbps(after.totalTimeNs - before.totalTimeNs),
        cpuCompressGBps: gbps(cpuCompressNs),
        cpuDecompressGBps: gbps(cpuDecompressNs),
        roundTrip: restored.every((v, i) => v === pages[i]),
      }));
    }
  } finally {
    gpu.close();
    cpu.close();
  }
}
