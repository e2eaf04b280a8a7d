// The optional CUDA batch path; selection.ts documents the rule that picks it.
export { gpuAvailable, gpuBuilt, GpuDeviceInfo, listGpus, MIN_COMPUTE_CAPABILITY } from "./device.ts";
export {
  BatchResult,
  GpuBatchCompressor,
  type GpuBatchConfig,
  type GpuBatchStats,
  type GpuStageTimes,
} from "./batch_compressor.ts";
export { breakEvenPages, type CostModel, cpuSeconds, gpuSeconds, gpuWins } from "./selection.ts";
export {
  type BatchBackend,
  calibrateFromBatch,
  costModel,
  currentGpuTerms,
  type GpuTerms,
  measureCpuSpeed,
  meetsPcieRule,
  selectBackend,
  setCpuSpeed,
  setGpuTerms,
} from "./policy.ts";
