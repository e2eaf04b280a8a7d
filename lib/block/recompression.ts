// A BlockDevice's secondary compression algorithms (zram's recomp_algorithm, priorities 1..3) and its
// recompress operation, with zram's choice of priorities (drivers/block/zram/zram_drv.c, recompress_store):
// by default every secondary algorithm from priority 1 up is tried in turn; `priority` tries only that
// one; `algorithm` the first one of that name from the starting priority on.
import { TruenoError } from "../ffi/errors.ts";
import { Algorithm } from "../compressor/algorithm.ts";
import { CompressorBuilder } from "../compressor/builder.ts";
import type { Compressor } from "../compressor/compressor.ts";
import type { PageStore } from "./native_store.ts";

/** zram's huge_class_size (TZ_STORE_HUGE_LEN): thresholds must be below it. */
const HUGE_LEN = 3625;
/** TZ_STORE_PRIORITIES: the primary algorithm and three secondary ones. */
const PRIORITIES = 4;
/** TZ_RECOMPRESS_IDLE / TZ_RECOMPRESS_HUGE. */
const MODES = { idle: 1, huge: 2, huge_idle: 3 } as const;

/** What BlockDevice.recompress recompresses (zram's recompress parameters). */
export interface RecompressOptions {
  /** Which pages: every stored page that is not same-filled (default), or only idle, huge (stored raw),
   * or idle and huge ones. */
  readonly type?: "idle" | "huge" | "huge_idle";
  /** 0 (default) or a stored length below 3625: smaller pages are left alone, and a page's new form must
   * be below it. */
  readonly threshold?: number;
  /** Most pages to try, successful or not (default: no limit). */
  readonly maxPages?: number;
  /** Only the secondary algorithm of this name (zram's algo=; the level does not take part). */
  readonly algorithm?: Algorithm;
  /** Only the secondary algorithm of this priority, 1..3 (zram's priority=). */
  readonly priority?: number;
}

/** What BlockDevice.recompress did. */
export interface RecompressResult {
  /** Pages the scan selected. */
  readonly candidates: number;
  /** Pages recompression was tried on (each counts against maxPages). */
  readonly attempted: number;
  /** Pages now stored smaller by a secondary algorithm. */
  readonly recompressed: number;
  /** Pages newly marked incompressible: no secondary algorithm made them smaller; skipped from now on. */
  readonly incompressible: number;
}

function invalid(message: string): TruenoError {
  return new TruenoError("InvalidInput", `recompress: ${message}`);
}

function wholeNumber(value: unknown, what: string, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw invalid(`${what} ${String(value)} is not a whole number in 0..${max}`);
  }
  return value;
}

/** The secondary compressors by priority; the device closes them with itself. */
export class Recompression {
  #secondary: (Compressor | undefined)[] = new Array(PRIORITIES).fill(undefined);
  #handles = new Int32Array(new ArrayBuffer(PRIORITIES * 4));
  #out = new Float64Array(new ArrayBuffer(4 * 8));

  /** Sets (or with null removes) the algorithm of a priority, 1..3. */
  set(priority: number, algorithm: Algorithm | null): void {
    if (!Number.isInteger(priority) || priority < 1 || priority >= PRIORITIES) {
      throw new TruenoError("InvalidInput", `a recompression priority is 1..${PRIORITIES - 1}, not ${priority}`);
    }
    if (algorithm !== null && !(algorithm instanceof Algorithm)) {
      throw new TruenoError("InvalidInput", "a recompression algorithm is an Algorithm or null");
    }
    // Every stored page decodes with the device's own compressor, by its kind: a dictionary would be
    // needed there too.
    if (algorithm?.dictionary !== undefined) {
      throw new TruenoError("InvalidInput", "a recompression algorithm cannot have a dictionary");
    }
    const compressor = algorithm === null ? undefined : new CompressorBuilder().algorithm(algorithm).threads(1).build();
    this.#secondary[priority]?.close();
    this.#secondary[priority] = compressor;
  }

  /** The algorithm of each priority 1..3 (undefined where none). */
  algorithms(): (Algorithm | undefined)[] {
    return this.#secondary.slice(1).map((c) => c?.algorithm);
  }

  run(store: PageStore, primary: number, options: RecompressOptions): RecompressResult {
    if (options === null || typeof options !== "object") throw invalid("options must be an object");
    const mode = options.type === undefined ? 0 : Object.hasOwn(MODES, options.type) ? MODES[options.type] : undefined;
    if (mode === undefined) throw invalid(`type '${String(options.type)}' is not idle, huge or huge_idle`);
    const threshold = wholeNumber(options.threshold ?? 0, "threshold", HUGE_LEN - 1);
    const maxPages = options.maxPages === undefined
      ? -1
      : wholeNumber(options.maxPages, "maxPages", Number.MAX_SAFE_INTEGER);
    // zram counts the configured algorithms, the primary one included.
    const active = 1 + this.#secondary.filter((c) => c !== undefined).length;
    let prio = 1;
    let prioMax = active;
    if (options.priority !== undefined) {
      prio = Math.max(1, wholeNumber(options.priority, "priority", PRIORITIES - 1));
      prioMax = prio + 1;
    }
    if (options.algorithm !== undefined) {
      if (!(options.algorithm instanceof Algorithm)) throw invalid("algorithm must be an Algorithm");
      const found = this.#secondary.findIndex((c, p) => p >= prio && c?.algorithm.name === options.algorithm!.name);
      if (found < 0) {
        throw invalid(`no recompression algorithm named ${options.algorithm.name} from priority ${prio} on`);
      }
      prio = found;
      prioMax = found + 1;
    }
    prioMax = Math.min(prioMax, active);
    if (prio >= prioMax) {
      throw invalid("no recompression algorithm for these priorities (set one with setRecompressAlgorithm)");
    }
    this.#secondary.forEach((c, p) => (this.#handles[p] = c === undefined ? 0 : c.nativeHandle()));
    store.recompress(primary, this.#handles, prio, prioMax, active, mode, threshold, maxPages, this.#out);
    const o = this.#out;
    return { candidates: o[0]!, attempted: o[1]!, recompressed: o[2]!, incompressible: o[3]! };
  }

  close(): void {
    for (const c of this.#secondary) c?.close();
    this.#secondary.fill(undefined);
  }
}
