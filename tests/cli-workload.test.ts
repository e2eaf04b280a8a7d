// The CLI's building blocks in process: the built-in workload, the option parser, the algorithm lists.
import { PAGE_SIZE, sameFillWord, shannonEntropy } from "../mod.ts";
import { parseAlgorithm, parseBackendList, supportedBackends } from "../lib/cli/algorithms.ts";
import { integerOption, parseOptions } from "../lib/cli/args.ts";
import { parseRange } from "../lib/cli/page-source.ts";
import { formatTable } from "../lib/cli/table.ts";
import { barChart, escapeXml, niceMax, scatterChart, stackedColumns } from "../lib/report/svg.ts";
import { UsageError } from "../lib/cli/usage-error.ts";
import { syntheticWorkload, WORKLOAD_MIX } from "../lib/cli/workload.ts";
import { AssertionError, expect, test } from "./harness.ts";

function throwsUsage(fn: () => unknown, message: string): void {
  try {
    fn();
  } catch (e) {
    expect(e instanceof UsageError, String(e)).toBeTrue();
    expect((e as Error).message.includes(message), (e as Error).message).toBeTrue();
    return;
  }
  throw new AssertionError(`expected a UsageError containing '${message}'`);
}

test("workload: the same seed gives the same bytes, another seed other bytes", () => {
  expect(syntheticWorkload(300)).toEqualBytes(syntheticWorkload(300));
  expect(syntheticWorkload(300, 1)).toEqualBytes(syntheticWorkload(300, 1));
  const a = syntheticWorkload(300, 1);
  const b = syntheticWorkload(300, 2);
  expect(a.length).toBe(300 * PAGE_SIZE);
  expect(a.every((x, i) => x === b[i])).toBeFalse();
});

test("workload: the page mix matches the documented shares", () => {
  const n = 4000;
  const pages = syntheticWorkload(n);
  let zero = 0, same = 0, random = 0, structured = 0;
  for (let i = 0; i < n; i++) {
    const page = pages.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
    const word = sameFillWord(page);
    if (word === 0n) zero++;
    else if (word !== null) same++;
    else if (shannonEntropy(page) > 7.9) random++;
    else structured++;
  }
  const share = (kind: string) => WORKLOAD_MIX.filter((m) => m.kind === kind).reduce((s, m) => s + m.share, 0);
  // 4000 draws: each share lies within 3 percentage points of its expectation
  expect(Math.abs(zero / n - share("zero")), "zero").toBeLessThan(0.03);
  expect(Math.abs(same / n - share("same-filled")), "same-filled").toBeLessThan(0.03);
  expect(Math.abs(random / n - share("random")), "random").toBeLessThan(0.03);
  expect(Math.abs(structured / n - share("text") - share("structs")), "text + structs").toBeLessThan(0.03);
});

test("args: values, booleans, = form; errors for unknown, repeated, missing", () => {
  const spec = { input: "string", json: "boolean" } as const;
  const p = parseOptions(["--input", "f", "--json"], spec, "bench");
  expect(p.get("input")).toBe("f");
  expect(p.get("json")).toBeTrue();
  expect(parseOptions(["--input=a=b"], spec, "bench").get("input")).toBe("a=b");
  throwsUsage(() => parseOptions(["--nope"], spec, "bench"), "unknown option '--nope'");
  throwsUsage(() => parseOptions(["--json", "--json"], spec, "bench"), "given twice");
  throwsUsage(() => parseOptions(["--input", "--json"], spec, "bench"), "needs a value");
  throwsUsage(() => parseOptions(["--input="], spec, "bench"), "needs a value");
  throwsUsage(() => parseOptions(["x"], spec, "bench"), "unexpected argument 'x'");
  throwsUsage(() => parseOptions(["--toString"], spec, "bench"), "unknown option");
  expect(integerOption(undefined, "n", 1, 9, 5)).toBe(5);
  expect(integerOption("9", "n", 1, 9, 5)).toBe(9);
  throwsUsage(() => integerOption("10", "n", 1, 9, 5), "between 1 and 9");
  throwsUsage(() => integerOption("1e3", "n", 1, 9999, 5), "whole number");
  throwsUsage(() => integerOption("-1", "n", 1, 9, 5), "whole number");
});

test("args: short forms, -h for --help, positionals up to the command's count, - as a value", () => {
  const spec = { output: "string", help: "boolean", json: "boolean" } as const;
  const p = parseOptions(["-o", "-", "FILE", "-h"], spec, "capture", { short: { o: "output" }, positionals: 1 });
  expect(p.get("output")).toBe("-");
  expect(p.get("help")).toBeTrue();
  expect(p.positionals).toEqual(["FILE"]);
  throwsUsage(() => parseOptions(["a", "b"], spec, "entropy", { positionals: 1 }), "unexpected argument 'b'");
  throwsUsage(() => parseOptions(["-x"], spec, "capture", { short: { o: "output" } }), "unexpected argument '-x'");
  throwsUsage(
    () => parseOptions(["-o", "f", "--output", "g"], spec, "capture", { short: { o: "output" } }),
    "given twice",
  );
  throwsUsage(() => parseOptions(["--", "a"], spec, "entropy", { positionals: 2 }), "unexpected argument '--'");
});

test("page source: --range parses hex START-END, page-aligned", () => {
  expect(parseRange("7f00a000-7f00c000")).toEqual({ start: 0x7f00a000, end: 0x7f00c000 });
  expect(parseRange("0x1000-0x3000")).toEqual({ start: 0x1000, end: 0x3000 });
  throwsUsage(() => parseRange("3000-1000"), "START below END");
  throwsUsage(() => parseRange("zz-1000"), "expected START-END");
  throwsUsage(() => parseRange("1000-1800"), "multiples of 4096");
});

test("svg: text is escaped, axes end on round numbers, Infinity and NaN never reach the markup", () => {
  expect(escapeXml(`<a href="x">&'</a>`)).toBe("&#60;a href=&#34;x&#34;&#62;&#38;&#39;&#60;/a&#62;");
  expect([niceMax(0), niceMax(0.7), niceMax(3.1), niceMax(7.5), niceMax(130), niceMax(Infinity)]).toEqual([
    1,
    1,
    5,
    10,
    200,
    1,
  ]);
  const svg =
    barChart({ title: "t", unit: "u", series: ["a"], groups: [{ label: "<x>", bars: [{ value: Infinity }] }] }) +
    scatterChart({ title: "s", xLabel: "x", yLabel: "y", points: [{ label: "p", x: NaN, y: Infinity }] }) +
    stackedColumns({
      title: "c",
      xLabel: "x",
      yLabel: "y",
      series: ["a", "b"],
      columns: [{ label: "0", parts: [3, NaN] }],
    });
  expect(/NaN|Infinity/.test(svg), svg).toBeFalse();
  expect(svg.includes("&#60;x&#62;")).toBeTrue();
  expect(svg.match(/<svg /g)?.length).toBe(3);
});

test("algorithms: names, levels and display names", () => {
  expect(parseAlgorithm("lz4").name).toBe("lz4");
  expect(parseAlgorithm("LZ4HC").name).toBe("lz4hc-9");
  expect(parseAlgorithm("lz4hc:12").algorithm.level).toBe(12);
  expect(parseAlgorithm("zstd").name).toBe("zstd-1");
  expect(parseAlgorithm("zstd:19").algorithm.level).toBe(19);
  expect(parseAlgorithm("adaptive").algorithm.name).toBe("adaptive");
  throwsUsage(() => parseAlgorithm("zstd:0"), "from 1 to 19");
  throwsUsage(() => parseAlgorithm("lz4:3"), "takes no level");
  throwsUsage(() => parseAlgorithm("zstd:1:2"), "NAME:LEVEL");
  throwsUsage(() => parseAlgorithm("brotli"), "unknown algorithm");
});

test("backends: auto, all and names, unsupported ones refused", () => {
  expect(parseBackendList("auto")).toEqual([undefined]);
  expect(parseBackendList("all")).toEqual(supportedBackends());
  expect(parseBackendList("scalar,scalar")).toEqual(["scalar"]);
  const missing = (["avx512", "avx2", "neon"] as const).find((b) => !supportedBackends().includes(b));
  if (missing !== undefined) throwsUsage(() => parseBackendList(missing), "not supported by this CPU");
  throwsUsage(() => parseBackendList(","), "at least one backend");
});

test("table: first column left, numbers right", () => {
  expect(formatTable(["name", "GB/s"], [["lz4", "1.50"], ["zstd-1", "0.40"]])).toBe(
    "name    GB/s\nlz4     1.50\nzstd-1  0.40\n",
  );
});
