// Checks of the tree by outside tools (strict types, lint, doc lint, formatting): run the tool, collect the
// files it reports, and fail on any.
import { spawnSync } from "node:child_process";
import process from "node:process";
import { expect, repoRoot } from "./harness.ts";

export const deno = `${repoRoot}node_modules/.bin/deno`;

/** stdout and stderr of a command, whatever its exit status (these tools exit non-zero on findings). */
export function outputOf(argv: string[], cwd = repoRoot): string {
  const env = { ...process.env, NO_COLOR: "1" };
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: "utf8", env });
  if (r.error) throw r.error;
  return `${r.stdout}\n${r.stderr}`;
}

/** The repository-relative files `pattern`'s first group captures in `output`, and how many hits. */
export function reportedFiles(output: string, pattern: RegExp): { files: string[]; hits: number } {
  const hits = [...output.matchAll(pattern)].map((m) => m[1]!.replace(repoRoot, ""));
  return { files: [...new Set(hits)].sort(), hits: hits.length };
}

/** Fails when `tool` reported any problem in a file, or any output matches `anyProblem` (a failure that names
 * no file, such as a bad configuration), showing the output. */
export function expectNoProblems(
  tool: string,
  output: string,
  reported: { files: string[]; hits: number },
  anyProblem?: RegExp,
): void {
  expect(reported.files, `${tool}: ${reported.hits} problems:\n${output}`).toEqual([]);
  if (anyProblem !== undefined) expect(anyProblem.test(output), `${tool} failed:\n${output}`).toBeFalse();
}
