// Our LZ4 and Zstandard pages against the reference command-line tools, in both directions.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Algorithm, type CompressedBatch, CompressedPage, CompressorBuilder, PAGE_SIZE } from "../mod.ts";
import { corpus, expect, nth, test } from "./harness.ts";
import { type FrameBlock, readFrame, writeFrame } from "./lz4frame.ts";
import { concatPages, edgePages, textPage } from "./pages.ts";

/**
 * Runs `command` (a shell line reading $IN and writing $OUT) on `input` and returns what it wrote.
 * Files, not pipes, carry the data: both runtimes handle large outputs that way.
 */
function run(command: string, input: Uint8Array): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "trueno-interop-"));
  try {
    writeFileSync(join(dir, "in"), input);
    execFileSync("sh", ["-c", command], { env: { ...process.env, IN: join(dir, "in"), OUT: join(dir, "out") } });
    return new Uint8Array(readFileSync(join(dir, "out")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Edge pages and every 20th corpus page. */
function testPages(): Uint8Array {
  const named = edgePages();
  for (const file of corpus()) {
    for (let off = 0; off < file.pages.length; off += 20 * PAGE_SIZE) {
      named.push({ name: `${file.name}@${off / PAGE_SIZE}`, page: file.pages.subarray(off, off + PAGE_SIZE) });
    }
  }
  return concatPages(named);
}

function pageAt(pages: Uint8Array, i: number): Uint8Array {
  return pages.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
}

/** The pages of `batch` whose kind is `kind`: their stored bytes and the original pages. */
function pagesOfKind(batch: CompressedBatch, pages: Uint8Array, kind: string) {
  const stored: Uint8Array[] = [];
  const originals: Uint8Array[] = [];
  for (let i = 0; i < batch.count; i++) {
    if (batch.page(i).kind !== kind) continue;
    stored.push(batch.page(i).data);
    originals.push(pageAt(pages, i));
  }
  return { stored, originals: concatPages(originals.map((page) => ({ name: "", page }))) };
}

for (const algorithm of [Algorithm.Lz4, Algorithm.Lz4hc()]) {
  test(`${algorithm} pages wrapped in an LZ4 frame decode with the lz4 tool`, () => {
    const c = new CompressorBuilder().algorithm(algorithm).build();
    const pages = testPages();
    const batch = c.compressBatch(pages);
    c.close();
    // Every page goes into the frame: LZ4 pages as compressed blocks, SAME and RAW pages as stored ones.
    const blocks: FrameBlock[] = [];
    let lz4Pages = 0;
    for (let i = 0; i < batch.count; i++) {
      const page = batch.page(i);
      if (page.kind === "lz4") lz4Pages++;
      blocks.push(
        page.kind === "lz4" ? { data: page.data, compressed: true } : { data: pageAt(pages, i), compressed: false },
      );
    }
    expect(lz4Pages).toBeGreaterThan(batch.count / 2);
    expect(run('lz4 -d -q -f "$IN" "$OUT"', writeFrame(blocks))).toEqualBytes(pages);
  });
}

test("Zstandard pages decode with the zstd tool", () => {
  for (const algorithm of [Algorithm.Zstd(), Algorithm.Zstd(19)]) {
    const c = new CompressorBuilder().algorithm(algorithm).build();
    const pages = testPages();
    const { stored, originals } = pagesOfKind(c.compressBatch(pages), pages, "zstd");
    c.close();
    expect(stored.length).toBeGreaterThan(pages.length / PAGE_SIZE / 2);
    // Concatenated frames decode to the concatenated pages.
    const frames = concatFrames(stored);
    expect(run('zstd -d -q -f "$IN" -o "$OUT"', frames), String(algorithm)).toEqualBytes(originals);
  }
});

function concatFrames(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

/** Compressible real pages and the text page: the tools store these compressed. */
function compressiblePages(): Uint8Array[] {
  const pages = [textPage()];
  for (const file of corpus()) {
    for (let i = 3; i < 40; i += 6) pages.push(pageAt(file.pages, i));
  }
  return pages;
}

test("blocks from the lz4 tool's frames decode as LZ4 pages", () => {
  const c = new CompressorBuilder().build();
  let decoded = 0;
  for (const level of ["-1", "-9"]) {
    for (const page of compressiblePages()) {
      const blocks = readFrame(run(`lz4 ${level} -q -f -B4 --no-frame-crc "$IN" "$OUT"`, page));
      expect(blocks.length).toBe(1);
      const block = nth(blocks, 0, "frame block");
      if (!block.compressed) continue; // the tool stored this page as is
      expect(c.decompress(new CompressedPage(block.data, "lz4"))).toEqualBytes(page);
      decoded++;
    }
  }
  c.close();
  expect(decoded).toBeGreaterThan(compressiblePages().length);
});

test("frames from the zstd tool decode as Zstandard pages", () => {
  const c = new CompressorBuilder().algorithm(Algorithm.Zstd()).build();
  // A page frame declares its content size (4096): the tool records it for a file, and for a pipe
  // when told the stream size.
  const commands = [
    'zstd -3 -q -f "$IN" -o "$OUT"',
    'zstd -19 --no-check -q -f "$IN" -o "$OUT"',
    'zstd -1 -c -q --stream-size=4096 < "$IN" > "$OUT"',
  ];
  for (const [i, page] of compressiblePages().entries()) {
    for (const command of commands) {
      const frame = run(command, page);
      expect(c.decompress(new CompressedPage(frame, "zstd")), `page ${i}: ${command}`).toEqualBytes(page);
    }
  }
  c.close();
});
