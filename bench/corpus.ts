/**
 * The corpus pages for the benchmarks: ../shared/corpus/*.pages.zst, decompressed once with `zstd -d`
 * into .cache/corpus/, and concatenated into .cache/bench/corpus.pages for the native loop.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const PAGE_SIZE = 4096;
const SHARED_CORPUS = join(ROOT, "..", "shared", "corpus");
const CACHE = join(ROOT, ".cache", "corpus");
export const BENCH_CACHE = join(ROOT, ".cache", "bench");

export interface Corpus {
  /** All corpus pages, file after file. */
  pages: Uint8Array;
  /** The same bytes as one file, for subprocesses. */
  path: string;
  files: { name: string; pages: number }[];
}

/** Decompresses every corpus file that is not in the cache yet and returns the cached .pages paths. */
export function corpusFiles(): string[] {
  if (!existsSync(SHARED_CORPUS)) {
    throw new Error(`no corpus at ${SHARED_CORPUS}: the benchmarks need ../shared/corpus beside the checkout`);
  }
  mkdirSync(CACHE, { recursive: true });
  const sources = readdirSync(SHARED_CORPUS).filter((f) => f.endsWith(".pages.zst")).sort();
  if (sources.length === 0) throw new Error(`no *.pages.zst in ${SHARED_CORPUS}`);
  return sources.map((src) => {
    const out = join(CACHE, basename(src, ".zst"));
    if (!existsSync(out)) {
      // decompress to a temporary name first so an interrupted run leaves no truncated file behind
      execFileSync("zstd", ["-q", "-d", "-f", join(SHARED_CORPUS, src), "-o", `${out}.tmp`]);
      renameSync(`${out}.tmp`, out);
    }
    if (statSync(out).size % PAGE_SIZE !== 0) throw new Error(`${out} is not whole pages`);
    return out;
  });
}

/** Every corpus page, or only the first `limitPages` (for a quick run); also written as one file. */
export function loadCorpus(limitPages = Infinity): Corpus {
  const files = corpusFiles();
  const parts: Uint8Array[] = [];
  let left = limitPages;
  for (const f of files) {
    const whole = readFileSync(f);
    const part = whole.subarray(0, Math.min(whole.length, left * PAGE_SIZE));
    parts.push(part);
    left -= part.length / PAGE_SIZE;
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const pages = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    pages.set(p, at);
    at += p.length;
  }
  mkdirSync(BENCH_CACHE, { recursive: true });
  const path = join(BENCH_CACHE, Number.isFinite(limitPages) ? `corpus-${total / PAGE_SIZE}.pages` : "corpus.pages");
  if (!existsSync(path) || statSync(path).size !== total) writeFileSync(path, pages);
  return {
    pages,
    path,
    files: files.map((f, i) => ({ name: basename(f), pages: parts[i]!.length / PAGE_SIZE })).filter((f) => f.pages > 0),
  };
}

/** One subarray view per page, made once so the timed loops allocate nothing. */
export function pageViews(pages: Uint8Array): Uint8Array[] {
  const views: Uint8Array[] = [];
  for (let at = 0; at < pages.length; at += PAGE_SIZE) views.push(pages.subarray(at, at + PAGE_SIZE));
  return views;
}
