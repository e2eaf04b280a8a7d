// A compressed RAM block device: write 1 MiB requests, read them back, discard, and look at the stats.
// Run: bun examples/block_device.ts   or   deno run -A examples/block_device.ts
import { Algorithm, BlockDevice, CompressorBuilder, PAGE_SIZE } from "trueno-zram";

const MiB = 1 << 20;
const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
const device = new BlockDevice(64 * MiB, compressor, { entropyThreshold: 7.0, memLimit: 0 });

// 1 MiB of log-like text, 1 MiB of zeros with a few counters, 1 MiB of random bytes.
const text = new Uint8Array(MiB);
text.set(
  new TextEncoder().encode(
    Array.from(
      { length: 20000 },
      (_, i) => `${1700000000 + i} INFO worker-${i % 8} handled request ${i * 7919 % 100000}\n`,
    ).join(""),
  ).subarray(0, MiB),
);
const sparse = new Uint8Array(MiB);
for (let page = 0; page < MiB / PAGE_SIZE; page += 3) {
  new DataView(sparse.buffer).setUint32(page * PAGE_SIZE, page, true);
}
const noise = new Uint8Array(MiB);
for (let at = 0; at < MiB; at += 65536) crypto.getRandomValues(noise.subarray(at, at + 65536));

device.write(0, text);
device.write(MiB, sparse);
device.write(2 * MiB, noise);

const back = new Uint8Array(3 * MiB);
device.read(0, back);
const same = back.subarray(0, MiB).every((b, i) => b === text[i]) &&
  back.subarray(MiB, 2 * MiB).every((b, i) => b === sparse[i]) &&
  back.subarray(2 * MiB).every((b, i) => b === noise[i]);
if (!same) throw new Error("read-back differs from what was written");
console.log("read back 3 MiB: identical");

device.discard(2 * MiB, MiB);
const zeros = new Uint8Array(MiB);
device.read(2 * MiB, zeros);
if (zeros.some((b) => b !== 0)) throw new Error("a discarded page does not read as zeros");
console.log("discarded 1 MiB: reads as zeros");

const s = device.stats();
console.log(`pages stored      ${s.pagesStored}`);
console.log(`data              ${s.origDataSize} bytes`);
console.log(`compressed        ${s.comprDataSize} bytes`);
console.log(`pool memory       ${s.memUsedTotal} bytes (max ${s.memUsedMax})`);
console.log(`same-filled pages ${s.samePages} (zero ${s.zeroPages})`);
console.log(
  `written           ${s.bytesWritten} bytes -> ${s.bytesCompressed} stored, ratio ${s.compressionRatio().toFixed(2)}`,
);
console.log(
  `paths             simd ${s.simdPages}, scalar ${s.scalarPages} (entropy-routed ${s.entropyRoutedPages}), gpu ${s.gpuPages}`,
);
console.log(`compacted         ${device.compact()} pool pages released`);
compressor.close();
