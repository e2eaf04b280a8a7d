// A local npm registry serving only the tarballs of one folder (dist/packages by default), so that fresh
// Bun and Deno projects install trueno-zram exactly as from npm, with no network. Given SOURCE_DIR, it
// also serves that folder's .ts files under /src/, as a CDN or JSR serves modules to Deno. Prints its
// URL, then serves until killed. Everything else is a 404.
//   bun tests/install/registry.ts [TARBALL_DIR [SOURCE_DIR]]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import process from "node:process";

const dir = resolve(process.argv[2] ?? "dist/packages");
const sourceDir = process.argv[3] === undefined ? undefined : resolve(process.argv[3]);

interface Version {
  manifest: Record<string, unknown>;
  file: string;
  bytes: Uint8Array;
}

/** package name -> version -> its tarball and manifest. */
const packages = new Map<string, Map<string, Version>>();
for (const file of readdirSync(dir).filter((f) => f.endsWith(".tgz"))) {
  const path = join(dir, file);
  const manifest = JSON.parse(execFileSync("tar", ["-xzOf", path, "package/package.json"], { encoding: "utf8" }));
  const versions = packages.get(manifest.name) ?? new Map<string, Version>();
  versions.set(manifest.version, { manifest, file, bytes: readFileSync(path) });
  packages.set(manifest.name, versions);
}

function packument(name: string, base: string): Record<string, unknown> | undefined {
  const versions = packages.get(name);
  if (versions === undefined) return undefined;
  const entries = [...versions.entries()].map(([version, v]) => [version, {
    ...v.manifest,
    dist: {
      tarball: `${base}/${name}/-/${v.file}`,
      shasum: createHash("sha1").update(v.bytes).digest("hex"),
      integrity: `sha512-${createHash("sha512").update(v.bytes).digest("base64")}`,
    },
  }]);
  return { name, "dist-tags": { latest: entries.at(-1)![0] }, versions: Object.fromEntries(entries) };
}

/** The text of SOURCE_DIR/<rest> for a path src/<rest> naming a .ts file inside SOURCE_DIR. */
function sourceFile(path: string): string | undefined {
  if (sourceDir === undefined || !path.startsWith("src/") || !path.endsWith(".ts")) return undefined;
  const file = resolve(sourceDir, path.slice("src/".length));
  if (!file.startsWith(sourceDir + "/")) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

const server = createServer((request, response) => {
  const base = `http://${request.headers.host}`;
  const path = decodeURIComponent(new URL(request.url ?? "/", base).pathname).slice(1);
  const tarball = path.match(/^(.+)\/-\/([^/]+\.tgz)$/);
  const source = sourceFile(path);
  if (source !== undefined) {
    response.writeHead(200, { "content-type": "application/typescript" });
    response.end(source);
    return;
  }
  if (tarball !== null) {
    const version = [...(packages.get(tarball[1]!)?.values() ?? [])].find((v) => v.file === tarball[2]);
    if (version !== undefined) {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(version.bytes);
      return;
    }
  } else {
    const body = packument(path, base);
    if (body !== undefined) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
      return;
    }
  }
  response.writeHead(404, { "content-type": "application/json" });
  response.end(JSON.stringify({ error: "not found" }));
});

server.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
