// The standalone executable of scripts/compile-exe.sh: one file with the native library inside, which
// runs from an empty folder with an empty environment.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, repoRoot, test } from "./harness.ts";
import { runCommand, smallPagesFile } from "./cli-helpers.ts";

test("compiled executable: one file, runs a bench from an empty folder under env -i", () => {
  const out = mkdtempSync(join(tmpdir(), "trueno-exe-"));
  try {
    const build = runCommand(["bash", join(repoRoot, "scripts", "compile-exe.sh"), out]);
    expect(build.status, build.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(["trueno-zram"]); // no library beside it
    const exe = join(out, "trueno-zram");
    const empty = join(out, "empty");
    mkdirSync(empty);
    const input = join(out, "pages.bin");
    copyFileSync(smallPagesFile(16), input);
    const args = ["bench", "--input", input, "--algorithms", "lz4", "--backends", "auto", "--rounds", "1", "--json"];

    const r = runCommand(["/usr/bin/env", "-i", exe, ...args], { cwd: empty, env: {} });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.results.length).toBe(1);
    expect(report.results[0].pages).toBe(16);
    expect(report.results[0].roundTripVerified).toBeTrue();

    const bad = runCommand(["/usr/bin/env", "-i", exe, "bench", "--threads", "x"], { cwd: empty, env: {} });
    expect(bad.status).toBe(2);

    // an explicit TRUENO_ZRAM_LIB wins over the embedded library
    const missing = runCommand(["/usr/bin/env", "-i", `TRUENO_ZRAM_LIB=${join(out, "none.so")}`, exe, ...args], {
      cwd: empty,
      env: {},
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr.includes("LibraryNotFound") && missing.stderr.includes("none.so"), missing.stderr).toBeTrue();
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
