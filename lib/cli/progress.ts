/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never in pipes, logs or
 * --json runs read by machines), redrawn at most every 100 ms.
 */
import { isatty } from "node:tty";
import process from "node:process";

export interface Progress {
  update(fraction: number, label: string): void;
  done(): void;
}

const WIDTH = 30;

export function progressBar(enabled = isatty(2)): Progress {
  let last = 0;
  let drawn = false;
  return {
    update(fraction, label) {
      if (!enabled) return;
      const now = Date.now();
      if (drawn && now - last < 100) return;
      last = now;
      drawn = true;
      const f = Math.min(1, Math.max(0, fraction));
      const full = Math.round(f * WIDTH);
      const bar = "#".repeat(full) + ".".repeat(WIDTH - full);
      process.stderr.write(`\r[${bar}] ${String(Math.floor(f * 100)).padStart(3)}% ${label}\x1b[K`);
    },
    done() {
      if (enabled && drawn) process.stderr.write("\r\x1b[K");
      drawn = false;
    },
  };
}
