// Runs the CLI as a user would: under Bun, under Deno, or as the compiled executable.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { syntheticWorkload } from "../lib/cli/workload.ts";
import { repoRoot, runtime } from "./harness.ts";

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export const RUNTIMES = {
  bun: [join(repoRoot, "node_modules", ".bin", "bun"), join(repoRoot, "lib", "cli", "main.ts")],
  deno: [join(repoRoot, "node_modules", ".bin", "deno"), "run", "-A", join(repoRoot, "lib", "cli", "main.ts")],
} as const;

export function runCommand(argv: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    encoding: "utf8",
    timeout: 240_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runCli(runtime: keyof typeof RUNTIMES, args: readonly string[]): CliRun {
  return runCommand([...RUNTIMES[runtime], ...args]);
}

/**
 * A small file of whole pages of the built-in mix under .cache/cli-test/, rewritten on every run; one
 * name per runtime, so that `bun test` and `deno test` running side by side never share a file.
 */
export function smallPagesFile(pages: number): string {
  const dir = join(repoRoot, ".cache", "cli-test");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${runtime}-${pages}.pages`);
  writeFileSync(path, syntheticWorkload(pages, 12345));
  return path;
}
