// --report: one self-contained HTML file per run, checked in a real headless browser (Debian's chromium):
// it loads without a console message, and a screenshot lands in $CI_ARTIFACTS (default .cache/artifacts).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { expect, nth, repoRoot, runtime, test } from "./harness.ts";
import { runCli, smallPagesFile } from "./cli-helpers.ts";

const artifacts = process.env.CI_ARTIFACTS ?? join(repoRoot, ".cache", "artifacts");
mkdirSync(artifacts, { recursive: true });
const WIDTH = 900;

/** Loads a page in headless chromium, writes a screenshot; returns the console lines it logged. */
function loadInChromium(html: string, screenshot: string): string[] {
  const r = spawnSync("chromium", [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
    `--screenshot=${screenshot}`,
    `--window-size=${WIDTH},2600`,
    `file://${html}`,
  ], { encoding: "utf8", timeout: 120_000 });
  if (r.error) throw r.error;
  expect(r.status, r.stderr).toBe(0);
  return r.stderr.split("\n").filter((line) => line.includes(":CONSOLE"));
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString()).toBe("PNG");
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

function checkSelfContained(html: string): void {
  expect(html.startsWith("<!doctype html>")).toBeTrue();
  expect(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(/i.test(html), "external or scripted content").toBeFalse();
  // The only URL is SVG's namespace name, which is never fetched.
  expect(html.match(/https?:\/\/[^"]*/g)?.every((u) => u === "http://www.w3.org/2000/svg")).toBeTrue();
  expect(html.includes("default-src 'none'")).toBeTrue();
}

test(`report (${runtime}): bench and estimate write self-contained HTML that chromium shows without a console message`, () => {
  const input = smallPagesFile(256);
  const runs: [string, string[]][] = [
    ["bench", ["bench", "--input", input, "--rounds", "1", "--algorithms", "lz4,zstd", "--backends", "scalar,auto"]],
    ["estimate", ["estimate", "--input", input]],
  ];
  for (const [name, args] of runs) {
    const html = join(artifacts, `${name}-report-${runtime}.html`);
    const r = runCli(runtime, [...args, "--report", html]);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(html, "utf8");
    checkSelfContained(text);
    expect(text.match(/<svg /g)?.length, name).toBe(4);
    const png = join(artifacts, `${name}-report-${runtime}.png`);
    expect(loadInChromium(html, png), name).toEqual([]);
    expect(pngSize(png)[0]).toBe(WIDTH);
  }
});

test(`report (${runtime}): the console check catches a page that logs an error`, () => {
  const bad = join(artifacts, `console-error-${runtime}.html`);
  writeFileSync(bad, `<!doctype html><html><body><script>console.error("boom")</script></body></html>`);
  const lines = loadInChromium(bad, join(artifacts, `console-error-${runtime}.png`));
  expect(lines.length).toBe(1);
  expect(nth(lines, 0, "line").includes('"boom"'), nth(lines, 0, "line")).toBeTrue();
});

test(`report (${runtime}): a report that cannot be written is a failure (exit 1), not a stack trace`, () => {
  const r = runCli(runtime, [
    "estimate",
    "--input",
    smallPagesFile(16),
    "--report",
    join(repoRoot, "no-such-dir", "r.html"),
  ]);
  expect(r.status).toBe(1);
  expect(r.stderr.startsWith("trueno-zram: Error: cannot write the report")).toBeTrue();
  expect(r.stderr.split("\n").length).toBe(2);
});
