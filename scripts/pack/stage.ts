// Stages and packs the npm packages after scripts/pack.sh compiled the main package into
// DIST/stage/trueno-zram and built the release libraries into zig-out/release/<platform>; the tarballs go
// to DIST/packages. Each is checked against the files it may hold and its size budget; a miss fails.
//   bun scripts/pack/stage.ts DIST
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { PACKAGE_VERSION, platformPackage, PREBUILT_PLATFORMS } from "../../lib/ffi/platform.ts";

const root = join(import.meta.dirname!, "..", "..");
const dist = process.argv[2] ?? join(root, "dist");
const stage = join(dist, "stage");
const out = join(dist, "packages");
const bun = join(root, "node_modules", ".bin", "bun");

const MAIN_BUDGET = 200 * 1024;
const PLATFORM_BUDGET = 2 * 1024 * 1024;

type Json = Record<string, unknown>;
const readJson = (path: string): Json => JSON.parse(readFileSync(join(root, path), "utf8"));
const writeJson = (path: string, value: Json) => writeFileSync(path, JSON.stringify(value, null, 2) + "\n");

function fail(message: string): never {
  console.error(`pack: ${message}`);
  process.exit(1);
}

const repoManifest = readJson("package.json");
const version = repoManifest.version as string;
const versions: Record<string, unknown> = {
  "package.json": version,
  "deno.json": readJson("deno.json").version,
  "lib/ffi/platform.ts PACKAGE_VERSION": PACKAGE_VERSION,
};
for (const platform of PREBUILT_PLATFORMS) {
  versions[`packages/${platform}/package.json`] = readJson(`packages/${platform}/package.json`).version;
}
if (Object.values(versions).some((v) => v !== version)) fail(`versions disagree: ${JSON.stringify(versions)}`);

/** The manifest users install: no scripts, no devDependencies, the platform packages as optional ones. */
function mainManifest(): Json {
  const pick = ["name", "version", "description", "license", "keywords", "type", "engines", "os"];
  const manifest: Json = Object.fromEntries(pick.filter((k) => k in repoManifest).map((k) => [k, repoManifest[k]]));
  return {
    ...manifest,
    main: "./mod.js",
    types: "./mod.d.ts",
    exports: { ".": { types: "./mod.d.ts", default: "./mod.js" }, "./package.json": "./package.json" },
    bin: { "trueno-zram": "./lib/cli/main.js" },
    files: ["mod.js", "mod.d.ts", "lib/", "docs/", "README.md", "LICENSE"],
    optionalDependencies: Object.fromEntries(PREBUILT_PLATFORMS.map((p) => [platformPackage(p), version])),
  };
}

function stageMain(): string {
  const dir = join(stage, "trueno-zram");
  writeJson(join(dir, "package.json"), mainManifest());
  copyFileSync(join(root, "README.md"), join(dir, "README.md"));
  copyFileSync(join(root, "LICENSE"), join(dir, "LICENSE"));
  // The guides only: pictures under docs/ illustrate the repository's README.
  cpSync(join(root, "docs"), join(dir, "docs"), {
    recursive: true,
    filter: (src) => statSync(src).isDirectory() || src.endsWith(".md"),
  });
  return dir;
}

function stagePlatform(platform: string): string {
  const dir = join(stage, platform);
  const template = join(root, "packages", "platform-files");
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(root, "packages", platform, "package.json"), join(dir, "package.json"));
  for (const file of ["index.js", "index.d.ts", "embed.js", "embed.d.ts"]) {
    copyFileSync(join(template, file), join(dir, file));
  }
  const readme = readFileSync(join(template, "README.md"), "utf8").replaceAll("PLATFORM", platform);
  writeFileSync(join(dir, "README.md"), readme);
  copyFileSync(join(root, "LICENSE"), join(dir, "LICENSE"));
  copyFileSync(join(root, "zig-out", "release", platform, "libtrueno_zram.so"), join(dir, "libtrueno_zram.so"));
  return dir;
}

/** Packs `dir` into dist/packages and checks the tarball's files and size. */
function pack(dir: string, allowed: RegExp, budget: number): { file: string; bytes: number; files: number } {
  const file = execFileSync(bun, ["pm", "pack", "--quiet", "--destination", out], { cwd: dir, encoding: "utf8" })
    .trim().split("\n").at(-1)!;
  const tarball = file.startsWith("/") ? file : join(out, file);
  const entries = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n")
    .map((e) => e.replace(/^package\//, ""));
  const stray = entries.filter((e) => !e.endsWith("/") && !allowed.test(e));
  if (stray.length > 0) fail(`${tarball} holds files users do not need: ${stray.join(", ")}`);
  const bytes = statSync(tarball).size;
  if (bytes > budget) fail(`${tarball} is ${bytes} bytes, over its budget of ${budget}`);
  return { file: tarball, bytes, files: entries.length };
}

mkdirSync(out, { recursive: true });
const results = [
  pack(
    stageMain(),
    /^(package\.json|README\.md|LICENSE|mod\.(js|d\.ts)|lib\/.+\.(js|d\.ts)|docs\/.+\.md)$/,
    MAIN_BUDGET,
  ),
  ...PREBUILT_PLATFORMS.map((p) =>
    pack(
      stagePlatform(p),
      /^(package\.json|README\.md|LICENSE|index\.(js|d\.ts)|embed\.(js|d\.ts)|libtrueno_zram\.so)$/,
      PLATFORM_BUDGET,
    )
  ),
];
for (const r of results) console.log(`${r.file}: ${r.bytes} bytes, ${r.files} files`);
