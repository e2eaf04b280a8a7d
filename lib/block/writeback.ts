// A BlockDevice's writeback to a backing file (zram's backing_dev, writeback, writeback_limit(_enable),
// bd_stat): the selection of pages, the limit, and the outcome as zram reports it.
import { TruenoError } from "../ffi/errors.ts";
import { errnoName } from "./errno.ts";
import type { PageStore } from "./native_store.ts";

/** A kind of page zram's writeback selects: idle, huge (stored raw), idle and huge, or incompressible. */
export type WritebackType = "idle" | "huge" | "huge_idle" | "incompressible";

/** TZ_WRITEBACK_* of each type (none of them: every stored page that is not same-filled). */
const WRITEBACK_MODES: Readonly<Record<WritebackType, number>> = { idle: 1, huge: 2, huge_idle: 3, incompressible: 4 };

/** One scan of zram's writeback: pages [firstPage, firstPage + count) of a type (default: any). */
export interface WritebackScan {
  /** The first page of the range (default 0). */
  readonly firstPage?: number;
  /** Pages in the range (default: to the end of the device, or 1 when firstPage is given). */
  readonly count?: number;
  /** Only pages of this type (default: any stored page that is not same-filled). */
  readonly type?: WritebackType;
}

/** What BlockDevice.writeback writes back. */
export interface WritebackOptions {
  /** Every stored page of this type (idle, huge, huge_idle, incompressible); default: any. */
  readonly type?: WritebackType;
  /** Only these pages (zram's page_index= / page_indexes=); each scan may have its own type. */
  readonly scans?: readonly WritebackScan[];
}

/** What BlockDevice.writeback did. */
export interface WritebackResult {
  /** Pages written to the backing file (their pool memory is freed). */
  readonly written: number;
  /** Pages whose file write failed: left in memory, unchanged (zram answers EIO). */
  readonly failed: number;
  /** Why it stopped before the end: the writeback limit (zram: EIO), a full file (ENOSPC), or null. */
  readonly stopped: "limit" | "full" | null;
}

/** zram's bd_stat, in 4 KiB pages. */
export interface BackingStats {
  /** Blocks of the backing file holding pages now. */
  readonly blocksUsed: number;
  /** Blocks read back, cumulative. */
  readonly reads: number;
  /** Blocks written, cumulative. */
  readonly writes: number;
  /** Blocks of the file (block 0 is never used). */
  readonly blocks: number;
}

/** The backing file state of one device. */
export class Writeback {
  /** writeback_limit in pages, taken from by every page written while enabled. */
  #limit = new Float64Array(1);
  #limitEnabled = false;
  #out = new Float64Array(4);
  #path: string | null = null;

  /** Opens the backing file for the store; InvalidInput naming the errno when the system refuses it. */
  open(store: PageStore, path: string): void {
    if (typeof path !== "string" || path.length === 0 || path.includes("\0")) {
      throw new TruenoError("InvalidInput", "backingFile must be a non-empty path");
    }
    const errno = store.setBacking(path);
    if (errno !== 0) {
      throw new TruenoError("InvalidInput", `backing file ${path}: ${errnoName(errno)}`);
    }
    this.#path = path;
  }

  get path(): string | null {
    return this.#path;
  }

  get limit(): number {
    return this.#limit[0]!;
  }

  set limit(pages: number) {
    if (!Number.isSafeInteger(pages) || pages < 0) {
      throw new TruenoError("InvalidInput", `writeback limit ${pages} is not a whole number of pages`);
    }
    this.#limit[0] = pages;
  }

  get limitEnabled(): boolean {
    return this.#limitEnabled;
  }

  set limitEnabled(on: boolean) {
    this.#limitEnabled = on === true;
  }

  run(store: PageStore, primary: number, pageCount: number, options: WritebackOptions): WritebackResult {
    if (this.#path === null) throw new TruenoError("Unsupported", "writeback: the device has no backing file");
    if (options === null || typeof options !== "object") {
      throw new TruenoError("InvalidInput", "writeback: options must be an object");
    }
    const scans = options.scans ?? [{ type: options.type }];
    const flat = new Int32Array(scans.length * 3);
    scans.forEach((scan, i) => {
      const first = scan.firstPage ?? 0;
      const count = scan.count ?? (scan.firstPage === undefined ? pageCount : 1);
      const mode = scan.type === undefined
        ? 0
        : Object.hasOwn(WRITEBACK_MODES, scan.type)
        ? WRITEBACK_MODES[scan.type]
        : undefined;
      if (
        !Number.isSafeInteger(first) || !Number.isSafeInteger(count) || first < 0 || count < 0 ||
        first + count > pageCount
      ) {
        throw new TruenoError(
          "InvalidInput",
          `writeback: pages ${first}+${count} are not inside the device (${pageCount} pages)`,
        );
      }
      if (mode === undefined) throw new TruenoError("InvalidInput", `writeback: unknown type ${String(scan.type)}`);
      flat.set([first, first + count, mode], i * 3);
    });
    store.writeback(primary, flat, this.#limitEnabled, this.#limit, this.#out);
    const o = this.#out;
    return { written: o[0]!, failed: o[1]!, stopped: o[2] === 1 ? "limit" : o[2] === 2 ? "full" : null };
  }
}
