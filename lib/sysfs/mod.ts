// The zram face: attribute files, their parsers and formats, and a zramctl printer.
export { SysfsInterface, type SysfsOptions } from "./interface.ts";
export { type SysfsErrno, SysfsError } from "./errors.ts";
export { type BlockLayerStat, formatMmStat, type IoStat, type MmStat } from "./format.ts";
export { formatZramctl, humanSize, type ZramctlOptions } from "./zramctl.ts";
export { memparse } from "./memparse.ts";
export { DEFAULT_ZRAM_ALGORITHM, ZRAM_ALGORITHMS } from "./algorithms.ts";
export { type ZramFeatures } from "./postprocess.ts";
