// Which prebuilt library fits this machine: the platform names of the npm packages under packages/, and
// how to tell them apart at run time.
import { existsSync } from "node:fs";
import process from "node:process";

/** This module's version; the platform packages are published with the same one. */
export const PACKAGE_VERSION = "0.1.0";

/** Platforms with a prebuilt library, each in the npm package `@trueno-zram/<platform>`. */
export const PREBUILT_PLATFORMS: readonly string[] = ["linux-x64-gnu", "linux-arm64-gnu"];

/** The npm package holding the prebuilt library of `platform`. */
export function platformPackage(platform: string): string {
  return `@trueno-zram/${platform}`;
}

/** The dynamic loader each C library installs on Linux: its presence tells glibc from musl. */
const LOADERS: Record<string, { glibc: string; musl: string }> = {
  x64: { glibc: "/lib64/ld-linux-x86-64.so.2", musl: "/lib/ld-musl-x86_64.so.1" },
  arm64: { glibc: "/lib/ld-linux-aarch64.so.1", musl: "/lib/ld-musl-aarch64.so.1" },
};

/** This machine in the packages' naming: `linux-x64-gnu`, `linux-arm64-musl`, `darwin-arm64`, ... */
export function currentPlatform(): string {
  const base = `${process.platform}-${process.arch}`;
  if (process.platform !== "linux") return base;
  return `${base}-${isMusl() ? "musl" : "gnu"}`;
}

/** musl when only its loader is present; glibc, the common case, when the loaders cannot be read (Deno's
 * --allow-read narrowed to the library). */
function isMusl(): boolean {
  const loaders = LOADERS[process.arch];
  try {
    return loaders !== undefined && !existsSync(loaders.glibc) && existsSync(loaders.musl);
  } catch {
    return false;
  }
}
