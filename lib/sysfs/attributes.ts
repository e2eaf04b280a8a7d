// The attribute files of /sys/block/zramN this emulation serves, with their modes.

export interface AttributeSpec {
  readable: boolean;
  writable: boolean;
}

const RW = { readable: true, writable: true };
const RO = { readable: true, writable: false };
const WO = { readable: false, writable: true };

export const ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = Object.freeze({
  disksize: RW,
  initstate: RO,
  reset: WO,
  comp_algorithm: RW,
  algorithm_params: WO,
  mem_limit: WO,
  mem_used_max: WO,
  compact: WO,
  idle: WO,
  mm_stat: RO,
  io_stat: RO,
  debug_stat: RO,
  stat: RO,
  size: RO,
});

/** sysfs hands a store() at most one page of input. */
export const SYSFS_WRITE_MAX = 4096;
/** zram's ZRAM_MAX_ALGO_NAME_SZ: names this long or longer are E2BIG. */
export const MAX_ALGO_NAME = 128;
