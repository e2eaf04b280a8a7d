// The compressed block device and its native page store.
export { BlockDevice, type BlockDeviceOptions, HUGE_THRESHOLD, MAX_DEVICE_PAGES } from "./device.ts";
export { type BlockDeviceStats } from "./stats.ts";
export { type GpuPageCompressor } from "./gpu_route.ts";
export { type RecompressOptions, type RecompressResult } from "./recompression.ts";
export {
  type BackingStats,
  type WritebackOptions,
  type WritebackResult,
  type WritebackScan,
  type WritebackType,
} from "./writeback.ts";
