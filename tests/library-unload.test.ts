// A host that unloads the library while pool workers idle (Deno drops each test module's libraries when
// the module ends) must not crash: the library keeps itself mapped (csrc/runtime/pin_library.c).
import { join } from "node:path";
import process from "node:process";
import { runCommand } from "./cli-helpers.ts";
import { expect, repoRoot, test } from "./harness.ts";

test("idle pool workers survive the library being unloaded under them", () => {
  const dir = join(repoRoot, "tests", "fixtures", "unload");
  const deno = join(repoRoot, "node_modules", ".bin", "deno");
  const r = runCommand([deno, "test", "-A", join(dir, "a_batch.ts"), join(dir, "b_idle.ts")], {
    env: { ...process.env, NO_COLOR: "1" },
  });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.stdout.includes("2 passed"), r.stdout).toBeTrue();
});
