// zram's writeback attributes as Linux 6.18 parses and prints them (drivers/block/zram/zram_drv.c with
// CONFIG_ZRAM_WRITEBACK: backing_dev_store/show, writeback_store, writeback_limit(_enable)_store/show,
// bd_stat_show). Read from the source: this machine's kernel is built without it. One deliberate
// difference: the kernel takes only a block device (ENOTBLK otherwise); this takes a regular file too.
import { realpathSync } from "node:fs";
import { errnoName } from "../block/errno.ts";
import { PageStore } from "../block/native_store.ts";
import { TruenoError } from "../ffi/errors.ts";
import type { BackingStats, WritebackScan, WritebackType } from "../block/writeback.ts";
import { nextArg, skipSpaces } from "./algorithm_params.ts";
import type { AttributeSpec } from "./attributes.ts";
import { type SysfsErrno, SysfsError } from "./errors.ts";
import { pad8 } from "./format.ts";
import { kstrtoull } from "./kstrto.ts";

/** The attributes CONFIG_ZRAM_WRITEBACK adds. */
export const WRITEBACK_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = Object.freeze({
  backing_dev: { readable: true, writable: true },
  writeback: { readable: false, writable: true },
  writeback_limit: { readable: true, writable: true },
  writeback_limit_enable: { readable: true, writable: true },
  bd_stat: { readable: true, writable: false },
});

/** PATH_MAX: backing_dev_store copies at most this less one byte (strscpy). */
const PATH_MAX = 4096;
const ENAMETOOLONG = 36;

/**
 * backing_dev_store: the file name (one trailing newline stripped), opened the way the device will open
 * it (the same native code), so that the system's errno is the write's. Returns its canonical path,
 * which backing_dev shows (file_path()).
 */
export function openBackingPath(s: string): string {
  // strscpy() into PATH_MAX bytes: at most PATH_MAX - 1 bytes of the name are kept.
  const bytes = new TextEncoder().encode(s);
  let name = bytes.length < PATH_MAX ? s : new TextDecoder().decode(bytes.subarray(0, PATH_MAX - 1));
  if (name.endsWith("\n")) name = name.slice(0, -1);
  const probe = new PageStore(1);
  try {
    const errno = name.length === 0 || name.includes("\0") ? 2 : backingErrno(probe, name);
    if (errno !== 0) throw new SysfsError(errnoName(errno) as SysfsErrno, `cannot open ${JSON.stringify(name)}`);
  } finally {
    probe.close();
  }
  return realpathSync(name);
}

/** The errno of opening `name` as a backing file (0: it opens); a name the library refuses outright
 * (longer than PATH_MAX once encoded) is ENAMETOOLONG. */
function backingErrno(probe: PageStore, name: string): number {
  try {
    return probe.setBacking(name);
  } catch (e) {
    if (e instanceof TruenoError) return ENAMETOOLONG;
    throw e;
  }
}

/** parse_mode(): a writeback type by name, else EINVAL. */
function parseMode(name: string): WritebackType {
  if (name === "idle" || name === "huge" || name === "huge_idle" || name === "incompressible") return name;
  throw new SysfsError("EINVAL", `unknown writeback type ${JSON.stringify(name)}`);
}

function pageIndex(text: string, pageCount: number): number {
  const index = kstrtoull(text, 10);
  if (index >= BigInt(pageCount)) {
    throw new SysfsError("ERANGE", `page ${index} is past the device's ${pageCount} pages`);
  }
  return Number(index);
}

/**
 * writeback_store's arguments: one scan per page_index=N or page_indexes=LOW-HIGH (inclusive) with every
 * page type, and a last one over the range so far for a type (type=NAME, or a bare NAME as the old
 * interface writes it), after which the rest is not read. Unknown keys are ignored.
 */
export function parseWriteback(s: string, pageCount: number): WritebackScan[] {
  const scans: WritebackScan[] = [];
  let first = 0;
  let end = pageCount;
  let at = skipSpaces(s, 0);
  while (at < s.length) {
    const { param, value, next } = nextArg(s, at);
    at = next;
    if (value === null || value === "" || param === "type") {
      scans.push({
        firstPage: first,
        count: end - first,
        type: parseMode(value === null || value === "" ? param : value),
      });
      break;
    }
    if (param === "page_index") {
      first = pageIndex(value, pageCount);
      end = first + 1;
      scans.push({ firstPage: first, count: 1 });
    } else if (param === "page_indexes") {
      const dash = value.indexOf("-");
      if (dash < 0) throw new SysfsError("EINVAL", `page_indexes=${value} is not LOW-HIGH`);
      first = pageIndex(value.slice(0, dash), pageCount);
      const high = pageIndex(value.slice(dash + 1), pageCount);
      if (first > high) throw new SysfsError("ERANGE", `page_indexes=${value} runs backwards`);
      end = high + 1;
      scans.push({ firstPage: first, count: end - first });
    }
  }
  return scans;
}

/** writeback_limit(_enable)_store: kstrtoull base 10, any failure EINVAL. */
export function parseLimit(s: string, what: string): bigint {
  try {
    return kstrtoull(s, 10);
  } catch {
    throw new SysfsError("EINVAL", `${what} takes a number, not ${JSON.stringify(s)}`);
  }
}

/** bd_stat_show: blocks in use, reads, writes, in 4 KiB units. */
export function formatBdStat(s: BackingStats | null): string {
  return `${pad8(s?.blocksUsed ?? 0)} ${pad8(s?.reads ?? 0)} ${pad8(s?.writes ?? 0)}\n`;
}
