/**
 * Recompression on the corpus (`bun bench/recompress.ts`): per corpus file, every page written to a
 * BlockDevice with LZ4, all marked idle, then recompressed with Zstandard (zram's recompress type=idle
 * with recomp_algorithm zstd); prints mm_stat's compr_data_size and mem_used_total before and after
 * (counted bytes; also after compact, since recompression leaves zspages part-used as zram does) and the
 * time recompress() took (a timing: run it on a quiet machine).
 *
 *   bun bench/recompress.ts [--level N]     Zstandard level of the secondary algorithm (default 1)
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Algorithm, BlockDevice, CompressorBuilder } from "../mod.ts";
import { corpusFiles } from "./corpus.ts";
import { option } from "./options.ts";
import { markdownTable } from "./report.ts";

const LEVEL = option("level", 1);

const rows: string[][] = [];
for (const path of corpusFiles()) {
  const pages = new Uint8Array(readFileSync(path));
  const lz4 = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(1).build();
  // zram tries every page (no entropy skip), as the emulated zram device does.
  const dev = new BlockDevice(pages.length, lz4, { entropyThreshold: 8 });
  dev.write(0, pages);
  dev.setRecompressAlgorithm(1, Algorithm.Zstd(LEVEL));
  const before = dev.stats();
  dev.markIdle();
  const start = performance.now();
  const r = dev.recompress({ type: "idle" });
  const ms = performance.now() - start;
  const after = dev.stats();
  dev.compact();
  const compacted = dev.stats().memUsedTotal;
  const check = new Uint8Array(pages.length);
  dev.read(0, check);
  if (!check.every((b, i) => b === pages[i])) throw new Error(`${path}: a page did not read back`);
  rows.push([
    basename(path, ".pages"),
    String(pages.length / 4096),
    String(before.comprDataSize),
    String(after.comprDataSize),
    String(before.memUsedTotal),
    String(after.memUsedTotal),
    String(compacted),
    (before.memUsedTotal / compacted).toFixed(3),
    `${r.recompressed}/${r.attempted}`,
    ms.toFixed(0),
  ]);
  dev.close();
  lz4.close();
}
console.log(`LZ4 pages, all idle, recompressed with zstd-${LEVEL} (type=idle)\n`);
console.log(markdownTable(
  [
    "file",
    "pages",
    "compr_data_size before",
    "after",
    "mem_used_total before",
    "after",
    "after compact",
    "mem_used before / after compact",
    "recompressed/tried",
    "recompress ms",
  ],
  rows,
));
