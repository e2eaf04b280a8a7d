// The standalone executable of scripts/compile-exe.sh runs anywhere with the library beside it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { expect, repoRoot, test } from "./harness.ts";
import { runCommand, smallPagesFile } from "./cli-helpers.ts";

const envWithout = (name: string) =>
  Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k !== name && v !== undefined)) as Record<string, string>;

test("compiled executable: runs a bench from another folder, finds the library beside it", () => {
  const out = mkdtempSync(join(tmpdir(), "trueno-exe-"));
  try {
    const build = runCommand(["bash", join(repoRoot, "scripts", "compile-exe.sh"), out]);
    expect(build.status, build.stderr).toBe(0);
    const exe = join(out, "trueno-zram");
    const input = smallPagesFile(16);
    const env = envWithout("TRUENO_ZRAM_LIB");
    const args = ["bench", "--input", input, "--algorithms", "lz4", "--backends", "auto", "--rounds", "1", "--json"];

    const r = runCommand([exe, ...args], { cwd: tmpdir(), env });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.results.length).toBe(1);
    expect(report.results[0].pages).toBe(16);
    expect(report.results[0].roundTripVerified).toBeTrue();

    const bad = runCommand([exe, "bench", "--threads", "x"], { cwd: tmpdir(), env });
    expect(bad.status).toBe(2);

    // an explicit TRUENO_ZRAM_LIB wins over the library beside the executable
    const missing = runCommand([exe, ...args], { cwd: tmpdir(), env: { ...env, TRUENO_ZRAM_LIB: join(out, "none.so") } });
    expect(missing.status).toBe(1);
    expect(missing.stderr.includes("LibraryNotFound"), missing.stderr).toBeTrue();
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
