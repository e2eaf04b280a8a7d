/**
 * Reads the resident anonymous pages of a live process, read-only: /proc/PID/maps names the private
 * writable mappings, /proc/PID/pagemap says which of their pages are present and anonymous, and
 * /proc/PID/mem gives their bytes. Nothing is ever written to the process.
 *
 * Where pagemap cannot be opened or read (a kernel without it, a sandbox hiding it), every page of those
 * mappings is read instead (`residency: "every-mapped-page"`): pages never touched then read as zero pages
 * and unmodified pages of writable file mappings are counted too, so the result overstates the zero pages.
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { PAGE_SIZE } from "../ffi/abi.ts";
import { procError, ProcMemError } from "./errors.ts";
import { holdsAnonymousPages, type Mapping, parseMaps } from "./maps.ts";
import { type PageState, pageState } from "./pagemap.ts";

/** Pages per buffer of the result: 16 MiB, so a large process never needs one huge allocation. */
export const CHUNK_PAGES = 4096;
/** Pagemap entries read per call. */
const PAGEMAP_WINDOW = 65536;

export interface AddressRange {
  readonly start: number;
  readonly end: number;
}

export interface ReadOptions {
  /** Stop after this many pages (the result says `truncated`). */
  maxPages?: number;
  /** Only pages inside this address range. */
  range?: AddressRange;
}

export interface ProcessPages {
  readonly pid: number;
  /** The pages in address order, in buffers of at most CHUNK_PAGES whole pages. */
  readonly chunks: Uint8Array[];
  readonly pageCount: number;
  readonly residency: "pagemap" | "every-mapped-page";
  /** Private writable mappings looked at. */
  readonly mappings: number;
  /** Present pages that still belong to their file (not copied on write): not anonymous memory. */
  readonly filePages: number;
  /** Anonymous pages already swapped out (they are not read: that would swap them back in). */
  readonly swappedPages: number;
  /** Present pages the kernel refused to read (EIO), e.g. device mappings. */
  readonly unreadablePages: number;
  /** Whether the read stopped at maxPages (more pages may have followed). */
  readonly truncated: boolean;
}

/** An open process: its mappings as they were when opened, and descriptors on its pagemap and mem. */
export class ProcessMemory {
  readonly pid: number;
  readonly mappings: Mapping[];
  #mem: number;
  #pagemap: number | undefined;

  /** usePagemap false reads every page of the mappings, as when pagemap is unavailable. */
  constructor(pid: number, usePagemap = true) {
    if (!Number.isSafeInteger(pid) || pid <= 0) throw new ProcMemError("gone", `'${pid}' is not a process id`);
    this.pid = pid;
    this.mappings = parseMaps(this.#readText("maps")).filter(holdsAnonymousPages);
    this.#mem = this.#open("mem");
    if (!usePagemap) return;
    try {
      this.#pagemap = openSync(`/proc/${pid}/pagemap`, "r");
    } catch (e) {
      const mapped = procError(pid, "pagemap", e);
      if (mapped instanceof ProcMemError && mapped.reason === "gone") {
        closeSync(this.#mem);
        throw mapped;
      }
      this.#pagemap = undefined;
    }
  }

  /** Reads the pages (see the file comment); throws ProcMemError("gone") if the process exits meanwhile. */
  read(options: ReadOptions = {}): ProcessPages {
    const collector = new PageCollector(options.maxPages ?? Number.MAX_SAFE_INTEGER);
    let residency: ProcessPages["residency"] = this.#pagemap === undefined ? "every-mapped-page" : "pagemap";
    const counts = { filePages: 0, swappedPages: 0, unreadablePages: 0 };
    for (const mapping of this.mappings) {
      const start = Math.max(mapping.start, options.range?.start ?? 0);
      const end = Math.min(mapping.end, options.range?.end ?? Number.MAX_SAFE_INTEGER);
      for (let at = start; at < end && !collector.full; at += PAGEMAP_WINDOW * PAGE_SIZE) {
        const windowEnd = Math.min(end, at + PAGEMAP_WINDOW * PAGE_SIZE);
        let states: PageState[];
        if (residency === "pagemap") {
          const fromPagemap = this.#states(at, windowEnd);
          if (fromPagemap === undefined) residency = "every-mapped-page";
          states = fromPagemap ?? allAnonymous(at, windowEnd);
        } else {
          states = allAnonymous(at, windowEnd);
        }
        for (let i = 0; i < states.length && !collector.full;) {
          const state = states[i];
          if (state !== "anonymous") {
            if (state === "file") counts.filePages++;
            else if (state === "swapped") counts.swappedPages++;
            i++;
            continue;
          }
          let run = 1;
          while (i + run < states.length && states[i + run] === "anonymous") run++;
          counts.unreadablePages += this.#readRun(at + i * PAGE_SIZE, run, collector);
          i += run;
        }
      }
    }
    return {
      pid: this.pid,
      chunks: collector.chunks(),
      pageCount: collector.count,
      residency,
      mappings: this.mappings.length,
      ...counts,
      truncated: collector.full,
    };
  }

  close(): void {
    closeSync(this.#mem);
    if (this.#pagemap !== undefined) closeSync(this.#pagemap);
  }

  #readText(name: string): string {
    try {
      return readFileSync(`/proc/${this.pid}/${name}`, "utf8");
    } catch (e) {
      throw procError(this.pid, name, e);
    }
  }

  #open(name: string): number {
    try {
      return openSync(`/proc/${this.pid}/${name}`, "r");
    } catch (e) {
      throw procError(this.pid, name, e);
    }
  }

  /** Page states of [start, end) from pagemap; undefined if pagemap cannot be read here. */
  #states(start: number, end: number): PageState[] | undefined {
    const n = (end - start) / PAGE_SIZE;
    const bytes = new Uint8Array(n * 8);
    let got: number;
    try {
      got = readSync(this.#pagemap!, bytes, 0, bytes.length, (start / PAGE_SIZE) * 8);
    } catch (e) {
      const mapped = procError(this.pid, "pagemap", e);
      if (mapped instanceof ProcMemError && mapped.reason === "gone") throw mapped;
      return undefined;
    }
    // pagemap answers 0 bytes once the process's memory is gone.
    if (got === 0) throw this.#gone();
    const view = new DataView(bytes.buffer);
    const states: PageState[] = new Array(got >> 3);
    for (let i = 0; i < states.length; i++) states[i] = pageState(view.getBigUint64(i * 8, true));
    return states;
  }

  /** Reads `count` pages from `address` into the collector; returns how many were unreadable. */
  #readRun(address: number, count: number, collector: PageCollector): number {
    let unreadable = 0;
    for (let done = 0; done < count && !collector.full;) {
      const target = collector.space(count - done);
      const wanted = target.length / PAGE_SIZE;
      const got = this.#readPages(address + done * PAGE_SIZE, target);
      if (got === target.length) {
        collector.commit(wanted);
        done += wanted;
      } else if (wanted > 1) {
        // Part of the run failed: go page by page to keep every readable one.
        for (let i = 0; i < wanted && !collector.full; i++) {
          unreadable += this.#readRun(address + (done + i) * PAGE_SIZE, 1, collector);
        }
        done += wanted;
      } else {
        unreadable++;
        done++;
      }
    }
    return unreadable;
  }

  /** Bytes read from mem; fewer than asked when the kernel refuses a page (EIO). */
  #readPages(address: number, target: Uint8Array): number {
    let got: number;
    try {
      got = readSync(this.#mem, target, 0, target.length, address);
    } catch (e) {
      if ((e as { code?: string }).code === "EIO") return 0;
      throw procError(this.pid, "mem", e);
    }
    // mem answers 0 bytes (not an error) once the process's memory is gone.
    if (got === 0) throw this.#gone();
    return got;
  }

  #gone(): ProcMemError {
    return new ProcMemError("gone", `process ${this.pid} exited while its memory was being read`);
  }
}

function allAnonymous(start: number, end: number): PageState[] {
  return new Array((end - start) / PAGE_SIZE).fill("anonymous");
}

/** Pages read so far, in buffers of CHUNK_PAGES, up to a limit. */
class PageCollector {
  readonly limit: number;
  count = 0;
  #full: Uint8Array[] = [];
  #current = new Uint8Array(0);
  #used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get full(): boolean {
    return this.count >= this.limit;
  }

  /** Room for up to `pages` pages (at least one), inside one buffer. */
  space(pages: number): Uint8Array {
    const capacity = this.#current.length / PAGE_SIZE;
    if (this.#used === capacity) {
      if (capacity > 0) this.#full.push(this.#current);
      this.#current = new Uint8Array(Math.min(CHUNK_PAGES, this.limit - this.count) * PAGE_SIZE);
      this.#used = 0;
    }
    const n = Math.min(pages, this.#current.length / PAGE_SIZE - this.#used, this.limit - this.count);
    return this.#current.subarray(this.#used * PAGE_SIZE, (this.#used + n) * PAGE_SIZE);
  }

  commit(pages: number): void {
    this.#used += pages;
    this.count += pages;
  }

  chunks(): Uint8Array[] {
    const last = this.#current.subarray(0, this.#used * PAGE_SIZE);
    return last.length > 0 ? [...this.#full, last] : [...this.#full];
  }
}

/** Opens the process, reads its pages and closes it again. */
export function readProcessPages(pid: number, options: ReadOptions = {}): ProcessPages {
  const memory = new ProcessMemory(pid);
  try {
    return memory.read(options);
  } finally {
    memory.close();
  }
}
