/** Markdown tables for the benchmark summaries, ready to paste into the README. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n") + "\n";
}

export interface Target {
  what: string;
  measured: number;
  goal: number;
  unit: "x" | "GB/s";
}

export function targetRows(targets: readonly Target[]): string[][] {
  return targets.map((t) => [
    t.what,
    `${t.measured.toFixed(2)}${t.unit === "x" ? "x" : " GB/s"}`,
    `>= ${t.goal}${t.unit === "x" ? "x" : " GB/s"}`,
    t.measured >= t.goal ? "PASS" : "MISS",
  ]);
}
