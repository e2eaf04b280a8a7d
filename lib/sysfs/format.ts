// The read formats of zram's statistics files, as zram_drv.c and block/genhd.c print them.

/** printf("%8llu"): right-aligned in 8 columns, wider numbers as they are. */
export function pad8(value: number | bigint): string {
  return String(value).padStart(8, " ");
}

export interface MmStat {
  origDataSize: number;
  comprDataSize: number;
  memUsedTotal: number;
  /** A bigint: a limit can exceed 2^53 bytes and must still print exactly. */
  memLimit: bigint;
  memUsedMax: number;
  samePages: number;
  pagesCompacted: number;
  hugePages: number;
  hugePagesSince: number;
}

export interface IoStat {
  failedReads: number;
  failedWrites: number;
  notifyFree: number;
}

/** The 17 fields of /sys/block/<dev>/stat (Documentation/block/stat.rst), in file order. */
export interface BlockLayerStat {
  readIos: number;
  readMerges: number;
  readSectors: number;
  readTicks: number;
  writeIos: number;
  writeMerges: number;
  writeSectors: number;
  writeTicks: number;
  inFlight: number;
  ioTicks: number;
  timeInQueue: number;
  discardIos: number;
  discardMerges: number;
  discardSectors: number;
  discardTicks: number;
  flushIos: number;
  flushTicks: number;
}

export function formatMmStat(s: MmStat): string {
  return [
    s.origDataSize,
    s.comprDataSize,
    s.memUsedTotal,
    s.memLimit,
    s.memUsedMax,
    s.samePages,
    s.pagesCompacted,
    s.hugePages,
    s.hugePagesSince,
  ].map(pad8).join(" ") + "\n";
}

export function formatIoStat(s: IoStat): string {
  return `${pad8(s.failedReads)} ${pad8(s.failedWrites)} 0 ${pad8(s.notifyFree)}\n`;
}

export function formatDebugStat(missFree: number): string {
  return `version: 1\n0 ${pad8(missFree)}\n`;
}

/** The block-layer counters of a device's stats (zeros for no device). Times are not modelled (0);
 * discards and flushes are not counted, as on zram. */
export function blockLayerStat(
  d?: { readIos: number; readSectors: number; writeIos: number; writeSectors: number },
): BlockLayerStat {
  return {
    readIos: d?.readIos ?? 0,
    readMerges: 0,
    readSectors: d?.readSectors ?? 0,
    readTicks: 0,
    writeIos: d?.writeIos ?? 0,
    writeMerges: 0,
    writeSectors: d?.writeSectors ?? 0,
    writeTicks: 0,
    inFlight: 0,
    ioTicks: 0,
    timeInQueue: 0,
    discardIos: 0,
    discardMerges: 0,
    discardSectors: 0,
    discardTicks: 0,
    flushIos: 0,
    flushTicks: 0,
  };
}

export function formatBlockStat(s: BlockLayerStat): string {
  return [
    s.readIos,
    s.readMerges,
    s.readSectors,
    s.readTicks,
    s.writeIos,
    s.writeMerges,
    s.writeSectors,
    s.writeTicks,
    s.inFlight,
    s.ioTicks,
    s.timeInQueue,
    s.discardIos,
    s.discardMerges,
    s.discardSectors,
    s.discardTicks,
    s.flushIos,
    s.flushTicks,
  ].map(pad8).join(" ") + "\n";
}

/** Parses one of the formats above back into numbers (whitespace-separated fields). */
export function parseStatFields(text: string): number[] {
  return text.trim().split(/\s+/).map(Number);
}
