// Finds, opens and checks libtrueno_zram once per process. The path is, in this order: the one given to
// setLibraryPath, the TRUENO_ZRAM_LIB environment variable, <package root>/zig-out/lib/libtrueno_zram.so.
import { existsSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { ABI_VERSION } from "./abi.ts";
import { TruenoError } from "./errors.ts";
import type { NativeLibrary, NativeSymbols } from "./symbols.ts";

type Loader = { openLibrary(path: string): NativeLibrary };

// Each runtime gets its own loader; the other one is never evaluated.
const loader: Loader = "Bun" in globalThis ? await import("./bun.ts") : await import("./deno.ts");

const BUILD_HINT = "run `bash scripts/build.sh` in the trueno-zram package";
const defaultPath = fileURLToPath(new URL("../../zig-out/lib/libtrueno_zram.so", import.meta.url));

let explicitPath: string | undefined;
let loaded: NativeLibrary | undefined;

/** Uses the library at `path`. Must be called before the first use of the library. */
export function setLibraryPath(path: string): void {
  if (typeof path !== "string" || path.length === 0) {
    throw new TruenoError("InvalidInput", "setLibraryPath needs a non-empty path string");
  }
  if (loaded !== undefined && loaded.path !== path) {
    throw new TruenoError("InvalidInput", `the library is already loaded from ${loaded.path}`);
  }
  explicitPath = path;
}

/** The path the library is (or will be) loaded from. */
export function libraryPath(): string {
  // An empty TRUENO_ZRAM_LIB counts as unset.
  return loaded?.path ?? explicitPath ?? (process.env.TRUENO_ZRAM_LIB || undefined) ?? defaultPath;
}

function open(path: string): NativeLibrary {
  if (!existsSync(path)) {
    throw new TruenoError("LibraryNotFound", `no native library at ${path}; ${BUILD_HINT}`);
  }
  let lib: NativeLibrary;
  try {
    lib = loader.openLibrary(path);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // A library that opens but lacks a symbol of the table is a stale or foreign build.
    const code = /symbol/i.test(reason) ? "AbiMismatch" : "LibraryNotFound";
    throw new TruenoError(code, `cannot open ${path} (${reason}); ${BUILD_HINT}`);
  }
  const version = lib.symbols.tz_abi_version();
  if (version !== ABI_VERSION) {
    throw new TruenoError(
      "AbiMismatch",
      `${path} has ABI version ${version} but this module needs ${ABI_VERSION}; ${BUILD_HINT}`,
    );
  }
  return lib;
}

/** The loaded library, opened on first use. */
export function nativeLibrary(): NativeLibrary {
  loaded ??= open(libraryPath());
  return loaded;
}

/** Shorthand for the bound functions of the loaded library. */
export function native(): NativeSymbols {
  return nativeLibrary().symbols;
}
