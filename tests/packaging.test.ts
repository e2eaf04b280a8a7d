// The module as users get it: a Bun project and a Deno project importing it by name, and the library
// loader's errors when the native library is missing, incomplete or of another ABI version.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import process from "node:process";
import { symbols } from "../lib/ffi/symbols.ts";
import { expect, repoRoot, runtime, test } from "./harness.ts";

const bun = `${repoRoot}node_modules/.bin/bun`;
const deno = `${repoRoot}node_modules/.bin/deno`;

function runIn(cwd: string, tool: string, args: string[], libraryPath?: string): string {
  const env: Record<string, string | undefined> = { ...process.env, TRUENO_ZRAM_LIB: libraryPath };
  if (libraryPath === undefined) delete env.TRUENO_ZRAM_LIB;
  return execFileSync(tool, args, { cwd, encoding: "utf8", env });
}

test("a Bun project installs the packed module and runs a verified round trip", () => {
  const project = `${repoRoot}examples/bun-project`;
  mkdirSync(`${repoRoot}dist`, { recursive: true });
  runIn(repoRoot, bun, ["pm", "pack", "--quiet", "--filename", "dist/trueno-zram.tgz"]);
  rmSync(`${project}/node_modules`, { recursive: true, force: true });
  runIn(project, bun, ["install", "--no-save"]);
  const output = runIn(project, bun, ["index.ts"]);
  expect(/round trip verified, 4 pages \(same,same,zstd,raw\) in \d+ bytes/.test(output), output).toBeTrue();
});

test("a Deno project imports the module through its import map and runs a verified round trip", () => {
  const output = runIn(`${repoRoot}examples/deno-project`, deno, ["run", "-A", "main.ts"]);
  expect(/deno example: round trip verified, 4 pages \(same,same,zstd,raw\) in \d+ bytes/.test(output), output)
    .toBeTrue();
});

/** Runs fixtures/load-error.ts in a fresh process of this runtime, with TRUENO_ZRAM_LIB if given. */
function loadWith(libraryPath?: string): { code: string; message?: string } {
  const script = `${repoRoot}tests/fixtures/load-error.ts`;
  const args = runtime === "bun" ? [script] : ["run", "-A", script];
  const output = runIn(repoRoot, runtime === "bun" ? bun : deno, args, libraryPath);
  return JSON.parse(output);
}

/** A C library exporting `names` (each returning `value`), built with gcc into .cache/. */
function stubLibrary(name: string, names: string[], version: number): string {
  const dir = `${repoRoot}.cache/stub-libs`;
  mkdirSync(dir, { recursive: true });
  const source = names.map((n) =>
    n === "tz_abi_version"
      ? `int tz_abi_version(void) { return ${version}; }`
      : `int ${n}(void) { return -4; }`
  ).join("\n");
  writeFileSync(`${dir}/${name}.c`, source + "\n");
  execFileSync("gcc", ["-shared", "-fPIC", "-o", `${dir}/${name}.so`, `${dir}/${name}.c`]);
  return `${dir}/${name}.so`;
}

test("the default library loads (the build output)", () => {
  expect(loadWith(undefined).code).toBe("loaded");
});

test("a missing library is LibraryNotFound and says to run the build", () => {
  const result = loadWith("/nonexistent/libtrueno_zram.so");
  expect(result.code).toBe("LibraryNotFound");
  expect(result.message!.includes("bash scripts/build.sh"), result.message).toBeTrue();
});

test("a library lacking a symbol of the table is AbiMismatch", () => {
  const names = Object.keys(symbols).filter((n) => n !== "tz_gpu_codec_compress_page_host");
  const result = loadWith(stubLibrary("missing-symbol", names, 1));
  expect(result.code).toBe("AbiMismatch");
  expect(result.message!.includes("bash scripts/build.sh"), result.message).toBeTrue();
});

test("a library of another ABI version is AbiMismatch", () => {
  const result = loadWith(stubLibrary("other-version", Object.keys(symbols), 999));
  expect(result.code).toBe("AbiMismatch");
  expect(result.message!.includes("ABI version 999"), result.message).toBeTrue();
});
