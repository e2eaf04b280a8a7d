// A zram device as Linux 6.18 shows it under /sys/block/zramN: the same attribute files, parsing,
// errno, state rules and counters, over a BlockDevice. See ../shared/zram-sysfs.md.
import { totalmem } from "node:os";
import { PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import { CompressorBuilder } from "../compressor/builder.ts";
import type { Compressor } from "../compressor/compressor.ts";
import { BlockDevice } from "../block/device.ts";
import { parseAlgorithmParams } from "./algorithm_params.ts";
import { codecFor, DEFAULT_ZRAM_ALGORITHM, matchAlgorithm, ZRAM_ALGORITHMS } from "./algorithms.ts";
import { ATTRIBUTES, MAX_ALGO_NAME } from "./attributes.ts";
import { SysfsError } from "./errors.ts";
import {
  type BlockLayerStat,
  blockLayerStat,
  formatBlockStat,
  formatDebugStat,
  formatIoStat,
  formatMmStat,
  type IoStat,
  type MmStat,
} from "./format.ts";
import { storeInput } from "./input.ts";
import { kstrtou16, kstrtoull } from "./kstrto.ts";
import { memparse, pageAlignU64 } from "./memparse.ts";
import {
  formatRecompAlgorithm,
  MAX_COMPS,
  MULTI_COMP_ATTRIBUTES,
  parseIdle,
  parseRecompAlgorithm,
  parseRecompress,
  type ZramFeatures,
} from "./postprocess.ts";
import type { ZramAlgorithm } from "./algorithms.ts";
import { readDictionary, withDictionary } from "./dictionary.ts";
import { formatBdStat, openBackingPath, parseLimit, parseWriteback, WRITEBACK_ATTRIBUTES } from "./writeback.ts";

/** The kernel's zram table entry (handle + flags): what a device of N pages costs up front. */
const TABLE_ENTRY_BYTES = 16;
const PAGE_SHIFT = 12n;
const U64_MASK = (1n << 64n) - 1n;

/** Options of a SysfsInterface. */
export interface SysfsOptions {
  /** Batch threads of the device's compressor; default: the library's (available cores). */
  threads?: number;
  /** Kernel options beyond this machine's build (ZramFeatures; default: none, like it). */
  features?: ZramFeatures;
  /** The clock of page access times, in seconds (BlockDeviceOptions.clock); for tests. */
  clock?: () => number;
}

/**
 * An emulated zram device driven through its attribute files, as /sys/block/zramN offers them: readAttr and writeAttr
 * with the kernel's formats and errnos, page reads and writes once disksize is set.
 */
export class SysfsInterface {
  #threads: number | undefined;
  #disksize = 0;
  /** comp_algorithm as written (one trailing newline stripped), like zram->comp_algs[0]. */
  #algorithm: string = DEFAULT_ZRAM_ALGORITHM;
  #level: number | null = null;
  /** algorithm_params dict= of the primary algorithm: the file's bytes, or null. */
  #dictionary: Uint8Array | null = null;
  /** mem_limit in pages; u64 like zram->limit_pages (a limit may exceed 2^53 bytes). */
  #limitPages = 0n;
  #device: BlockDevice | null = null;
  #compressor: Compressor | null = null;
  #openers = 0;
  #features: ZramFeatures;
  #clock: (() => number) | undefined;
  /** recomp_algorithm per priority (1..3), like zram->comp_algs[1..3]. */
  #recompAlgorithms: (ZramAlgorithm | undefined)[] = new Array(MAX_COMPS).fill(undefined);
  /** backing_dev: the canonical path, or null ("none"). */
  #backingPath: string | null = null;
  /** writeback_limit (u64 pages) and writeback_limit_enable, kept across reset as zram keeps them. */
  #wbLimit = 0n;
  #wbLimitEnabled = false;
  /** algorithm_params levels of the secondary algorithms (null = not set). */
  #recompLevels: (number | null)[] = new Array(MAX_COMPS).fill(null);

  /** An unset device (disksize 0, the default algorithm), like a freshly added zram device. */
  constructor(options: SysfsOptions = {}) {
    this.#threads = options.threads;
    this.#features = { ...options.features };
    this.#clock = options.clock;
  }

  /** Writes an attribute file; returns the bytes accepted. Throws SysfsError with the kernel's errno, or
   * TruenoError("InvalidInput") when value is neither a string nor a Uint8Array. */
  writeAttr(name: string, value: string | Uint8Array): number {
    if (typeof value !== "string" && !(value instanceof Uint8Array)) {
      throw new TruenoError(
        "InvalidInput",
        `writeAttr(${JSON.stringify(name)}): the value must be a string or a Uint8Array`,
      );
    }
    const spec = this.#spec(name);
    if (!spec.writable) throw new SysfsError("EACCES", `${name} is read-only`);
    const input = storeInput(value);
    if (input.length === 0) return 0;
    const s = input.text;
    switch (name) {
      case "disksize":
        this.#storeDisksize(s);
        break;
      case "reset":
        this.#storeReset(s);
        break;
      case "comp_algorithm":
        this.#storeCompAlgorithm(s);
        break;
      case "algorithm_params":
        this.#storeAlgorithmParams(s);
        break;
      case "mem_limit":
        this.#storeMemLimit(s);
        break;
      case "mem_used_max":
        this.#storeMemUsedMax(s);
        break;
      case "compact":
        this.#requireInitialised("compact").compact();
        break;
      case "idle": {
        const age = parseIdle(s, this.#features.trackAccessTime === true);
        this.#requireInitialised("idle").markIdle(age);
        break;
      }
      case "recomp_algorithm": {
        const { priority, name } = parseRecompAlgorithm(s);
        if (this.#device !== null) {
          throw new SysfsError("EBUSY", "cannot change the algorithm of an initialised device");
        }
        this.#recompAlgorithms[priority] = name;
        break;
      }
      case "recompress":
        this.#storeRecompress(s);
        break;
      case "backing_dev":
        if (this.#device !== null) {
          throw new SysfsError("EBUSY", "cannot set the backing device of an initialised device");
        }
        this.#backingPath = openBackingPath(s);
        break;
      case "writeback":
        this.#storeWriteback(s);
        break;
      case "writeback_limit":
        this.#wbLimit = parseLimit(s, "writeback_limit");
        this.#applyWritebackLimit();
        break;
      case "writeback_limit_enable":
        this.#wbLimitEnabled = parseLimit(s, "writeback_limit_enable") !== 0n;
        if (this.#device !== null) this.#device.writebackLimitEnabled = this.#wbLimitEnabled;
        break;
    }
    return input.length;
  }

  /** Reads an attribute file: the exact text the kernel prints. */
  readAttr(name: string): string {
    const spec = this.#spec(name);
    if (!spec.readable) throw new SysfsError("EACCES", `${name} is write-only`);
    switch (name) {
      case "disksize":
        return `${this.#disksize}\n`;
      case "initstate":
        return this.#device === null ? "0\n" : "1\n";
      case "size":
        return `${this.#disksize / 512}\n`;
      case "comp_algorithm":
        return ZRAM_ALGORITHMS.map((a) => (a === this.#algorithm ? `[${a}] ` : `${a} `)).join("") + "\n";
      case "mm_stat":
        return formatMmStat(this.mmStat());
      case "io_stat":
        return formatIoStat(this.ioStat());
      case "recomp_algorithm":
        return formatRecompAlgorithm(this.#recompAlgorithms);
      case "backing_dev":
        return `${this.#backingPath ?? "none"}\n`;
      case "writeback_limit":
        return `${this.#currentWritebackLimit()}\n`;
      case "writeback_limit_enable":
        return this.#wbLimitEnabled ? "1\n" : "0\n";
      case "bd_stat":
        return formatBdStat(this.#backingPath === null ? null : this.#device?.backingStats() ?? null);
      case "debug_stat":
        // miss_free counts slot-lock misses of the kernel's swap free hook: none here.
        return formatDebugStat(0);
      default:
        return formatBlockStat(this.blockStat());
    }
  }

  /** mm_stat's fields (all 0 before disksize is set, but memLimit). */
  mmStat(): MmStat {
    const d = this.#device?.stats();
    return {
      origDataSize: d?.origDataSize ?? 0,
      comprDataSize: d?.comprDataSize ?? 0,
      memUsedTotal: d?.memUsedTotal ?? 0,
      memLimit: (this.#limitPages << PAGE_SHIFT) & U64_MASK,
      memUsedMax: d?.memUsedMax ?? 0,
      samePages: d?.samePages ?? 0,
      pagesCompacted: d?.pagesCompacted ?? 0,
      hugePages: d?.hugePages ?? 0,
      hugePagesSince: d?.hugePagesSince ?? 0,
    };
  }

  /** io_stat's fields (all 0 before disksize is set). */
  ioStat(): IoStat {
    const d = this.#device?.stats();
    return { failedReads: d?.failedReads ?? 0, failedWrites: d?.failedWrites ?? 0, notifyFree: d?.notifyFree ?? 0 };
  }

  /** /sys/block/zramN/stat. */
  blockStat(): BlockLayerStat {
    return blockLayerStat(this.#device?.stats());
  }

  /** The emulated block device, or null before disksize is set. */
  device(): BlockDevice | null {
    return this.#device;
  }

  /** Writes one 4096-byte page at page `index`, like a 4 KiB O_DIRECT write to /dev/zramN. */
  writePage(index: number, page: Uint8Array): void {
    if (!(page instanceof Uint8Array) || page.length !== PAGE_SIZE) {
      throw new SysfsError("EINVAL", `a page is ${PAGE_SIZE} bytes`);
    }
    const device = this.#deviceForPage(index);
    if (device === null) throw new SysfsError("ENOSPC", `page ${index} is past the end of the device`);
    try {
      device.write(index * PAGE_SIZE, page);
    } catch (e) {
      if (e instanceof TruenoError) throw new SysfsError("EIO", e.message);
      throw e;
    }
  }

  /** Reads page `index` into out (4096 bytes); returns the bytes read: 0 past the end, like read(2). */
  readPage(index: number, out: Uint8Array): number {
    if (!(out instanceof Uint8Array) || out.length !== PAGE_SIZE) {
      throw new SysfsError("EINVAL", `a page is ${PAGE_SIZE} bytes`);
    }
    const device = this.#deviceForPage(index);
    if (device === null) return 0;
    try {
      device.read(index * PAGE_SIZE, out);
    } catch (e) {
      if (e instanceof TruenoError) throw new SysfsError("EIO", e.message);
      throw e;
    }
    return PAGE_SIZE;
  }

  /** Discards `count` pages from page `index` (BLKDISCARD). */
  discardPages(index: number, count: number): void {
    const device = this.#device;
    if (
      device === null || !Number.isInteger(index) || !Number.isInteger(count) || index < 0 || count < 0 ||
      index + count > device.pageCount
    ) {
      throw new SysfsError("EINVAL", `pages ${index}+${count} are not inside the device`);
    }
    device.discard(index * PAGE_SIZE, count * PAGE_SIZE);
  }

  /** An opener of the block device (reset answers EBUSY while any is open). */
  open(): void {
    this.#openers++;
  }

  /** Closes one opener (see open); EINVAL when none is open. */
  close(): void {
    if (this.#openers === 0) throw new SysfsError("EINVAL", "the device is not open");
    this.#openers--;
  }

  #spec(name: string) {
    const extra = this.#features.multiComp === true && Object.hasOwn(MULTI_COMP_ATTRIBUTES, name)
      ? MULTI_COMP_ATTRIBUTES[name]
      : this.#features.writeback === true && Object.hasOwn(WRITEBACK_ATTRIBUTES, name)
      ? WRITEBACK_ATTRIBUTES[name]
      : undefined;
    const spec = Object.hasOwn(ATTRIBUTES, name) ? ATTRIBUTES[name] : extra;
    if (spec === undefined) throw new SysfsError("ENOENT", `no attribute ${JSON.stringify(name)}`);
    return spec;
  }

  #deviceForPage(index: number): BlockDevice | null {
    if (!Number.isSafeInteger(index) || index < 0) throw new SysfsError("EINVAL", `page index ${index}`);
    const device = this.#device;
    return device !== null && index < device.pageCount ? device : null;
  }

  #requireInitialised(what: string): BlockDevice {
    if (this.#device === null) throw new SysfsError("EINVAL", `${what}: the device is not initialised`);
    return this.#device;
  }

  #storeDisksize(s: string): void {
    const requested = memparse(s).value;
    if (requested === 0n) throw new SysfsError("EINVAL", `disksize ${JSON.stringify(s)} is zero`);
    if (this.#device !== null) throw new SysfsError("EBUSY", "cannot change disksize of an initialised device");
    const bytes = pageAlignU64(requested);
    if (bytes === 0n || bytes / BigInt(PAGE_SIZE) * BigInt(TABLE_ENTRY_BYTES) > BigInt(totalmem())) {
      throw new SysfsError("ENOMEM", `no memory for the table of a ${requested}-byte device`);
    }
    const algorithm = matchAlgorithm(this.#algorithm) ?? DEFAULT_ZRAM_ALGORITHM;
    const builder = new CompressorBuilder().algorithm(
      withDictionary(codecFor(algorithm, this.#level), this.#dictionary),
    );
    const compressor = (this.#threads === undefined ? builder : builder.threads(this.#threads)).build();
    let device: BlockDevice;
    try {
      // The kernel tries every page (no entropy skip), so the emulation does too.
      device = new BlockDevice(Number(bytes), compressor, {
        entropyThreshold: 8,
        memLimit: this.#memLimitBytes(),
        clock: this.#clock,
        backingFile: this.#backingPath ?? undefined,
      });
      this.#applyWritebackLimit(device);
      this.#recompAlgorithms.forEach((name, priority) => {
        if (name !== undefined) device.setRecompressAlgorithm(priority, this.#recompCodec(priority));
      });
    } catch (e) {
      compressor.close();
      if (e instanceof TruenoError && e.code === "OutOfMemory") throw new SysfsError("ENOMEM", e.message);
      // The backing file is opened again here (zram holds it open from backing_dev on): gone meanwhile.
      if (e instanceof TruenoError && e.code === "InvalidInput") throw new SysfsError("EINVAL", e.message);
      throw e;
    }
    this.#compressor = compressor;
    this.#device = device;
    this.#disksize = Number(bytes);
  }

  #storeReset(s: string): void {
    if (kstrtou16(s, 10) === 0) throw new SysfsError("EINVAL", "reset takes a non-zero number");
    if (this.#openers > 0) throw new SysfsError("EBUSY", "the device is open");
    this.#wbLimit = this.#currentWritebackLimit(); // zram keeps bd_wb_limit, as counted down, over a reset
    this.#device?.close();
    this.#compressor?.close();
    this.#compressor = null;
    this.#device = null;
    this.#disksize = 0;
    this.#algorithm = DEFAULT_ZRAM_ALGORITHM;
    this.#level = null;
    this.#dictionary = null;
    this.#limitPages = 0n;
    this.#recompAlgorithms.fill(undefined);
    this.#recompLevels.fill(null);
    this.#backingPath = null;
  }

  /** The limit as the device holds it now (it counts down), in zram's u64. */
  #currentWritebackLimit(): bigint {
    const device = this.#device;
    if (device === null) return this.#wbLimit;
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    return this.#wbLimit > max ? this.#wbLimit - (max - BigInt(device.writebackLimit)) : BigInt(device.writebackLimit);
  }

  #applyWritebackLimit(device = this.#device): void {
    if (device === null) return;
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    device.writebackLimit = Number(this.#wbLimit > max ? max : this.#wbLimit);
    device.writebackLimitEnabled = this.#wbLimitEnabled;
  }

  /** writeback_store: EINVAL before initialisation, ENODEV without a backing device, then the scans; a
   * limit reached or a failed file write is EIO, a full file ENOSPC (the pages before stay written). */
  #storeWriteback(s: string): void {
    const device = this.#requireInitialised("writeback");
    if (this.#backingPath === null) throw new SysfsError("ENODEV", "no backing device");
    const scans = parseWriteback(s, device.pageCount);
    const result = device.writeback({ scans });
    if (result.stopped === "full") {
      throw new SysfsError("ENOSPC", `the backing device is full (${result.written} pages written)`);
    }
    if (result.stopped === "limit") {
      throw new SysfsError("EIO", `writeback_limit reached (${result.written} pages written)`);
    }
    if (result.failed > 0) throw new SysfsError("EIO", `${result.failed} pages could not be written (left in memory)`);
  }

  /** comp_params_store's algo= lookup: the first priority whose algorithm has that name, else -1. */
  #priorityOf(algo: string): number {
    if (algo === this.#algorithm) return 0;
    const found = this.#recompAlgorithms.findIndex((name, p) => p > 0 && name === algo);
    return found;
  }

  /** The codec of a configured secondary priority, with its algorithm_params level. */
  #recompCodec(priority: number) {
    return codecFor(this.#recompAlgorithms[priority]!, this.#recompLevels[priority] ?? null);
  }

  /** recompress_store: the device's recompress with the parsed parameters; its refusals as zram's errno. */
  #storeRecompress(s: string): void {
    const { options, algo } = parseRecompress(s);
    const device = this.#requireInitialised("recompress");
    let algorithm;
    if (algo !== null) {
      const name = ZRAM_ALGORITHMS.find((known) => known === algo);
      if (name === undefined) throw new SysfsError("EINVAL", `no recompression algorithm ${JSON.stringify(algo)}`);
      algorithm = codecFor(name, null);
    }
    try {
      device.recompress({ ...options, algorithm });
    } catch (e) {
      if (e instanceof TruenoError) throw new SysfsError(e.code === "OutOfMemory" ? "ENOMEM" : "EINVAL", e.message);
      throw e;
    }
  }

  #storeCompAlgorithm(s: string): void {
    if (s.length >= MAX_ALGO_NAME) throw new SysfsError("E2BIG", `algorithm name of ${s.length} bytes`);
    const name = s.endsWith("\n") ? s.slice(0, -1) : s;
    if (matchAlgorithm(name) === undefined) throw new SysfsError("EINVAL", `unknown algorithm ${JSON.stringify(name)}`);
    if (this.#device !== null) throw new SysfsError("EBUSY", "cannot change the algorithm of an initialised device");
    this.#algorithm = name;
  }

  #storeAlgorithmParams(s: string): void {
    const params = parseAlgorithmParams(s);
    let priority = params.priority;
    if (params.algo !== null) priority = this.#priorityOf(params.algo);
    // ZRAM_MAX_COMPS is 1 without CONFIG_ZRAM_MULTI_COMP, 4 with it; parameters of a priority are kept
    // whether or not it has an algorithm yet.
    const secondary = this.#features.multiComp === true && priority > 0 && priority < MAX_COMPS;
    if (priority !== 0 && !secondary) throw new SysfsError("EINVAL", `no compression priority ${priority}`);
    if (secondary) {
      // Secondary algorithms decode through the primary one's states: no dictionary for them here.
      if (params.dict !== null) {
        throw new SysfsError("EINVAL", "dictionaries are supported for the primary algorithm only");
      }
      this.#recompLevels[priority] = params.level;
      if (this.#recompAlgorithms[priority] !== undefined) {
        this.#device?.setRecompressAlgorithm(priority, this.#recompCodec(priority));
      }
      return;
    }
    // Like comp_params_store: the parameters are replaced as a whole (an absent level is unset), and
    // the backend reads them on every compression, so an initialised device uses them from its next
    // write. codecFor bounds the level where the kernel's would wrap (README, deliberate differences).
    const algorithm = matchAlgorithm(this.#algorithm) ?? DEFAULT_ZRAM_ALGORITHM;
    // The file is read at the write, and digested when the device is initialised (a live device keeps
    // the dictionary it was made with, as zram's backend keeps its CDict).
    this.#dictionary = params.dict === null ? null : readDictionary(params.dict, algorithm);
    this.#level = params.level;
    this.#device?.setCompressionLevel(codecFor(algorithm, this.#level).level);
  }

  #storeMemLimit(s: string): void {
    const { value, consumed } = memparse(s);
    if (consumed === 0) throw new SysfsError("EINVAL", `mem_limit ${JSON.stringify(s)} has no number`);
    this.#limitPages = pageAlignU64(value) >> PAGE_SHIFT;
    this.#device?.setMemLimit(this.#memLimitBytes());
  }

  #storeMemUsedMax(s: string): void {
    let value: bigint;
    try {
      value = kstrtoull(s, 10);
    } catch {
      throw new SysfsError("EINVAL", `mem_used_max takes 0, not ${JSON.stringify(s)}`);
    }
    if (value !== 0n) throw new SysfsError("EINVAL", `mem_used_max takes 0, not ${JSON.stringify(s)}`);
    this.#device?.resetMemUsedMax();
  }

  /** The limit for the BlockDevice: beyond what a JS number holds exactly, no real pool can reach it. */
  #memLimitBytes(): number {
    const bytes = (this.#limitPages << PAGE_SHIFT) & U64_MASK;
    const max = BigInt(Number.MAX_SAFE_INTEGER - (Number.MAX_SAFE_INTEGER % PAGE_SIZE));
    return Number(bytes > max ? max : bytes);
  }
}
