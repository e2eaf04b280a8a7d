/**
 * Where `top` reads a device's statistics from. A source answers the three zram attribute files in the
 * kernel's own text formats (../shared/zram-sysfs.md): mm_stat, io_stat and the block layer's stat. Two
 * sources exist: a sysfs directory (a real /sys/block/zramN, read-only) and a running `serve`'s control
 * socket (top-socket.ts); tests inject their own.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const TOP_ATTRIBUTES = ["mm_stat", "io_stat", "stat"] as const;
export type TopAttribute = (typeof TOP_ATTRIBUTES)[number];

export interface AttributeSource {
  /** Shown in the title line, e.g. the socket path. */
  readonly label: string;
  /** The current text of each attribute. */
  read(): Promise<Record<TopAttribute, string>>;
  close(): void;
}

export interface DeviceSample {
  /** performance.now() when the sample was taken, in ms. */
  at: number;
  origDataSize: number;
  comprDataSize: number;
  memUsedTotal: number;
  memUsedMax: number;
  samePages: number;
  hugePages: number;
  failedReads: number;
  failedWrites: number;
  notifyFree: number;
  readSectors: number;
  writeSectors: number;
}

export class SourceFormatError extends Error {
  constructor(attribute: string, text: string) {
    super(`${attribute} is not in the kernel's format: '${text.trim().slice(0, 120)}'`);
    this.name = "SourceFormatError";
  }
}

function fields(attribute: TopAttribute, text: string, count: number): number[] {
  const parts = text.trim().split(/\s+/);
  if (parts.length < count || !parts.every((p) => /^-?[0-9]+$/.test(p))) throw new SourceFormatError(attribute, text);
  return parts.map(Number);
}

/** Parses the three attribute texts (field positions as in the kernel: zram_drv.c, Documentation/block/stat.rst). */
export function parseSample(texts: Record<TopAttribute, string>, at: number): DeviceSample {
  const mm = fields("mm_stat", texts.mm_stat, 9);
  const io = fields("io_stat", texts.io_stat, 4);
  const stat = fields("stat", texts.stat, 11);
  return {
    at,
    origDataSize: mm[0],
    comprDataSize: mm[1],
    memUsedTotal: mm[2],
    memUsedMax: mm[4],
    samePages: mm[5],
    hugePages: mm[7],
    failedReads: io[0],
    failedWrites: io[1],
    notifyFree: io[3],
    readSectors: stat[2],
    writeSectors: stat[6],
  };
}

/** A directory holding mm_stat, io_stat and stat, e.g. /sys/block/zram0. */
export function sysfsSource(dir: string): AttributeSource {
  return {
    label: dir,
    read: () =>
      Promise.resolve(
        Object.fromEntries(TOP_ATTRIBUTES.map((a) => [a, readFileSync(join(dir, a), "utf8")])) as Record<TopAttribute, string>,
      ),
    close() {},
  };
}
