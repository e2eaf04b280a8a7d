// The counters of a BlockDevice. Names follow zram's where zram has the counter.
import type { StoreStats } from "./native_store.ts";

/** The device's cumulative counters, updated in place; what is stored now comes from the native store.
 * stats() hands out a frozen copy of both. */
export class DeviceCounters {
  /** Pages ever stored raw (never decremented). */
  hugePagesSince = 0;
  failedReads = 0;
  failedWrites = 0;
  /** Pages freed by discard / write-zeroes, one per page in range, written or not. */
  notifyFree = 0;
  /** Bytes accepted by successful writes, cumulative. */
  bytesWritten = 0;
  /** Stored bytes those writes produced, cumulative (SAME 0, RAW 4096). */
  bytesCompressed = 0;
  /** Written pages per path, cumulative: compressed by the SIMD or the scalar page loops, by the GPU
   * (its GPU_LZ4 and RAW pages), and stored raw by entropy routing without a compression attempt (part
   * of scalarPages). */
  simdPages = 0;
  scalarPages = 0;
  gpuPages = 0;
  entropyRoutedPages = 0;
  /** Writes sent to the GPU whose batch failed and were redone on the CPU, cumulative. */
  gpuFallbacks = 0;
  /** Same-filled pages written, cumulative. */
  sameFillPathPages = 0;
  /** Block-layer request counters (/sys/block/<dev>/stat): requests and 512-byte sectors. */
  readIos = 0;
  readSectors = 0;
  writeIos = 0;
  writeSectors = 0;
}

export interface BlockDeviceStats {
  readonly pagesStored: number;
  readonly origDataSize: number;
  readonly comprDataSize: number;
  readonly samePages: number;
  readonly zeroPages: number;
  readonly hugePages: number;
  readonly hugePagesSince: number;
  readonly failedReads: number;
  readonly failedWrites: number;
  readonly notifyFree: number;
  readonly bytesWritten: number;
  readonly bytesCompressed: number;
  readonly simdPages: number;
  readonly scalarPages: number;
  readonly gpuPages: number;
  readonly entropyRoutedPages: number;
  readonly gpuFallbacks: number;
  readonly sameFillPathPages: number;
  readonly readIos: number;
  readonly readSectors: number;
  readonly writeIos: number;
  readonly writeSectors: number;
  /** Pool memory held now, in whole 4 KiB pool pages (zsmalloc's pages_allocated * 4096). */
  readonly memUsedTotal: number;
  readonly memUsedMax: number;
  /** 0 = no limit. */
  readonly memLimit: number;
  /** Pool pages released by compaction, cumulative. */
  readonly pagesCompacted: number;
  /** bytesWritten / bytesCompressed (Infinity when only same-filled pages were written, 0 when none). */
  compressionRatio(): number;
}

export function snapshotStats(c: DeviceCounters, store: StoreStats, memLimit: number): BlockDeviceStats {
  const bytesWritten = c.bytesWritten;
  const bytesCompressed = c.bytesCompressed;
  return Object.freeze({
    pagesStored: store.pagesStored,
    origDataSize: store.pagesStored * 4096,
    comprDataSize: store.comprDataSize,
    samePages: store.samePages,
    zeroPages: store.zeroPages,
    hugePages: store.hugePages,
    hugePagesSince: c.hugePagesSince,
    failedReads: c.failedReads,
    failedWrites: c.failedWrites,
    notifyFree: c.notifyFree,
    bytesWritten,
    bytesCompressed,
    simdPages: c.simdPages,
    scalarPages: c.scalarPages,
    gpuPages: c.gpuPages,
    entropyRoutedPages: c.entropyRoutedPages,
    gpuFallbacks: c.gpuFallbacks,
    sameFillPathPages: c.sameFillPathPages,
    readIos: c.readIos,
    readSectors: c.readSectors,
    writeIos: c.writeIos,
    writeSectors: c.writeSectors,
    memUsedTotal: store.pagesAllocated * 4096,
    memUsedMax: store.maxUsedPages * 4096,
    memLimit,
    pagesCompacted: store.pagesCompacted,
    compressionRatio: () => (bytesWritten === 0 ? 0 : bytesWritten / bytesCompressed),
  });
}
