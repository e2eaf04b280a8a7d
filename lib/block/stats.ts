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

/**
 * A frozen snapshot of a BlockDevice's counters (BlockDevice.stats()); names follow zram's mm_stat, io_stat and stat
 * where zram has the counter.
 */
export interface BlockDeviceStats {
  /** Pages that hold data now. */
  readonly pagesStored: number;
  /** Bytes those pages hold uncompressed (pagesStored * 4096), mm_stat's orig_data_size. */
  readonly origDataSize: number;
  /** Bytes they are stored in, mm_stat's compr_data_size. */
  readonly comprDataSize: number;
  /** Pages stored as one repeated word now, zero pages included. */
  readonly samePages: number;
  /** Of samePages, those filled with zeros. */
  readonly zeroPages: number;
  /** Pages stored raw now (incompressible). */
  readonly hugePages: number;
  /** Pages ever stored raw (never decremented). */
  readonly hugePagesSince: number;
  /** Reads that failed (a page did not decode), cumulative. */
  readonly failedReads: number;
  /** Writes that failed (e.g. refused by memLimit), cumulative. */
  readonly failedWrites: number;
  /** Pages freed by discard or write-zeroes, one per page in range, written or not. */
  readonly notifyFree: number;
  /** Bytes accepted by successful writes, cumulative. */
  readonly bytesWritten: number;
  /** Stored bytes those writes produced, cumulative (SAME 0, RAW 4096). */
  readonly bytesCompressed: number;
  /** Written pages compressed by the SIMD page loops, cumulative. */
  readonly simdPages: number;
  /** Written pages compressed by the scalar page loops or stored raw by entropy routing, cumulative. */
  readonly scalarPages: number;
  /** Written pages compressed on the GPU (its GPU_LZ4 and RAW pages), cumulative. */
  readonly gpuPages: number;
  /** Written pages stored raw by entropy routing without a compression attempt (part of scalarPages), cumulative. */
  readonly entropyRoutedPages: number;
  /** Writes sent to the GPU whose batch failed and were redone on the CPU, cumulative. */
  readonly gpuFallbacks: number;
  /** Same-filled pages written, cumulative. */
  readonly sameFillPathPages: number;
  /** Read requests, cumulative (/sys/block/DEV/stat). */
  readonly readIos: number;
  /** 512-byte sectors read, cumulative. */
  readonly readSectors: number;
  /** Write requests, cumulative. */
  readonly writeIos: number;
  /** 512-byte sectors written, cumulative. */
  readonly writeSectors: number;
  /** Pool memory held now, in whole 4 KiB pool pages (zsmalloc's pages_allocated * 4096). */
  readonly memUsedTotal: number;
  /** The most pool memory held, in bytes, since creation or the last resetMemUsedMax. */
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
