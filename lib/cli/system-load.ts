/** The machine's load while a benchmark runs: /proc/loadavg and the CPUs this process may use. */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

export interface LoadSample {
  /** Runnable tasks averaged over 1, 5 and 15 minutes. */
  loadavg: [number, number, number];
}

export function sampleLoad(): LoadSample {
  try {
    const [one = NaN, five = NaN, fifteen = NaN] = readFileSync("/proc/loadavg", "utf8").split(" ").map(Number);
    return { loadavg: [one, five, fifteen] };
  } catch {
    // Not Linux (or /proc hidden): NaN reads as "unknown" in the table and null in JSON.
    return { loadavg: [NaN, NaN, NaN] };
  }
}

export function cpuCount(): number {
  return availableParallelism();
}

export function formatLoad(start: LoadSample, end: LoadSample, cpus: number): string {
  const f = (s: LoadSample) => s.loadavg.map((x) => (Number.isFinite(x) ? x.toFixed(2) : "?")).join(" ");
  return `system load (1/5/15 min): ${f(start)} at start, ${f(end)} at end; ${cpus} CPUs`;
}
