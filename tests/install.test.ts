// The npm packages as users get them: scripts/pack.sh's tarballs, installed from a local registry into
// fresh Bun and Deno projects in temporary directories (no repository beside them, no network), where the
// examples' project runs and type-checks with the strictest settings those runtimes' templates use.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { currentPlatform, platformPackage } from "../lib/ffi/platform.ts";
import { expect, test } from "./harness.ts";
import {
  bun,
  deno,
  freshProject,
  inFreshProject,
  provideNodeTypes,
  removeProject,
  run,
  tarballNames,
  tarballs,
  tsc,
  userEnv,
} from "./install/support.ts";

const ROUND_TRIP = /round trip verified, 4 pages \(same,same,zstd,raw\) in \d+ bytes/;

function manifestOf(tarball: string): Record<string, unknown> {
  return JSON.parse(
    execFileSync("tar", ["-xzOf", join(tarballs(), tarball), "package/package.json"], { encoding: "utf8" }),
  );
}

test("pack.sh: the main package and one per platform, within budget, with nothing users do not need", () => {
  expect(tarballNames()).toEqual([
    "trueno-zram-0.1.0.tgz",
    "trueno-zram-linux-arm64-gnu-0.1.0.tgz",
    "trueno-zram-linux-x64-gnu-0.1.0.tgz",
  ]);
  expect(statSync(join(tarballs(), "trueno-zram-0.1.0.tgz")).size < 200 * 1024).toBeTrue();
  for (const p of ["x64", "arm64"]) {
    expect(statSync(join(tarballs(), `trueno-zram-linux-${p}-gnu-0.1.0.tgz`)).size < 2 * 1024 * 1024).toBeTrue();
  }
  const files = execFileSync("tar", ["-tzf", join(tarballs(), "trueno-zram-0.1.0.tgz")], { encoding: "utf8" });
  expect(files.includes("package/mod.js") && files.includes("package/mod.d.ts"), files).toBeTrue();
  expect(/\.ts$/m.test(files.replace(/\.d\.ts$/gm, "")), "TypeScript sources shipped").toBeFalse();
  expect(/tests\/|\.cache|corpus|zig-out|node_modules|\.so$/m.test(files), files).toBeFalse();

  const main = manifestOf("trueno-zram-0.1.0.tgz");
  expect(main.devDependencies).toBe(undefined);
  expect(main.scripts).toBe(undefined);
  expect(main.dependencies).toBe(undefined);
  expect(main.optionalDependencies).toEqual({
    "@trueno-zram/linux-x64-gnu": "0.1.0",
    "@trueno-zram/linux-arm64-gnu": "0.1.0",
  });
  expect(main.license).toBe("MIT");
  expect(Object.keys(main.engines as object)).toEqual(["bun", "deno"]);
  const arm = manifestOf("trueno-zram-linux-arm64-gnu-0.1.0.tgz");
  expect([arm.os, arm.cpu, arm.libc]).toEqual([["linux"], ["arm64"], ["glibc"]]);
});

test("a fresh Bun project installs trueno-zram from the tarballs, runs, and type-checks (bun init tsconfig)", async () => {
  await inFreshProject({ example: "bun-project" }, ({ dir: project, env }) => {
    // The registry serves only our packages: @types/bun is replaced by provideNodeTypes below.
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    delete manifest.devDependencies;
    writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2));
    run(project, env, [bun, "install"]);

    const modules = join(project, "node_modules");
    expect(readdirSync(modules).sort()).toEqual([".bin", "@trueno-zram", "trueno-zram"]);
    expect(readdirSync(join(modules, "@trueno-zram"))).toEqual(["linux-x64-gnu"]); // only this machine's
    // Our devDependencies (pinned bun and deno among them) stay ours: the only command is our CLI.
    expect(readdirSync(join(modules, ".bin"))).toEqual(["trueno-zram"]);

    expect(ROUND_TRIP.test(run(project, env, [bun, "index.ts"]))).toBeTrue();

    provideNodeTypes(project);
    const tsconfig = readFileSync(join(project, "tsconfig.json"), "utf8").replace(
      '"types": ["bun"]',
      '"types": ["node"]',
    );
    writeFileSync(join(project, "tsconfig.json"), tsconfig);
    run(project, env, [tsc, "--noEmit", "-p", project]);
  });
});

test("a fresh Deno project imports npm:trueno-zram, runs with narrow permissions, and deno check passes", async () => {
  await inFreshProject({ example: "deno-project" }, ({ dir: project, env }) => {
    const output = run(project, env, [
      deno,
      "run",
      "--allow-ffi",
      "--allow-read",
      "--allow-env=TRUENO_ZRAM_LIB",
      "main.ts",
    ]);
    expect(ROUND_TRIP.test(output), output).toBeTrue();
    // deno.json turns on noUncheckedIndexedAccess on top of Deno's strict defaults.
    run(project, env, [deno, "check", "main.ts"]);
    const npmCache = join(project, ".cache", "deno", "npm");
    const cached = readdirSync(npmCache, { recursive: true }).map(String);
    expect(cached.some((p) => p.includes("linux-x64-gnu")), cached.join("\n")).toBeTrue();
  });
});

test("a Bun project adds the two local tarballs with no registry reachable", () => {
  const project = freshProject();
  try {
    const env = userEnv(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module" }));
    const platform = currentPlatform();
    run(project, env, [
      bun,
      "add",
      join(tarballs(), "trueno-zram-0.1.0.tgz"),
      join(tarballs(), `trueno-zram-${platform}-0.1.0.tgz`),
    ]);
    writeFileSync(
      join(project, "main.ts"),
      `import { libraryPath, CompressorBuilder } from "trueno-zram";\n` +
        `new CompressorBuilder().build().close();\nconsole.log(libraryPath());\n`,
    );
    const library = join(project, "node_modules", platformPackage(platform), "libtrueno_zram.so");
    expect(run(project, env, [bun, "main.ts"]).trim()).toBe(library);

    // A platform package that lost its library: the error names the file and the exact reinstall.
    rmSync(library);
    const broken = spawnSync(bun, ["main.ts"], { cwd: project, env, encoding: "utf8" });
    expect(broken.status).toBe(1);
    const fix = `no native library at ${library} (from package ${platformPackage(platform)}). ` +
      `Fix: reinstall ${platformPackage(platform)}@0.1.0`;
    expect(broken.stderr.includes(fix), broken.stderr).toBeTrue();
  } finally {
    removeProject(project);
  }
});

test("under Node the package imports and says plainly that it needs Bun or Deno", () => {
  const mod = join(tarballs(), "..", "stage", "trueno-zram", "mod.js");
  const script = `import(${JSON.stringify(mod)}).then((m) => { try { new m.CompressorBuilder().build(); } ` +
    `catch (e) { console.log(e.code + " " + e.message); } });`;
  const output = execFileSync("node", ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(output.trim()).toBe(
    "Unsupported Unsupported: trueno-zram runs on Bun or Deno, whose FFI it uses; this runtime has neither",
  );
});
