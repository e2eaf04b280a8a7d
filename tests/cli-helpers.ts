// Runs the CLI as a user would: under Bun, under Deno, or as the compiled executable.
import { spawn, spawnSync } from "node:child_process";
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

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Bytes for the command's standard input. */
  input?: Uint8Array;
}

export function runCommand(argv: readonly string[], options: RunOptions = {}): CliRun {
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    encoding: "utf8",
    timeout: 240_000,
    input: options.input,
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runCli(runtime: keyof typeof RUNTIMES, args: readonly string[], options: RunOptions = {}): CliRun {
  return runCommand([...RUNTIMES[runtime], ...args], options);
}

/** runCli without blocking this process's event loop (for commands that talk to a server in this process). */
export function runCliAsync(runtime: keyof typeof RUNTIMES, args: readonly string[]): Promise<CliRun> {
  const [exe, ...pre] = RUNTIMES[runtime];
  const child = spawn(exe, [...pre, ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += String(d)));
  child.stderr!.on("data", (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** runCli for a command that must succeed; returns its stdout parsed as JSON. */
export function runCliJson(runtime: keyof typeof RUNTIMES, args: readonly string[], options: RunOptions = {}) {
  const r = runCli(runtime, [...args, "--json"], options);
  if (r.status !== 0) throw new Error(`trueno-zram ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export interface HeldPagesChild {
  pid: number;
  /** "START-END" in hex: the held pages' address range, for --range. */
  range: string;
  /** Closes the child's stdin and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts tests/fixtures/held-pages.ts under this test's runtime and waits for its address range. */
export function startHeldPages(): Promise<HeldPagesChild> {
  const [exe, ...args] = runtime === "bun" ? [RUNTIMES.bun[0]] : [RUNTIMES.deno[0], "run", "-A"];
  const child = spawn(exe, [...args, join(repoRoot, "tests", "fixtures", "held-pages.ts")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`held-pages child exited early (${code})`)));
    child.stdout!.on("data", (d) => {
      out += String(d);
      const m = /^([0-9a-f]+) ([0-9a-f]+)\n/.exec(out);
      if (m === null) return;
      resolve({
        pid: child.pid!,
        range: `${m[1]}-${m[2]}`,
        stop: () => {
          child.stdin!.end();
          return exited;
        },
      });
    });
  });
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
