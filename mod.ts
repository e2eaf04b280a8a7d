// trueno-zram: memory-page compression (LZ4, LZ4-HC, Zstandard, same-fill) for Bun and Deno.
export { Kind, MAX_BATCH_PAGES, PAGE_SIZE } from "./lib/ffi/abi.ts";
export { TruenoError, type TruenoErrorCode } from "./lib/ffi/errors.ts";
export { libraryPath, setLibraryPath } from "./lib/ffi/load.ts";
export { Algorithm, type AlgorithmName } from "./lib/compressor/algorithm.ts";
export { type BatchLike, CompressedBatch } from "./lib/compressor/batch.ts";
export { CompressorBuilder } from "./lib/compressor/builder.ts";
export { Compressor } from "./lib/compressor/compressor.ts";
export { type PageKind } from "./lib/compressor/kind.ts";
export { type CompressOptions } from "./lib/compressor/options.ts";
export { CompressedPage } from "./lib/compressor/page.ts";
export { CompressionStats } from "./lib/compressor/stats.ts";
export { CompactSameFill, detectSameFill, isZeroPage, sameFillWord } from "./lib/samefill.ts";
export { byteHistogram, shannonEntropy } from "./lib/entropy.ts";
export { backendSupported, bestBackend, type SimdBackend, simdFeatures } from "./lib/simd.ts";
export * from "./lib/gpu/mod.ts";
export { BlockDevice, type BlockDeviceOptions, type BlockDeviceStats, HUGE_THRESHOLD } from "./lib/block/mod.ts";
export {
  formatZramctl,
  type IoStat,
  type MmStat,
  type SysfsErrno,
  SysfsError,
  SysfsInterface,
} from "./lib/sysfs/mod.ts";
export { BatchArena } from "./lib/compressor/arena.ts";
export { type BatchOptions } from "./lib/compressor/options.ts";
export { useEmbeddedLibrary } from "./lib/ffi/load.ts";
export {
  type ControlDocument,
  fetchControl,
  type NbdExport,
  type NbdServer,
  serveNbd,
  type ServeNbdOptions,
} from "./lib/nbd/mod.ts";
// Types that the exports above refer to, so that users can name them.
export { type GpuPageCompressor } from "./lib/block/mod.ts";
export { type BlockLayerStat, type SysfsOptions, type ZramctlOptions } from "./lib/sysfs/mod.ts";
export { type ZramctlSource } from "./lib/sysfs/zramctl.ts";
export { type ControlMmStat, type ExportReport, type NbdTlsOptions } from "./lib/nbd/mod.ts";
export { type ZstdOptions } from "./lib/compressor/algorithm.ts";
export { DEFAULT_DICTIONARY_BYTES, trainDictionary, type TrainOptions } from "./lib/compressor/dictionary-train.ts";
export { dictionaryId } from "./lib/compressor/dictionary-format.ts";
export { type RecompressOptions, type RecompressResult } from "./lib/block/mod.ts";
export {
  type BackingStats,
  type WritebackOptions,
  type WritebackResult,
  type WritebackScan,
  type WritebackType,
} from "./lib/block/mod.ts";
export { type ZramFeatures } from "./lib/sysfs/mod.ts";
export { type IdleWritebackOptions } from "./lib/nbd/mod.ts";
