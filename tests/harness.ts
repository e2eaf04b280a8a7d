// One test API over `bun test` and `deno test`: test(), a small expect(), and the shared corpus.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TruenoError } from "../mod.ts";

type TestFn = () => void | Promise<void>;
interface BunTest {
  test(name: string, fn: TestFn, timeoutMs: number): void;
}
/** Deno's test registration, declared here so that the harness type-checks without Deno's types (tsc). */
interface DenoTest {
  test(definition: { name: string; fn: TestFn }): void;
}

const isBun = "Bun" in globalThis;
// Through a variable so that Deno's type checker does not resolve the bun: scheme.
const bunTestSpecifier = "bun:test";
const bunTest: BunTest | undefined = isBun ? await import(bunTestSpecifier) : undefined;

/** Long enough for a whole-corpus pass on a loaded 2-core machine. */
const DEFAULT_TIMEOUT_MS = 300_000;

export const runtime: "bun" | "deno" = isBun ? "bun" : "deno";

export function test(name: string, fn: TestFn): void {
  if (bunTest !== undefined) bunTest.test(name, fn, DEFAULT_TIMEOUT_MS);
  else (globalThis as unknown as { Deno: DenoTest }).Deno.test({ name, fn });
}

export class AssertionError extends Error {
  override name = "AssertionError";
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Uint8Array).length})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Index of the first difference of two array-likes, or -1 when equal (length included). */
function firstDifference(a: ArrayLike<unknown>, b: ArrayLike<unknown>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    return a.constructor === b.constructor &&
      firstDifference(a as unknown as ArrayLike<unknown>, b as unknown as ArrayLike<unknown>) === -1;
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length &&
      ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

function checkThrown(error: unknown, code?: string): void {
  if (code === undefined) return;
  if (!(error instanceof TruenoError)) throw new AssertionError(`expected TruenoError(${code}), got ${error}`);
  if (error.code !== code) {
    throw new AssertionError(`expected TruenoError(${code}), got ${error.code}: ${error.message}`);
  }
}

export function expect(actual: unknown, context = "") {
  const fail = (what: string) => new AssertionError(`${context ? context + ": " : ""}${what}`);
  return {
    toBe(expected: unknown) {
      if (!Object.is(actual, expected)) throw fail(`expected ${show(expected)}, got ${show(actual)}`);
    },
    toEqual(expected: unknown) {
      if (!deepEqual(actual, expected)) throw fail(`expected ${show(expected)} (deep), got ${show(actual)}`);
    },
    /** Byte-for-byte equality of two typed arrays, naming the first differing index. */
    toEqualBytes(expected: ArrayLike<number | bigint>) {
      const a = actual as ArrayLike<number | bigint>;
      const i = firstDifference(a, expected);
      if (i !== -1) {
        throw fail(
          `differ at index ${i} (lengths ${a.length}/${expected.length}): ${show(a[i])} vs ${show(expected[i])}`,
        );
      }
    },
    toBeNull() {
      if (actual !== null) throw fail(`expected null, got ${show(actual)}`);
    },
    toBeTrue() {
      if (actual !== true) throw fail(`expected true, got ${show(actual)}`);
    },
    toBeFalse() {
      if (actual !== false) throw fail(`expected false, got ${show(actual)}`);
    },
    toBeInstanceOf(cls: abstract new (...args: never[]) => unknown) {
      if (!(actual instanceof cls)) throw fail(`expected an instance of ${cls.name}, got ${show(actual)}`);
    },
    toBeGreaterThan(n: number) {
      if (!((actual as number) > n)) throw fail(`expected > ${n}, got ${show(actual)}`);
    },
    toBeGreaterThanOrEqual(n: number) {
      if (!((actual as number) >= n)) throw fail(`expected >= ${n}, got ${show(actual)}`);
    },
    toBeLessThan(n: number) {
      if (!((actual as number) < n)) throw fail(`expected < ${n}, got ${show(actual)}`);
    },
    toBeLessThanOrEqual(n: number) {
      if (!((actual as number) <= n)) throw fail(`expected <= ${n}, got ${show(actual)}`);
    },
    toBeCloseTo(expected: number, tolerance = 1e-9) {
      if (!(Math.abs((actual as number) - expected) <= tolerance)) {
        throw fail(`expected ${expected} +- ${tolerance}, got ${show(actual)}`);
      }
    },
    /** `actual` is a function that must throw; with a code, a TruenoError of that code. */
    toThrow(code?: string) {
      try {
        (actual as () => unknown)();
      } catch (error) {
        checkThrown(error, code);
        return;
      }
      throw fail(`expected a throw${code ? ` of TruenoError(${code})` : ""}, nothing was thrown`);
    },
    /** `actual` is a Promise that must reject; with a code, with a TruenoError of that code. */
    async toReject(code?: string) {
      try {
        await (actual as Promise<unknown>);
      } catch (error) {
        checkThrown(error, code);
        return;
      }
      throw fail(`expected a rejection${code ? ` with TruenoError(${code})` : ""}, it resolved`);
    },
  };
}

export const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const corpusDir = fileURLToPath(new URL("../../shared/corpus/", import.meta.url));
const cacheDir = fileURLToPath(new URL("../.cache/corpus/", import.meta.url));

export interface CorpusFile {
  name: string;
  /** Whole 4096-byte pages, back to back. */
  pages: Uint8Array;
}

let corpusCache: CorpusFile[] | undefined;

/**
 * The real memory pages of ../shared/corpus, decompressed once into .cache/corpus/ with the zstd CLI.
 * The corpus always lies beside the repository, so its absence is an error, not a skip.
 */
export function corpus(): CorpusFile[] {
  if (corpusCache !== undefined) return corpusCache;
  if (!existsSync(corpusDir)) throw new Error(`the corpus is missing: expected ${corpusDir} beside the repository`);
  const sources = readdirSync(corpusDir).filter((f) => f.endsWith(".pages.zst")).sort();
  if (sources.length === 0) throw new Error(`no *.pages.zst files in ${corpusDir}`);
  mkdirSync(cacheDir, { recursive: true });
  corpusCache = sources.map((source) => {
    const name = source.replace(/\.zst$/, "");
    const cached = cacheDir + name;
    const sourcePath = corpusDir + source;
    if (!existsSync(cached) || statSync(cached).mtimeMs < statSync(sourcePath).mtimeMs) {
      const partial = `${cached}.partial`;
      execFileSync("zstd", ["-q", "-d", "-f", sourcePath, "-o", partial]);
      renameSync(partial, cached);
    }
    const pages = new Uint8Array(readFileSync(cached));
    if (pages.length === 0 || pages.length % 4096 !== 0) throw new Error(`${cached} is not whole pages`);
    return { name, pages };
  });
  return corpusCache;
}

/** The corpus's `index`-th file in name order; an error when the corpus has fewer. */
export function corpusFile(index: number): CorpusFile {
  const file = corpus()[index];
  if (file === undefined) throw new Error(`the corpus has ${corpus().length} files, none at index ${index}`);
  return file;
}

/** items[index], failing the test (naming `what`) when there is no such item: for lines of a tool's output,
 * fields of a parsed record and the like, which really can be missing. */
export function nth<T>(items: ArrayLike<T>, index: number, what = "item"): T {
  const item = items[index];
  if (item === undefined) throw new AssertionError(`no ${what} ${index}: there are ${items.length}`);
  return item;
}
