// Every example runs as a user copies it: into a fresh project in a temporary directory, with trueno-zram
// installed from the packed tarballs (tests/install), under Bun and under Deno with the permissions
// docs/API.md lists; the compiled-app example is built with `bun build --compile` and run alone.
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, repoRoot, test } from "./harness.ts";
import { bun, deno, inFreshProject, removeProject, run } from "./install/support.ts";

const EXAMPLES: [string, RegExp[]][] = [
  ["block_device", [/read back 3 MiB: identical/, /discarded 1 MiB: reads as zeros/, /pages stored\s+512/, /gpu 0/]],
  ["compression_stats", [
    /disksize <- 128M on a live device: EBUSY/,
    /same_pages\s+512/,
    /huge_pages\s+256/,
    /io_stat:\s+0\s+0 0\s+0/,
    /\/dev\/zram0 lz4\s+64M\s+4M/,
    /after reset, initstate 0/,
  ]],
  ["entropy_routing", [
    /zeros\s+0\.000\s+same-fill/,
    /random\s+7\.\d+\s+raw \(entropy, not compressed\)/,
    /text\s+3\.\d+\s+(simd|scalar) codec/,
  ]],
];

/** Deno's permissions for the examples, as docs/API.md lists them (sys: SysfsInterface's disksize check). */
const DENO_PERMISSIONS = ["--allow-ffi", "--allow-read", "--allow-env=TRUENO_ZRAM_LIB", "--allow-sys=systemMemoryInfo"];

function checkOutput(example: string, output: string, expected: RegExp[]): void {
  for (const pattern of expected) expect(pattern.test(output), `${example}: ${pattern} in:\n${output}`).toBeTrue();
}

function copyExamples(project: string): void {
  for (const [example] of EXAMPLES) {
    copyFileSync(join(repoRoot, "examples", `${example}.ts`), join(project, `${example}.ts`));
  }
}

test("the single-file examples run when copied into a fresh Bun project", async () => {
  await inFreshProject({}, ({ dir: project, env }) => {
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ type: "module", dependencies: { "trueno-zram": "^0.1.0" } }),
    );
    run(project, env, [bun, "install"]);
    copyExamples(project);
    for (const [example, expected] of EXAMPLES) {
      checkOutput(example, run(project, env, [bun, `${example}.ts`]), expected);
    }
  });
});

test("the single-file examples run when copied into a fresh Deno project", async () => {
  await inFreshProject({}, ({ dir: project, env }) => {
    writeFileSync(join(project, "deno.json"), JSON.stringify({ imports: { "trueno-zram": "npm:trueno-zram@^0.1.0" } }));
    copyExamples(project);
    for (const [example, expected] of EXAMPLES) {
      checkOutput(example, run(project, env, [deno, "run", ...DENO_PERMISSIONS, `${example}.ts`]), expected);
    }
  });
});

test("examples/compiled-app: one executable with the library inside, run alone from an empty folder under env -i", async () => {
  const empty = mkdtempSync(join(tmpdir(), "trueno-empty-"));
  try {
    await inFreshProject({ example: "compiled-app" }, ({ dir: project, env }) => {
      run(project, env, [bun, "install"]);
      run(project, env, [bun, "build", "--compile", "app.ts", "--outfile", "app"]);
      renameSync(join(project, "app"), join(empty, "app"));
      removeProject(project); // nothing of the project, its node_modules included, is left to find
      mkdirSync(join(empty, "cwd"));
      const output = run(join(empty, "cwd"), {}, ["/usr/bin/env", "-i", join(empty, "app")]);
      expect(/compiled app: round trip verified, 64 pages in \d+ bytes/.test(output), output).toBeTrue();
      expect(/library: \/\$bunfs\//.test(output), output).toBeTrue();
    });
  } finally {
    removeProject(empty);
  }
});

test("examples/compiled-app as a bundle (bun build): the library copied beside it, found from any folder", async () => {
  const empty = mkdtempSync(join(tmpdir(), "trueno-empty-"));
  try {
    await inFreshProject({ example: "compiled-app" }, ({ dir: project, env }) => {
      run(project, env, [bun, "install"]);
      run(project, env, [bun, "build", "app.ts", "--target", "bun", "--outdir", join(empty, "out")]);
      removeProject(project);
      const output = run(tmpdir(), env, [bun, join(empty, "out", "app.js")]);
      expect(/compiled app: round trip verified, 64 pages in \d+ bytes/.test(output), output).toBeTrue();
      expect(output.includes(`library: ${join(empty, "out")}/libtrueno_zram-`), output).toBeTrue();
    });
  } finally {
    removeProject(empty);
  }
});
