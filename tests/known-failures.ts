// For checks that the tree does not pass everywhere yet (strict types, formatting, lint, doc lint): run
// the tool, collect the files it reports, and fail when one is missing from the check's to-do list. The
// lists shrink as files are fixed; an empty list means the check is clean.
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

/** Fails when `tool` reported a file that is not on its to-do list. */
export function expectOnlyKnown(tool: string, reported: { files: string[]; hits: number }, todo: string[]): void {
  const unexpected = reported.files.filter((f) => !todo.includes(f));
  expect(unexpected, `${tool}: ${reported.hits} problems; fix these files (not on the to-do list)`).toEqual([]);
}
