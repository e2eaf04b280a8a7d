// zram's post-processing attributes as Linux 6.18 parses them (drivers/block/zram/zram_drv.c: idle_store
// with CONFIG_ZRAM_TRACK_ENTRY_ACTIME, recomp_algorithm_store/show and recompress_store with
// CONFIG_ZRAM_MULTI_COMP). Read from the source: this machine's kernel is built without both.
import type { RecompressOptions } from "../block/recompression.ts";
import { nextArg, skipSpaces } from "./algorithm_params.ts";
import { matchAlgorithm, sysfsStreq, ZRAM_ALGORITHMS, type ZramAlgorithm } from "./algorithms.ts";
import type { AttributeSpec } from "./attributes.ts";
import { MAX_ALGO_NAME } from "./attributes.ts";
import { SysfsError } from "./errors.ts";
import { kstrtoint, kstrtoull } from "./kstrto.ts";

/** The kernel options the emulation can add to this machine's build (off by default, like it). */
export interface ZramFeatures {
  /** CONFIG_ZRAM_TRACK_ENTRY_ACTIME: `idle` also takes an age in seconds. */
  readonly trackAccessTime?: boolean;
  /** CONFIG_ZRAM_MULTI_COMP: recomp_algorithm and recompress. */
  readonly multiComp?: boolean;
  /** CONFIG_ZRAM_WRITEBACK: backing_dev, writeback, writeback_limit(_enable), bd_stat. */
  readonly writeback?: boolean;
}

/** The attributes CONFIG_ZRAM_MULTI_COMP adds. */
export const MULTI_COMP_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = Object.freeze({
  recomp_algorithm: { readable: true, writable: true },
  recompress: { readable: false, writable: true },
});

/** ZRAM_MAX_COMPS: the primary algorithm and three secondary ones. */
export const MAX_COMPS = 4;
/** zram's huge_class_size for 4 KiB pages. */
const HUGE_CLASS_SIZE = 3625;

function kstrtou32(s: string, base: number): number {
  const value = kstrtoull(s, base);
  if (value > 0xffffffffn) throw new SysfsError("ERANGE", `${JSON.stringify(s)} does not fit 32 bits`);
  return Number(value);
}

/** idle_store: "all", or with access-time tracking an age in seconds (kstrtou32, base 0). */
export function parseIdle(s: string, trackAccessTime: boolean): number | "all" {
  if (sysfsStreq(s, "all")) return "all";
  if (!trackAccessTime) throw new SysfsError("EINVAL", `idle takes "all", not ${JSON.stringify(s)}`);
  try {
    return kstrtou32(s, 0);
  } catch {
    throw new SysfsError("EINVAL", `idle takes "all" or seconds, not ${JSON.stringify(s)}`);
  }
}

/** key=value tokens as next_arg() splits them; a key without a value is EINVAL. */
function* tokens(s: string): Generator<{ param: string; value: string }> {
  let at = skipSpaces(s, 0);
  while (at < s.length) {
    const { param, value, next } = nextArg(s, at);
    at = next;
    if (value === null || value === "") throw new SysfsError("EINVAL", `"${param}" has no value`);
    yield { param, value };
  }
}

/** recomp_algorithm_store: "algo=NAME [priority=1..3]" (priority defaults to 1). */
export function parseRecompAlgorithm(s: string): { priority: number; name: ZramAlgorithm } {
  let name: string | null = null;
  let priority = 1;
  for (const { param, value } of tokens(s)) {
    if (param === "algo") name = value;
    else if (param === "priority") priority = kstrtoint(value, 10);
  }
  if (name === null) throw new SysfsError("EINVAL", "recomp_algorithm needs algo=NAME");
  if (priority < 1 || priority >= MAX_COMPS) throw new SysfsError("EINVAL", `priority ${priority} is not 1..3`);
  if (name.length >= MAX_ALGO_NAME) throw new SysfsError("E2BIG", `algorithm name of ${name.length} bytes`);
  const known = matchAlgorithm(name);
  if (known === undefined) throw new SysfsError("EINVAL", `unknown algorithm ${JSON.stringify(name)}`);
  return { priority, name: known };
}

/** recomp_algorithm_show: "#P: " and the list with the selected name in brackets, per configured priority. */
export function formatRecompAlgorithm(names: readonly (ZramAlgorithm | undefined)[]): string {
  return names.map((name, priority) =>
    name === undefined || priority === 0
      ? ""
      : `#${priority}: ` + ZRAM_ALGORITHMS.map((a) => (a === name ? `[${a}] ` : `${a} `)).join("") + "\n"
  ).join("");
}

/** recompress_store's parameters: the options for BlockDevice.recompress and an algo= name. An unknown
 * type= value selects every page, and unknown keys are ignored, as in the kernel. */
export function parseRecompress(s: string): { options: RecompressOptions; algo: string | null } {
  let type: RecompressOptions["type"];
  let threshold = 0;
  let maxPages: number | undefined;
  let priority: number | undefined;
  let algo: string | null = null;
  for (const { param, value } of tokens(s)) {
    switch (param) {
      case "type":
        type = value === "idle" || value === "huge" || value === "huge_idle" ? value : undefined;
        break;
      case "max_pages": {
        const pages = kstrtoull(value, 10);
        maxPages = pages > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(pages);
        break;
      }
      case "threshold":
        threshold = kstrtou32(value, 10);
        break;
      case "algo":
        algo = value;
        break;
      case "priority":
        priority = kstrtou32(value, 10);
        break;
    }
  }
  if (threshold >= HUGE_CLASS_SIZE) {
    throw new SysfsError("EINVAL", `threshold ${threshold} is not below ${HUGE_CLASS_SIZE}`);
  }
  return {
    options: { type, threshold, maxPages, priority: priority === undefined ? undefined : Math.max(priority, 1) },
    algo,
  };
}
