// The CUDA devices the driver reports, and whether the GPU path can run here.
import { native } from "../ffi/load.ts";
import { checkStatus } from "../ffi/errors.ts";
import { PAGE_SIZE } from "../ffi/abi.ts";

/** 1 when the library has kernels built in and a CUDA device is usable. Never throws for a missing GPU. */
export function gpuAvailable(): boolean {
  return native().tz_gpu_available() === 1;
}

/** Whether this build of the library embeds the CUDA kernels (nvcc was found when it was built). */
export function gpuBuilt(): boolean {
  return native().tz_gpu_built() === 1;
}

/** Oldest compute capability the embedded kernels run on (cubins sm_75/80/90, PTX compute_90). */
export const MIN_COMPUTE_CAPABILITY: readonly [number, number] = [7, 5];

/** One CUDA device as the driver describes it (listGpus). */
export class GpuDeviceInfo {
  /**
   * The device numbered `index`: its name, memory and L2 sizes in bytes, compute capability, multiprocessors, shared
   * memory per block in bytes, memory clock and bus width.
   */
  constructor(
    readonly index: number,
    readonly name: string,
    readonly totalMemory: number,
    readonly l2CacheSize: number,
    readonly computeCapability: readonly [number, number],
    readonly multiprocessors: number,
    readonly sharedMemoryPerBlock: number,
    readonly memoryClockKhz: number,
    readonly memoryBusWidthBits: number,
  ) {}

  /** Whether the embedded kernels run on this device (compute capability at least MIN_COMPUTE_CAPABILITY). */
  isSupported(): boolean {
    const [major, minor] = this.computeCapability;
    const [minMajor, minMinor] = MIN_COMPUTE_CAPABILITY;
    return major > minMajor || (major === minMajor && minor >= minMinor);
  }

  /**
   * Pages per batch: enough to keep every SM busy (the compress kernel holds 4 pages per block and needs
   * several blocks per SM), capped so one slot's input and output (2 x 4 KiB per page) stay within the L2
   * cache when possible, and never more than 1/16 of device memory.
   */
  optimalBatchSize(): number {
    const fillSms = this.multiprocessors * 4 * 8;
    const fitL2 = Math.floor(this.l2CacheSize / (2 * PAGE_SIZE));
    const fitMemory = Math.floor(this.totalMemory / 16 / (3 * PAGE_SIZE));
    return Math.max(1, Math.min(fitMemory, Math.max(fillSms, fitL2)));
  }
}

/** Every CUDA device, with its properties from the driver; empty without kernels or without a GPU. */
export function listGpus(): GpuDeviceInfo[] {
  if (!gpuAvailable()) return [];
  const lib = native();
  const count = checkStatus(lib.tz_gpu_device_count(), "tz_gpu_device_count");
  const devices: GpuDeviceInfo[] = [];
  for (let i = 0; i < count; i++) {
    const name = new Uint8Array(256);
    const props = new Float64Array(8);
    checkStatus(lib.tz_gpu_device_info(i, name, name.length, props), "tz_gpu_device_info");
    const end = name.indexOf(0);
    devices.push(
      new GpuDeviceInfo(
        i,
        new TextDecoder().decode(name.subarray(0, end < 0 ? name.length : end)),
        props[0]!,
        props[1]!,
        [props[2]!, props[3]!],
        props[4]!,
        props[5]!,
        props[6]!,
        props[7]!,
      ),
    );
  }
  return devices;
}
