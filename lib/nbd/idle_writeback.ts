// Pushing a served device's cold pages to its backing file: every interval, the pages not read or
// written for idleSeconds are marked idle and written back (zram's `idle` <- N, then `writeback` <- idle).
import { TruenoError } from "../ffi/errors.ts";
import type { ServedExport } from "./exports.ts";

/** ServeNbdOptions' writeback: when the cold pages of served devices go to their backing files. */
export interface IdleWritebackOptions {
  /** Pages not accessed for this many whole seconds are written back to the device's backing file. */
  idleSeconds: number;
  /** Milliseconds between two passes; default idleSeconds * 1000. */
  intervalMs?: number;
}

/**
 * Starts the passes over every export whose device has a backing file; returns what stops them.
 * InvalidInput for a bad option; failures of one pass are logged and the next pass tries again.
 */
export function startIdleWriteback(
  exports: readonly ServedExport[],
  options: IdleWritebackOptions,
  log: (line: string) => void,
): () => void {
  const { idleSeconds } = options;
  if (!Number.isInteger(idleSeconds) || idleSeconds < 0 || idleSeconds >= 2 ** 32) {
    throw new TruenoError("InvalidInput", `writeback idleSeconds ${idleSeconds} is not whole seconds below 2^32`);
  }
  const intervalMs = options.intervalMs ?? idleSeconds * 1000;
  if (!(intervalMs > 0) || intervalMs >= 2 ** 31) {
    throw new TruenoError("InvalidInput", `writeback intervalMs ${intervalMs}`);
  }
  const backed = exports.filter((served) => served.device.backingFile !== null);
  const timer = setInterval(() => {
    for (const served of backed) {
      try {
        served.device.markIdle(idleSeconds);
        served.device.writeback({ type: "idle" });
      } catch (e) {
        log(
          `nbd: writeback of export ${JSON.stringify(served.name)} failed: ${
            e instanceof Error ? e.message : String(e)
          }`,
        );
      }
    }
  }, intervalMs);
  return () => clearInterval(timer);
}
