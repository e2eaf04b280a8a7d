// `zramctl` (util-linux 2.38) default output for an emulated device: columns NAME ALGORITHM DISKSIZE
// DATA COMPR TOTAL STREAMS MOUNTPOINT, sizes in zramctl's short binary units.
import { TruenoError } from "../ffi/errors.ts";
import type { SysfsInterface } from "./interface.ts";

const HEADERS = ["NAME", "ALGORITHM", "DISKSIZE", "DATA", "COMPR", "TOTAL", "STREAMS", "MOUNTPOINT"];
const RIGHT_ALIGNED = [false, false, true, true, true, true, true, false];
const LETTERS = "BKMGTPE";

/** util-linux size_to_human_string(SIZE_SUFFIX_1LETTER): "0B", "4K", "6.1M", "1G". */
export function humanSize(bytes: number): string {
  let exp = 0;
  while (exp < 60 && bytes >= 2 ** (exp + 10)) exp += 10;
  const unit = 2 ** exp;
  let whole = Math.floor(bytes / unit);
  let frac = exp === 0 ? 0 : bytes - whole * unit;
  if (frac !== 0) {
    // Three digits after the point, then rounded to one.
    frac = Math.floor((frac * 1000) / unit);
    frac = Math.floor((frac + 50) / 100) * 10;
    if (frac === 100) {
      whole++;
      frac = 0;
    }
  }
  const letter = LETTERS[exp / 10];
  return frac === 0 ? `${whole}${letter}` : `${whole}.${frac / 10}${letter}`;
}

/** The bracketed name of comp_algorithm, or "" when none is bracketed. */
function selectedAlgorithm(text: string): string {
  const match = /\[([^\]]*)\]/.exec(text);
  return match?.[1] ?? "";
}

/** How formatZramctl prints. */
export interface ZramctlOptions {
  /** Print like a bare `zramctl` (which lists only devices with a disksize) rather than like
   * `zramctl NAME` (which always prints the named device's row). Default false. */
  listing?: boolean;
}

/** What formatZramctl reads: a SysfsInterface, or any view of a device with the same two methods. */
export type ZramctlSource = Pick<SysfsInterface, "readAttr" | "mmStat">;

/**
 * What `zramctl NAME` prints for the device `name` (e.g. "/dev/zram0") emulated by `sys`. STREAMS is
 * empty (the 6.18 kernel has no max_comp_streams) and MOUNTPOINT is empty (an emulated device is
 * neither mounted nor a swap area).
 */

export function formatZramctl(sys: ZramctlSource, name: string, options: ZramctlOptions = {}): string {
  if (typeof sys?.readAttr !== "function" || typeof sys?.mmStat !== "function") {
    throw new TruenoError("InvalidInput", "formatZramctl needs a SysfsInterface (or a view with readAttr and mmStat)");
  }
  if (typeof name !== "string") {
    throw new TruenoError("InvalidInput", "formatZramctl needs the device name as a string");
  }
  if (typeof options !== "object" || options === null) {
    throw new TruenoError("InvalidInput", "formatZramctl options must be an object");
  }
  const rows = [HEADERS];
  const disksize = Number(sys.readAttr("disksize"));
  if (disksize > 0 || options.listing !== true) {
    const mm = sys.mmStat();
    rows.push([
      name,
      selectedAlgorithm(sys.readAttr("comp_algorithm")),
      humanSize(disksize),
      humanSize(mm.origDataSize),
      humanSize(mm.comprDataSize),
      humanSize(mm.memUsedTotal),
      "",
      "",
    ]);
  }
  const widths = HEADERS.map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0)));
  const last = HEADERS.length - 1;
  return rows.map((row) =>
    row.map((cell, col) => {
      if (col === last && !RIGHT_ALIGNED[col]) return cell;
      return RIGHT_ALIGNED[col] ? cell.padStart(widths[col] ?? 0) : cell.padEnd(widths[col] ?? 0);
    }).join(" ")
  ).join("\n") + "\n";
}
