/**
 * What a zram device would hold for a set of pages: the pages are written into a real BlockDevice (the
 * library's zsmalloc-accounted store) and its statistics are read back, so the figures are the device's
 * own, not a model of it. Pages are routed as the kernel does: every page is tried (no entropy skip), a
 * result of HUGE_THRESHOLD bytes or more is stored raw and counted huge.
 *
 * CPU time is the whole process's user + system time (every worker thread) while writing, then while
 * reading back, per GB of pages; the read-back is also checked byte for byte.
 */
import { Buffer } from "node:buffer";
import process from "node:process";
import { BlockDevice, CompressorBuilder, PAGE_SIZE } from "../../mod.ts";
import type { AlgorithmChoice } from "./algorithms.ts";
import { RoundTripError } from "./measure.ts";

export interface DeviceEstimate {
  algorithm: string;
  pages: number;
  /** Bytes of the pages: zram's orig_data_size. */
  origDataSize: number;
  /** Same-filled pages (zero pages included): zram's same_pages. */
  samePages: number;
  zeroPages: number;
  /** Pages stored raw because they did not compress below the huge threshold: zram's huge_pages. */
  hugePages: number;
  /** Compressed bytes stored: zram's compr_data_size. */
  comprDataSize: number;
  /** Memory the pool holds for them: zram's mem_used_total. */
  memUsedTotal: number;
  /** origDataSize - memUsedTotal: the RAM compressing these pages would free. */
  savedBytes: number;
  /** origDataSize / memUsedTotal (Infinity when the pool holds nothing). */
  ratio: number;
  /** CPU seconds (all threads) per 10^9 bytes of pages, storing them. */
  compressCpuSecondsPerGB: number;
  /** CPU seconds (all threads) per 10^9 bytes of pages, reading them back. */
  decompressCpuSecondsPerGB: number;
}

/** Every kind of page is tried by the codec, as in the kernel. */
const NO_ENTROPY_SKIP = 8;

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function estimateOnDevice(chunks: readonly Uint8Array[], choice: AlgorithmChoice): DeviceEstimate {
  const pageCount = chunks.reduce((n, c) => n + c.length / PAGE_SIZE, 0);
  const compressor = new CompressorBuilder().algorithm(choice.algorithm).build();
  let device: BlockDevice | undefined;
  try {
    device = new BlockDevice(pageCount * PAGE_SIZE, compressor, { entropyThreshold: NO_ENTROPY_SKIP });
    let offset = 0;
    const writeStart = cpuSeconds();
    for (const chunk of chunks) {
      device.write(offset, chunk);
      offset += chunk.length;
    }
    const writeCpu = cpuSeconds() - writeStart;
    const stats = device.stats();

    let readCpu = 0;
    offset = 0;
    const back = new Uint8Array(Math.max(...chunks.map((c) => c.length)));
    for (const chunk of chunks) {
      const out = back.subarray(0, chunk.length);
      const readStart = cpuSeconds();
      device.read(offset, out);
      readCpu += cpuSeconds() - readStart;
      if (Buffer.compare(out, chunk) !== 0) throw new RoundTripError(`${choice.name} on the block device`);
      offset += chunk.length;
    }
    const gb = (pageCount * PAGE_SIZE) / 1e9;
    return {
      algorithm: choice.name,
      pages: stats.pagesStored,
      origDataSize: stats.origDataSize,
      samePages: stats.samePages,
      zeroPages: stats.zeroPages,
      hugePages: stats.hugePages,
      comprDataSize: stats.comprDataSize,
      memUsedTotal: stats.memUsedTotal,
      savedBytes: stats.origDataSize - stats.memUsedTotal,
      ratio: stats.origDataSize / stats.memUsedTotal,
      compressCpuSecondsPerGB: writeCpu / gb,
      decompressCpuSecondsPerGB: readCpu / gb,
    };
  } finally {
    device?.close();
    compressor.close();
  }
}
