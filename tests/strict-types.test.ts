// The whole tree's TypeScript under the strictest settings users' templates turn on: a fresh `bun init`
// tsconfig (noUncheckedIndexedAccess, noImplicitOverride, verbatimModuleSyntax, ...) through tsc, and
// `deno check` with noUncheckedIndexedAccess. The npm package ships .d.ts, so its users never see these
// (tests/install.test.ts type-checks against it); whoever imports the sources (JSR, mod.ts by path) may.
// Neither check may report a problem anywhere.
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot, test } from "./harness.ts";
import { deno, expectNoProblems, outputOf, reportedFiles } from "./tool-checks.ts";

/** Modules that only `deno test` runs (Deno.test at top level): Deno checks them, tsc has no Deno types. */
const DENO_ONLY = "tests/fixtures/unload/";

/** mod.ts and every .ts file under lib/, tests/, bench/ and examples/, the examples' own projects
 * (examples/NAME/) aside: those are checked in fresh projects by tests/install.test.ts and
 * tests/examples.test.ts, against the installed package. */
function treeFiles(): string[] {
  const under = (dir: string) =>
    readdirSync(join(repoRoot, dir), { recursive: true, encoding: "utf8" })
      .map((f) => `${dir}/${f}`)
      .filter((f) => f.endsWith(".ts"));
  const examples = readdirSync(join(repoRoot, "examples")).filter((f) => f.endsWith(".ts")).map((f) => `examples/${f}`);
  return ["mod.ts", ...under("lib"), ...under("tests"), ...under("bench"), ...examples].sort();
}

test("tsc with a fresh bun init tsconfig: no errors in the tree", () => {
  const dir = mkdtempSync(join(tmpdir(), "trueno-strict-"));
  try {
    const tsconfig = JSON.parse(readFileSync(join(repoRoot, "examples", "bun-project", "tsconfig.json"), "utf8"));
    // @types/node stands in for @types/bun (which builds on it); not installed in this repository.
    tsconfig.compilerOptions.types = ["node"];
    tsconfig.compilerOptions.typeRoots = [join(repoRoot, "node_modules", "@types")];
    tsconfig.files = treeFiles().filter((f) => !f.startsWith(DENO_ONLY)).map((f) => join(repoRoot, f));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const output = outputOf([join(repoRoot, "node_modules", ".bin", "tsc"), "-p", dir]);
    expectNoProblems("tsc", output, reportedFiles(output, /^(\S+?\.ts)\(\d+,\d+\): error/gm), /error TS\d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deno check with noUncheckedIndexedAccess: no errors in the tree", () => {
  const dir = mkdtempSync(join(tmpdir(), "trueno-strict-"));
  try {
    // deno.json's own settings plus the flag (its import of "trueno-zram" made absolute); package.json
    // and node_modules beside it, so that the bare npm specifiers of bench/ resolve as from the repository.
    const config = JSON.parse(readFileSync(join(repoRoot, "deno.json"), "utf8"));
    config.compilerOptions = { ...config.compilerOptions, noUncheckedIndexedAccess: true };
    config.imports = { ...config.imports, "trueno-zram": pathToFileURL(join(repoRoot, "mod.ts")).href };
    writeFileSync(join(dir, "deno.json"), JSON.stringify(config));
    symlinkSync(join(repoRoot, "package.json"), join(dir, "package.json"));
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
    const output = outputOf([deno, "check", "--config", join(dir, "deno.json"), ...treeFiles()]);
    expectNoProblems(
      "deno check",
      output,
      reportedFiles(output, /at file:\/\/(\/[^:]+\.ts):\d+:\d+/g),
      /\[ERROR\]|^error:/m,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
