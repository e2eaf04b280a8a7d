// `trueno-zram train-dict` end to end under both runtimes: a dictionary from a pages file and from a live
// process, --json, and bad command lines.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Algorithm, CompressorBuilder, dictionaryId, PAGE_SIZE } from "../mod.ts";
import { runCli, RUNTIMES, smallPagesFile } from "./cli-helpers.ts";
import { expect, test } from "./harness.ts";

const PAGES = 256;
const input = smallPagesFile(PAGES);

for (const runtime of Object.keys(RUNTIMES) as (keyof typeof RUNTIMES)[]) {
  test(`cli (${runtime}): train-dict writes a dictionary a compressor uses`, () => {
    const dir = mkdtempSync(join(tmpdir(), "trueno-train-dict-"));
    try {
      const out = join(dir, "pages.dict");
      const r = runCli(runtime, ["train-dict", "--input", input, "-o", out, "--size", "8K"]);
      expect(r.status, r.stderr).toBe(0);
      const dictionary = new Uint8Array(readFileSync(out));
      expect(dictionary.length).toBeLessThanOrEqual(8192);
      expect(dictionaryId(dictionary)).toBeGreaterThan(0);
      expect(r.stdout).toBe(
        `${input}: ${PAGES} pages (1.0 MiB)\nwrote ${out}: ${dictionary.length} bytes, dictionary ID ${
          dictionaryId(dictionary)
        }\n`,
      );
      const pages = new Uint8Array(readFileSync(input));
      const c = new CompressorBuilder().algorithm(Algorithm.Zstd(1, { dictionary })).build();
      expect(c.decompressBatch(c.compressBatch(pages))).toEqualBytes(pages);
      c.close();

      const json = runCli(runtime, ["train-dict", "--input", input, "--output", out, "--size", "4096", "--json"]);
      expect(json.status, json.stderr).toBe(0);
      const summary = JSON.parse(json.stdout);
      expect(summary.output).toBe(out);
      expect(summary.bytes).toBe(readFileSync(out).length);
      expect(summary.bytes).toBeLessThanOrEqual(4096);
      expect(summary.dictionaryId).toBe(dictionaryId(new Uint8Array(readFileSync(out))));
      expect(summary.source.pages).toBe(PAGES);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`cli (${runtime}): train-dict --pid trains on a live process's pages`, () => {
    const dir = mkdtempSync(join(tmpdir(), "trueno-train-dict-"));
    try {
      const out = join(dir, "process.dict");
      const r = runCli(runtime, [
        "train-dict",
        "--pid",
        String(process.pid),
        "--max-pages",
        "2000",
        "-o",
        out,
        "--json",
      ]);
      expect(r.status, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.source.description.startsWith(`pid ${process.pid}: `)).toBeTrue();
      expect(summary.source.pages).toBeLessThanOrEqual(2000);
      expect(dictionaryId(new Uint8Array(readFileSync(out)))).toBe(summary.dictionaryId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`cli (${runtime}): train-dict refuses bad command lines with exit 2 and writes nothing`, () => {
    const dir = mkdtempSync(join(tmpdir(), "trueno-train-dict-"));
    try {
      const out = join(dir, "never.dict");
      const cases: [string[], string][] = [
        [["--input", input, "-o", out, "--size", "100"], "--size '100'"],
        [["--input", input, "-o", out, "--size", "1G"], "--size '1G'"],
        [["-o", out], "give either --input FILE or --pid PID"],
        [["--input", input, "--pid", "1", "-o", out], "give either --input FILE or --pid PID"],
        [["--input", input, "-o", "-", "--json"], "--json needs -o DICT"],
        [["--input", join(dir, "missing.pages"), "-o", out], "missing.pages"],
      ];
      for (const [args, message] of cases) {
        const r = runCli(runtime, ["train-dict", ...args]);
        expect(r.status, args.join(" ")).toBe(2);
        expect(r.stderr.includes(message), r.stderr).toBeTrue();
      }
      // Pages the trainer cannot learn from (all same-filled) are a failure while running: exit 1.
      const zeros = join(dir, "zeros.pages");
      writeFileSync(zeros, new Uint8Array(64 * PAGE_SIZE));
      const r = runCli(runtime, ["train-dict", "--input", zeros, "-o", out]);
      expect(r.status).toBe(1);
      expect(r.stderr.includes("InvalidInput")).toBeTrue();
      expect(existsSync(out) || existsSync(`${out}.partial`)).toBeFalse();
      const help = runCli(runtime, ["train-dict", "--help"]);
      expect(help.status).toBe(0);
      expect(help.stdout.startsWith("Usage: trueno-zram train-dict")).toBeTrue();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
