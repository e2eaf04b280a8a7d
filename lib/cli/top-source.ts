/**
 * Where `top` reads a device's statistics from. A source answers zram's attribute files in the kernel's
 * own text formats (../shared/zram-sysfs.md): mm_stat, io_stat and, where it has one, the block layer's
 * stat (whose sector counters give the pages in/out rates). Two sources exist: a sysfs directory (a real
 * /sys/block/zramN, read-only) and a running `serve`'s control socket (top-socket.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface AttributeTexts {
  mm_stat: string;
  io_stat: string;
  /** Absent where the source has no block-layer counters: the rates then show as unknown. */
  stat?: string;
}

export interface AttributeSource {
  /** Shown in the title line, e.g. the socket path. */
  readonly label: string;
  /** The current text of each attribute. */
  read(): Promise<AttributeTexts>;
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
  /** null when the source has no stat. */
  readSectors: number | null;
  writeSectors: number | null;
}

export class SourceFormatError extends Error {
  constructor(attribute: string, text: string) {
    super(`${attribute} is not in the kernel's format: '${text.trim().slice(0, 120)}'`);
    this.name = "SourceFormatError";
  }
}

function fields(attribute: string, text: string, count: number): number[] {
  const parts = text.trim().split(/\s+/);
  if (parts.length < count || !parts.every((p) => /^-?[0-9]+$/.test(p))) throw new SourceFormatError(attribute, text);
  return parts.map(Number);
}

/** Parses the attribute texts (field positions as in the kernel: zram_drv.c, Documentation/block/stat.rst). */
export function parseSample(texts: AttributeTexts, at: number): DeviceSample {
  const mm = fields("mm_stat", texts.mm_stat, 9);
  const io = fields("io_stat", texts.io_stat, 4);
  const stat = texts.stat === undefined ? undefined : fields("stat", texts.stat, 11);
  // fields() has checked the counts, so every index below exists.
  return {
    at,
    origDataSize: mm[0]!,
    comprDataSize: mm[1]!,
    memUsedTotal: mm[2]!,
    memUsedMax: mm[4]!,
    samePages: mm[5]!,
    hugePages: mm[7]!,
    failedReads: io[0]!,
    failedWrites: io[1]!,
    notifyFree: io[3]!,
    readSectors: stat?.[2] ?? null,
    writeSectors: stat?.[6] ?? null,
  };
}

/** A directory holding mm_stat, io_stat and stat, e.g. /sys/block/zram0. */
export function sysfsSource(dir: string): AttributeSource {
  return {
    label: dir,
    read: () => {
      const text = (name: string) => readFileSync(join(dir, name), "utf8");
      return Promise.resolve({ mm_stat: text("mm_stat"), io_stat: text("io_stat"), stat: text("stat") });
    },
    close() {},
  };
}
