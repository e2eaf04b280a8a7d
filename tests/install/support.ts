// What the install tests share: the tarballs of scripts/pack.sh (built once per process), a local npm
// registry serving only them (tests/install/registry.ts), and fresh projects in temporary directories
// with nothing of the repository beside them.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import process from "node:process";
import { repoRoot, runtime } from "../harness.ts";

export const bun = join(repoRoot, "node_modules", ".bin", "bun");
export const deno = join(repoRoot, "node_modules", ".bin", "deno");
export const tsc = join(repoRoot, "node_modules", ".bin", "tsc");

let packed: string | undefined;

/** The folder holding every tarball, packed by scripts/pack.sh on first use (one folder per runtime). */
export function tarballs(): string {
  if (packed === undefined) {
    const dist = join(repoRoot, ".cache", `pack-${runtime}`);
    execFileSync("bash", [join(repoRoot, "scripts", "pack.sh"), dist], { stdio: ["ignore", "ignore", "inherit"] });
    packed = join(dist, "packages");
  }
  return packed;
}

export function tarballNames(): string[] {
  return readdirSync(tarballs()).filter((f) => f.endsWith(".tgz")).sort();
}

export interface Registry {
  url: string;
  close(): void;
}

/**
 * Starts tests/install/registry.ts over the tarballs (and, with `sourceDir`, that folder's modules under
 * /src/); resolves once it prints its URL.
 */
export function startRegistry(sourceDir?: string): Promise<Registry> {
  const args = [join(repoRoot, "tests", "install", "registry.ts"), tarballs(), ...(sourceDir ? [sourceDir] : [])];
  const child = spawn(bun, args, {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout!.on("data", (chunk) => {
      text += chunk;
      const line = text.split("\n")[0];
      if (text.includes("\n") && line !== undefined) resolve({ url: line.trim(), close: () => child.kill() });
    });
    child.on("exit", (code) => reject(new Error(`registry exited with ${code}`)));
  });
}

/** A fresh project with the local registry up, as `inFreshProject` hands it to its body. */
export interface Project {
  dir: string;
  env: Record<string, string>;
  registry: Registry;
}

/**
 * Runs `body` in a fresh project (a copy of examples/<example> when given) with the local registry up (also
 * serving `sourceDir`'s modules when given); removes both afterwards.
 */
export async function inFreshProject(
  options: { example?: string; sourceDir?: string },
  body: (project: Project) => void | Promise<void>,
): Promise<void> {
  const registry = await startRegistry(options.sourceDir);
  const dir = freshProject(options.example);
  try {
    await body({ dir, env: userEnv(dir, registry), registry });
  } finally {
    registry.close();
    removeProject(dir);
  }
}

/** A fresh directory under the system temp folder, optionally filled with a copy of `fromExample`. */
export function freshProject(fromExample?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "trueno-install-"));
  if (fromExample !== undefined) {
    // What a user copies: the example's own files, never packages an earlier run installed beside them.
    const filter = (src: string) => basename(src) !== "node_modules";
    cpSync(join(repoRoot, "examples", fromExample), dir, { recursive: true, filter });
  }
  return dir;
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A registry address where nothing listens (port 9, discard): any registry request fails at once. */
const NO_REGISTRY = "http://127.0.0.1:9";

/**
 * The environment of a user's shell pointed at the local registry (without one: at no registry at all):
 * nothing of this repository (no TRUENO_ZRAM_LIB), and package caches inside the project, so that no
 * earlier tarball is reused.
 */
export function userEnv(project: string, registry?: Registry): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== "TRUENO_ZRAM_LIB") env[k] = v;
  return {
    ...env,
    NPM_CONFIG_REGISTRY: `${registry?.url ?? NO_REGISTRY}/`,
    BUN_INSTALL_CACHE_DIR: join(project, ".cache", "bun"),
    DENO_DIR: join(project, ".cache", "deno"),
    NO_COLOR: "1",
  };
}

/** Runs a command in `cwd`; its output, or an Error carrying both streams when it fails. */
export function run(cwd: string, env: Record<string, string>, argv: string[]): string {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${argv.join(" ")} failed in ${cwd}: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

/**
 * Stands in for @types/bun, which the local registry does not serve: the repository's @types/node
 * (what @types/bun builds on) copied into the project, and the tsconfig's `types` pointed at it.
 */
export function provideNodeTypes(project: string): void {
  for (const name of ["@types/node", "undici-types"]) {
    cpSync(join(repoRoot, "node_modules", name), join(project, "node_modules", name), {
      recursive: true,
      dereference: true,
    });
  }
}
