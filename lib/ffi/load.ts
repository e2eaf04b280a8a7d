// Finds, opens and checks libtrueno_zram once per process. It looks, in this order, and the first place
// that is set decides (a path the user named is never silently replaced by another library):
//   1. setLibraryPath(path)
//   2. the TRUENO_ZRAM_LIB environment variable (empty counts as unset)
//   3. useEmbeddedLibrary(path): a library carried inside a `bun build --compile` executable
//   4. the platform package @trueno-zram/<platform> (an optional dependency of the npm package); when this
//      module was itself loaded from a non-file URL (JSR, https) under Deno, through an npm: specifier
//   5. the source build: <package root>/zig-out/lib/libtrueno_zram.so (a clone after `bash scripts/build.sh`)
// When none is there, the error lists each place, why it did not apply, and the exact fix.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { ABI_VERSION } from "./abi.ts";
import { TruenoError } from "./errors.ts";
import { currentPlatform, PACKAGE_VERSION, platformPackage, PREBUILT_PLATFORMS } from "./platform.ts";
import type { NativeLibrary, NativeSymbols } from "./symbols.ts";

type Loader = { openLibrary(path: string): NativeLibrary };

const isBun = "Bun" in globalThis;
// Each runtime gets its own loader; the other one is never evaluated.
const loader: Loader = isBun ? await import("./bun.ts") : await import("./deno.ts");

const LIBRARY_FILE = "libtrueno_zram.so";
const ENV_VARIABLE = "TRUENO_ZRAM_LIB";
const BUILD_HINT = "in a clone of trueno-zram, `bash scripts/build.sh` builds it";
const moduleIsFile = import.meta.url.startsWith("file:");

/** A place the library may come from: its path, or why it has none. */
interface Candidate {
  readonly source: string;
  readonly path?: string;
  readonly absent?: string;
}

let explicitPath: string | undefined;
let embeddedPath: string | undefined;
let loaded: NativeLibrary | undefined;

function requireNonEmpty(path: string, caller: string): void {
  if (typeof path !== "string" || path.length === 0) {
    throw new TruenoError("InvalidInput", `${caller} needs a non-empty path string`);
  }
  if (loaded !== undefined && loaded.path !== path) {
    throw new TruenoError("InvalidInput", `the library is already loaded from ${loaded.path}`);
  }
}

/** Uses the library at `path`, ahead of every other place. Must be called before the first use of the library. */
export function setLibraryPath(path: string): void {
  requireNonEmpty(path, "setLibraryPath");
  explicitPath = path;
}

/**
 * Uses a library embedded in a standalone executable, unless setLibraryPath or TRUENO_ZRAM_LIB name another.
 * `path` is what `import library from "@trueno-zram/linux-x64-gnu/embed"` gives: under `bun build --compile`
 * the library file travels inside the executable, under `bun build` it is copied beside the bundle
 * (see docs/INSTALL.md).
 */
export function useEmbeddedLibrary(path: string): void {
  requireNonEmpty(path, "useEmbeddedLibrary");
  // `bun build` (a bundle, not an executable) gives the asset's path relative to the bundle, which holds
  // this module too.
  embeddedPath = isAbsolute(path) || !moduleIsFile ? path : fileURLToPath(new URL(path, import.meta.url));
}

/** TRUENO_ZRAM_LIB, read only where Deno already grants it (no permission prompt at load). */
function fromEnvironment(): Candidate {
  const source = `${ENV_VARIABLE} environment variable`;
  const deno = (globalThis as { Deno?: DenoPermissions }).Deno;
  if (
    !isBun && deno !== undefined &&
    deno.permissions.querySync({ name: "env", variable: ENV_VARIABLE }).state !== "granted"
  ) {
    return { source, absent: `not readable without --allow-env=${ENV_VARIABLE}` };
  }
  const value = process.env[ENV_VARIABLE];
  return value ? { source, path: value } : { source, absent: "not set" };
}

interface DenoPermissions {
  permissions: { querySync(descriptor: { name: "env"; variable: string }): { state: string } };
}

/** The installed platform package's library, resolved from this module like any dependency. */
function fromInstalledPackage(packageName: string): Candidate {
  const source = `package ${packageName}`;
  if (remotePackage !== undefined) return remotePackage;
  if (!moduleIsFile) return { source, absent: "cannot be resolved from a module loaded from a non-file URL" };
  try {
    const manifest = createRequire(import.meta.url).resolve(`${packageName}/package.json`);
    return { source, path: join(dirname(manifest), LIBRARY_FILE) };
  } catch {
    return { source, absent: "not installed" };
  }
}

/** Deno running this module from JSR or another non-file URL: the platform package through npm:. */
async function importRemotePackage(): Promise<Candidate | undefined> {
  if (moduleIsFile || isBun) return undefined;
  const platform = currentPlatform();
  if (!PREBUILT_PLATFORMS.includes(platform)) return undefined;
  const specifier = `npm:${platformPackage(platform)}@${PACKAGE_VERSION}`;
  try {
    const module: { libraryPath: string } = await import(specifier);
    return { source: specifier, path: module.libraryPath };
  } catch (cause) {
    return { source: specifier, absent: `cannot be imported (${cause instanceof Error ? cause.message : cause})` };
  }
}

const remotePackage = await importRemotePackage();

function fromSourceBuild(): Candidate {
  const source = "source build";
  if (!moduleIsFile) return { source, absent: `none beside a module loaded from ${import.meta.url}` };
  const path = fileURLToPath(new URL(`../../zig-out/lib/${LIBRARY_FILE}`, import.meta.url));
  return existsSync(path) ? { source, path } : { source, path, absent: "not built" };
}

/** A place set by a call of this module: its path, or "not called". */
function fromCall(source: string, path: string | undefined): Candidate {
  return path === undefined ? { source, absent: "not called" } : { source, path };
}

function fromPrebuilt(platform: string): Candidate {
  if (PREBUILT_PLATFORMS.includes(platform)) return fromInstalledPackage(platformPackage(platform));
  return { source: "prebuilt packages", absent: `none for ${platform} (only ${PREBUILT_PLATFORMS.join(", ")})` };
}

/** Every place in lookup order; the first with a path and nothing absent is the one. */
function candidates(platform: string): Candidate[] {
  return [
    fromCall("setLibraryPath()", explicitPath),
    fromEnvironment(),
    fromCall("useEmbeddedLibrary()", embeddedPath),
    fromPrebuilt(platform),
    fromSourceBuild(),
  ];
}

/** The first candidate with a library; throws LibraryNotFound listing every place when there is none. */
function locate(): Candidate & { path: string } {
  const platform = currentPlatform();
  const list = candidates(platform);
  const chosen = list.find((c) => c.path !== undefined && c.absent === undefined);
  if (chosen?.path !== undefined) return { ...chosen, path: chosen.path };
  const tried = list.map((c) => `  - ${c.source}: ${c.absent}${c.path ? ` (${c.path})` : ""}`).join("\n");
  throw new TruenoError(
    "LibraryNotFound",
    `no native library for ${platform}. Looked at:\n${tried}\n${fixFor(platform)}`,
  );
}

function fixFor(platform: string): string {
  const pkg = platformPackage(platform);
  const install = PREBUILT_PLATFORMS.includes(platform)
    ? `install ${pkg} (\`bun add ${pkg}@${PACKAGE_VERSION}\`, \`deno add npm:${pkg}@${PACKAGE_VERSION}\`, ` +
      `or reinstall trueno-zram without --omit=optional / --no-optional), `
    : "";
  return `Fix: ${install}or point ${ENV_VARIABLE} or setLibraryPath() at a libtrueno_zram.so (${BUILD_HINT}).`;
}

/** The path the library is (or will be) loaded from; "" when no place has one. */
export function libraryPath(): string {
  if (loaded !== undefined) return loaded.path;
  try {
    return locate().path;
  } catch {
    return "";
  }
}

/** What to do when the library from `source` is missing, cannot be opened or is of another version. */
function remedyFor(source: string): string {
  if (source.startsWith("package ") || source.startsWith("npm:")) {
    return `reinstall ${platformPackage(currentPlatform())}@${PACKAGE_VERSION}, the version of this module`;
  }
  if (source === "source build") return "rebuild it: `bash scripts/build.sh`";
  return `point ${source} at a libtrueno_zram.so of this version, or drop it to use the installed package ` +
    `(${BUILD_HINT})`;
}

function open(found: { source: string; path: string }): NativeLibrary {
  const { source, path } = found;
  // Bun reads files embedded in a compiled executable (/$bunfs/...) directly.
  if (!path.startsWith("/$bunfs/") && !existsSync(path)) {
    throw new TruenoError(
      "LibraryNotFound",
      `no native library at ${path} (from ${source}). Fix: ${remedyFor(source)}.`,
    );
  }
  let lib: NativeLibrary;
  try {
    lib = loader.openLibrary(path);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // A library that opens but lacks a symbol of the table is a stale or foreign build.
    const code = /symbol/i.test(reason) ? "AbiMismatch" : "LibraryNotFound";
    throw new TruenoError(code, `cannot open ${path} from ${source} (${reason}). Fix: ${remedyFor(source)}.`);
  }
  const version = lib.symbols.tz_abi_version();
  if (version !== ABI_VERSION) {
    throw new TruenoError(
      "AbiMismatch",
      `${path} from ${source} has ABI version ${version} but this module needs ${ABI_VERSION}. ` +
        `Fix: ${remedyFor(source)}.`,
    );
  }
  return lib;
}

/** The loaded library, opened on first use. */
export function nativeLibrary(): NativeLibrary {
  if (!isBun && !("Deno" in globalThis)) {
    throw new TruenoError(
      "Unsupported",
      "trueno-zram runs on Bun or Deno, whose FFI it uses; this runtime has neither",
    );
  }
  loaded ??= open(locate());
  return loaded;
}

/** Shorthand for the bound functions of the loaded library. */
export function native(): NativeSymbols {
  return nativeLibrary().symbols;
}
