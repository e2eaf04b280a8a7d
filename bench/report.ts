/** Markdown tables for the benchmark summaries, ready to paste into the README. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n") + "\n";
}

export interface Target {
  what: string;
  /** The median figure, or every pass's figure (then: the median, with min..max beside it). */
  measured: number | readonly number[];
  goal: number;
  unit: "x" | "GB/s";
}

export function targetRows(targets: readonly Target[]): string[][] {
  return targets.map((t) => {
    const unit = t.unit === "x" ? "x" : " GB/s";
    const figures = typeof t.measured === "number" ? [t.measured] : t.measured;
    const mid = median(figures);
    return [t.what, withSpread(figures, 2) + unit, `>= ${t.goal}${unit}`, mid >= t.goal ? "PASS" : "MISS"];
  });
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  const upper = s[m];
  if (upper === undefined) return NaN; // no values
  return s.length % 2 ? upper : (s[m - 1]! + upper) / 2;
}

/** "median" for one figure, "median (min..max)" for several. */
export function withSpread(xs: readonly number[], digits: number): string {
  const mid = median(xs).toFixed(digits);
  if (xs.length < 2) return mid;
  return `${mid} (${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)})`;
}
