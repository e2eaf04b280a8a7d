// Entropy routing: on a Zstandard (or LZ4-HC) device, pages whose sampled entropy is above the
// threshold (bits per byte) are stored raw without a compression attempt; same-filled pages are stored
// as their pattern; the rest go through the SIMD codec. (LZ4 is cheaper to try than to check: an LZ4
// device stores a page raw by its compressed size.)
// Run: bun examples/entropy_routing.ts   or   deno run -A examples/entropy_routing.ts
import { Algorithm, BlockDevice, CompressorBuilder, PAGE_SIZE, shannonEntropy } from "trueno-zram";

function page(fill: (i: number) => number): Uint8Array {
  return Uint8Array.from({ length: PAGE_SIZE }, (_, i) => fill(i));
}

let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
const samples: [string, Uint8Array][] = [
  ["zeros", new Uint8Array(PAGE_SIZE)],
  ["repeated word", page((i) => [0xde, 0xad, 0xbe, 0xef][i % 4])],
  ["text", new TextEncoder().encode("entropy decides the path of each page. ".repeat(110)).subarray(0, PAGE_SIZE)],
  ["small integers", page((i) => (i * 7) % 16)],
  ["half random", page((i) => (i % 2 ? random() : 0))],
  ["random", page(() => random())],
];

const compressor = new CompressorBuilder().algorithm(Algorithm.Zstd(1)).build();
const device = new BlockDevice(1 << 20, compressor, { entropyThreshold: 7.0 });
console.log(`threshold 7.0 bits/byte, codec backend ${compressor.backend()}`);
console.log("page            entropy  path");
samples.forEach(([name, data], i) => {
  const before = device.stats();
  device.write(i * PAGE_SIZE, data);
  const after = device.stats();
  const path = after.sameFillPathPages > before.sameFillPathPages
    ? "same-fill"
    : after.entropyRoutedPages > before.entropyRoutedPages
    ? "raw (entropy, not compressed)"
    : after.hugePages > before.hugePages
    ? "codec tried, no gain: stored raw (huge)"
    : `${after.simdPages > before.simdPages ? "simd" : "scalar"} codec, ${
      after.comprDataSize - before.comprDataSize
    } bytes`;
  console.log(`${name.padEnd(15)} ${shannonEntropy(data).toFixed(3).padStart(7)}  ${path}`);
});
const s = device.stats();
console.log(
  `same ${s.sameFillPathPages}, simd ${s.simdPages}, scalar ${s.scalarPages} (entropy-routed ${s.entropyRoutedPages}), gpu ${s.gpuPages}`,
);
compressor.close();
