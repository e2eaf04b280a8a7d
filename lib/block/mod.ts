// The compressed block device and its page pool.
export { BlockDevice, type BlockDeviceOptions, HUGE_THRESHOLD } from "./device.ts";
export { type BlockDeviceStats } from "./stats.ts";
export { type GpuPageCompressor } from "./gpu_route.ts";
export { PagePool } from "./pool.ts";
