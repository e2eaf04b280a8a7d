/**
 * Where the CLI finds libtrueno_zram. A standalone executable (scripts/compile-exe.sh) has no package
 * tree around it, so when neither TRUENO_ZRAM_LIB nor the build output is there, the library beside the
 * executable is used.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { libraryPath, setLibraryPath } from "../../mod.ts";

export const LIBRARY_FILE = "libtrueno_zram.so";

export function useLibraryBesideExecutable(): void {
  if (process.env.TRUENO_ZRAM_LIB !== undefined || existsSync(libraryPath())) return;
  const beside = join(dirname(process.execPath), LIBRARY_FILE);
  if (existsSync(beside)) setLibraryPath(beside);
}
