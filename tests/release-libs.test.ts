// The libraries of the npm platform packages (scripts/zig build release): glibc is their only run-time
// dependency, no symbol newer than the pinned oldest glibc (2.17), and they export exactly the functions
// the header declares (liblz4's and libzstd's symbols stay hidden), every one the symbol table names among them.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PREBUILT_PLATFORMS } from "../lib/ffi/platform.ts";
import { symbols } from "../lib/ffi/symbols.ts";
import { expect, repoRoot, test } from "./harness.ts";

const GLIBC_LIBRARIES = ["libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "ld-linux-aarch64.so.1"];
const OLDEST_GLIBC = [2, 17];

const readelf = (args: string[]) => execFileSync("readelf", ["-W", ...args], { encoding: "utf8" });

/** Every function csrc/include/trueno_zram.h declares with TZ_API. */
const declared = [
  ...readFileSync(join(repoRoot, "csrc", "include", "trueno_zram.h"), "utf8").matchAll(
    /^TZ_API\b[^(]*?\b(tz_\w+)\s*\(/gm,
  ),
].map((m) => m[1]!);

let built = false;
function releaseLibrary(platform: string): string {
  if (!built) {
    execFileSync(join(repoRoot, "scripts", "zig"), ["build", "release"], {
      cwd: repoRoot,
      stdio: ["ignore", "ignore", "inherit"],
    });
    built = true;
  }
  return join(repoRoot, "zig-out", "release", platform, "libtrueno_zram.so");
}

for (const platform of PREBUILT_PLATFORMS) {
  test(`${platform}: needs only glibc 2.17 and exports exactly the header's tz_ ABI`, () => {
    const lib = releaseLibrary(platform);
    const needed = [...readelf(["-d", lib]).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
    expect(needed.filter((n) => !GLIBC_LIBRARIES.includes(n)), `NEEDED ${needed.join(", ")}`).toEqual([]);

    const versions = [...readelf(["-V", lib]).matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const newer = versions.filter(([major, minor]) =>
      major! > OLDEST_GLIBC[0]! || (major === OLDEST_GLIBC[0] && minor! > OLDEST_GLIBC[1]!)
    );
    expect(newer.map((v) => v.join(".")), "symbol versions newer than GLIBC_2.17").toEqual([]);
    expect(versions.length > 0).toBeTrue();

    const exported = readelf(["--dyn-syms", lib]).split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[4] === "GLOBAL" && f[6] !== "UND" && (f[3] === "FUNC" || f[3] === "OBJECT"))
      .map((f) => f[7]!.replace(/@.*$/, ""));
    expect(exported.sort()).toEqual([...new Set(declared)].sort());
    expect(Object.keys(symbols).filter((name) => !exported.includes(name)), "symbol table entries not exported")
      .toEqual([]);
  });
}
