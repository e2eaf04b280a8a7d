// The library loader: where it finds libtrueno_zram, and its errors when the library is missing,
// incomplete or of another ABI version, or when the module itself came from a non-file URL.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { currentPlatform, platformPackage } from "../lib/ffi/platform.ts";
import { symbols } from "../lib/ffi/symbols.ts";
import { expect, repoRoot, runtime, test } from "./harness.ts";
import { deno, inFreshProject, run } from "./install/support.ts";

const bun = `${repoRoot}node_modules/.bin/bun`;

/** Runs fixtures/load-error.ts of `root` in a fresh process of this runtime, with TRUENO_ZRAM_LIB if given. */
function loadWith(libraryPath?: string, root = repoRoot): { code: string; message?: string } {
  const env: Record<string, string | undefined> = { ...process.env, TRUENO_ZRAM_LIB: libraryPath };
  if (libraryPath === undefined) delete env.TRUENO_ZRAM_LIB;
  const script = join(root, "tests", "fixtures", "load-error.ts");
  const argv = runtime === "bun" ? [bun, script] : [deno, "run", "-A", script];
  return JSON.parse(execFileSync(argv[0]!, argv.slice(1), { cwd: root, encoding: "utf8", env }));
}

/** A C library exporting `names` (each returning `value`), built with gcc into .cache/. */
function stubLibrary(name: string, names: string[], version: number): string {
  const dir = `${repoRoot}.cache/stub-libs`;
  mkdirSync(dir, { recursive: true });
  const source = names.map((n) =>
    n === "tz_abi_version" ? `int tz_abi_version(void) { return ${version}; }` : `int ${n}(void) { return -4; }`
  ).join("\n");
  writeFileSync(`${dir}/${name}.c`, source + "\n");
  execFileSync("gcc", ["-shared", "-fPIC", "-o", `${dir}/${name}.so`, `${dir}/${name}.c`]);
  return `${dir}/${name}.so`;
}

test("the default library loads (the build output)", () => {
  expect(loadWith(undefined).code).toBe("loaded");
});

test("a missing TRUENO_ZRAM_LIB library is LibraryNotFound naming the variable, the path and the fix", () => {
  const result = loadWith("/nonexistent/libtrueno_zram.so");
  expect(result.code).toBe("LibraryNotFound");
  for (const part of ["/nonexistent/libtrueno_zram.so", "TRUENO_ZRAM_LIB", "bash scripts/build.sh"]) {
    expect(result.message!.includes(part), result.message).toBeTrue();
  }
});

test("with no library anywhere, LibraryNotFound lists every place looked at and how to install one", () => {
  // The module alone, as an installed package without its platform package: no zig-out beside it.
  const copy = mkdtempSync(join(tmpdir(), "trueno-noload-"));
  try {
    for (const path of ["mod.ts", "lib", "tests/fixtures/load-error.ts"]) {
      cpSync(join(repoRoot, path), join(copy, path), { recursive: true });
    }
    const result = loadWith(undefined, copy);
    expect(result.code).toBe("LibraryNotFound");
    for (
      const part of [
        "setLibraryPath(): not called",
        "TRUENO_ZRAM_LIB environment variable: not set",
        "useEmbeddedLibrary(): not called",
        `package ${platformPackage(currentPlatform())}: not installed`,
        `source build: not built (${join(copy, "zig-out", "lib", "libtrueno_zram.so")})`,
        `bun add ${platformPackage(currentPlatform())}@0.1.0`,
      ]
    ) expect(result.message!.includes(part), `${part} in ${result.message}`).toBeTrue();
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
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

/** Runs, under Deno, a script importing mod.ts from the local registry's http URL; its output. */
function runFromHttp(project: string, env: Record<string, string>, url: string): string {
  writeFileSync(
    join(project, "main.ts"),
    `import { CompressorBuilder, libraryPath, TruenoError } from "${url}/src/mod.ts";\n` +
      `try { new CompressorBuilder().build().close(); console.log(libraryPath()); }\n` +
      `catch (e) { if (!(e instanceof TruenoError)) throw e; console.log(e.message); }\n`,
  );
  const host = new URL(url).host;
  return run(project, env, [deno, "run", `--allow-import=${host}`, "--allow-ffi", "--allow-read", "main.ts"]);
}

test("Deno importing mod.ts from an http URL loads, and takes the library from the npm platform package", async () => {
  await inFreshProject({ sourceDir: repoRoot }, ({ dir: project, env, registry }) => {
    const output = runFromHttp(project, env, registry.url);
    const expected = `/${platformPackage(currentPlatform())}/0.1.0/libtrueno_zram.so`;
    expect(output.trim().endsWith(expected), output).toBeTrue();
  });
});

test("Deno importing mod.ts from an http URL with no npm registry: no crash, the error says what to do", async () => {
  await inFreshProject({ sourceDir: repoRoot }, ({ dir: project, env, registry }) => {
    const output = runFromHttp(project, { ...env, NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/" }, registry.url);
    const pkg = platformPackage(currentPlatform());
    for (
      const part of [
        `no native library for ${currentPlatform()}`,
        `npm:${pkg}@0.1.0: cannot be imported`,
        `source build: none beside a module loaded from ${registry.url}/src/lib/ffi/load.ts`,
        "point TRUENO_ZRAM_LIB or setLibraryPath() at a libtrueno_zram.so",
      ]
    ) expect(output.includes(part), `${part} in:\n${output}`).toBeTrue();
  });
});
