// docs/API.md against mod.ts: every export is named there, and every `ts` block type-checks with all
// exports in scope (blocks marked `ts no-check` need a platform package installed and are skipped).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { expect, repoRoot, test } from "./harness.ts";

const deno = join(repoRoot, "node_modules", ".bin", "deno");
const apiText = readFileSync(join(repoRoot, "docs", "API.md"), "utf8");

interface DocSymbol {
  name: string;
  declarations: { kind: string }[];
}

/** mod.ts's exports from `deno doc --json`: each name, and whether it is a type only. */
function exportsOfMod(): { name: string; typeOnly: boolean }[] {
  const json = JSON.parse(execFileSync(deno, ["doc", "--json", join(repoRoot, "mod.ts")], { encoding: "utf8" }));
  const symbols: DocSymbol[] = Object.values(json.nodes as Record<string, { symbols: DocSymbol[] }>)[0]!.symbols;
  return symbols.map((s) => ({
    name: s.name,
    typeOnly: s.declarations.every((d) => d.kind === "interface" || d.kind === "typeAlias"),
  }));
}

test("docs/API.md names every export of mod.ts", () => {
  const missing = exportsOfMod().map((e) => e.name).filter((name) => !new RegExp(`\\b${name}\\b`).test(apiText));
  expect(missing).toEqual([]);
});

test("every checked ts block of docs/API.md type-checks against mod.ts", () => {
  const blocks = [...apiText.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  expect(blocks.length > 5, `${blocks.length} blocks`).toBeTrue();
  const names = exportsOfMod().map((e) => (e.typeOnly ? `type ${e.name}` : e.name));
  const prelude = `import { ${names.join(", ")} } from "${pathToFileURL(join(repoRoot, "mod.ts"))}";\n`;
  const dir = mkdtempSync(join(tmpdir(), "trueno-api-docs-"));
  try {
    const files = blocks.map((block, i) => {
      const file = join(dir, `block${i}.ts`);
      writeFileSync(file, `${prelude}${block}export {};\n`);
      return file;
    });
    try {
      execFileSync(deno, ["check", "--no-config", ...files], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NO_COLOR: "1" },
      });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string };
      throw new Error(`docs/API.md blocks do not type-check:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
