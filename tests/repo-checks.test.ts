// The tree against Deno's own checks, with deno.json's one configuration: `deno lint`, `deno fmt --check`,
// `deno doc --lint mod.ts` (JSDoc on every public symbol) and `deno publish --dry-run` (JSR). None may
// report a problem.
import { expect, test } from "./harness.ts";
import { deno, expectNoProblems, outputOf, reportedFiles } from "./tool-checks.ts";

/** Warnings deno publish may give: dynamic imports it cannot follow, each on purpose. */
const PUBLISH_WARNINGS = [
  "lib/ffi/bun.ts", // bun:ffi, a scheme Deno cannot resolve; only evaluated under Bun
  "lib/ffi/load.ts", // npm:@trueno-zram/<platform>, chosen at run time for this machine
];

const location = /-->\s+(?:file:\/\/)?(\/\S+?\.ts):\d+:\d+/g;

test("deno lint: no problems", () => {
  const output = outputOf([deno, "lint"]);
  expectNoProblems("deno lint", output, reportedFiles(output, location));
});

test("deno fmt --check: the whole tree in deno.json's format", () => {
  const output = outputOf([deno, "fmt", "--check"]);
  expectNoProblems("deno fmt", output, reportedFiles(output, /^from (\/\S+):$/gm), /^error/m);
});

test("deno doc --lint mod.ts: every public symbol documented, no private type referenced", () => {
  const output = outputOf([deno, "doc", "--lint", "mod.ts"]);
  expectNoProblems("deno doc --lint", output, reportedFiles(output, location));
});

test("deno publish --dry-run succeeds, warning only about the two runtime-chosen dynamic imports", () => {
  const output = outputOf([deno, "publish", "--dry-run", "--allow-dirty"]);
  expect(output.includes("Success Dry run complete"), output).toBeTrue();
  const warned = reportedFiles(output, location).files;
  expect(warned, output).toEqual(PUBLISH_WARNINGS);
  expect(/^\s+file:\/\/\S+\/(tests|examples|bench|csrc|scripts)\//m.test(output), "publishes only the module")
    .toBeFalse();
});
