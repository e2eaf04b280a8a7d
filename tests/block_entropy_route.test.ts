// Entropy routing (Zstandard and LZ4-HC devices) looks at a 1 KiB sample, four 256-byte blocks spread
// over the page. Counted here: how often the sample and the whole page fall on different sides of
// the threshold, on the corpus and on pages built to straddle it, and that the device routes exactly
// the pages whose sample is over it.
import { corpus, expect, test } from "./harness.ts";
import { randomBytes, textPage } from "./pages.ts";
import { Algorithm, CompressorBuilder, sameFillWord, shannonEntropy } from "../mod.ts";
import { BlockDevice } from "../lib/block/mod.ts";

const THRESHOLD = 7.0;

function sample(page: Uint8Array): Uint8Array {
  const out = new Uint8Array(1024);
  for (let b = 0; b < 4; b++) out.set(page.subarray(b * 1024, b * 1024 + 256), b * 256);
  return out;
}

/** Random bytes in `fraction` of the page, text elsewhere: entropies around the threshold. */
function mixed(fraction: number, seed: number): Uint8Array {
  const page = textPage();
  const n = Math.round(4096 * fraction);
  page.set(randomBytes(n, seed), 4096 - n);
  return page;
}

function corpusPages(): Uint8Array[] {
  const pages: Uint8Array[] = [];
  for (const file of corpus()) {
    for (let at = 0; at < file.pages.length; at += 4096) pages.push(file.pages.subarray(at, at + 4096));
  }
  return pages.filter((p) => sameFillWord(p) === null);
}

function builtPages(): Uint8Array[] {
  const pages: Uint8Array[] = [];
  for (let i = 0; i < 200; i++) pages.push(mixed(i / 200, i + 1), randomBytes(4096, 500 + i));
  return pages;
}

/** Counts, and prints, the pages over the threshold by each measure and where they differ: `tried`
 * pages are over by the whole page only (they get a trial, which costs time, not ratio); `routed`
 * pages are over by the sample only (stored raw untried: ratio lost if they would have compressed). */
function disagreement(name: string, pages: Uint8Array[]): { tried: number; routed: number } {
  let overFull = 0;
  let overSample = 0;
  let tried = 0;
  let routed = 0;
  for (const page of pages) {
    const full = shannonEntropy(page) > THRESHOLD;
    const part = shannonEntropy(sample(page)) > THRESHOLD;
    if (full) overFull++;
    if (part) overSample++;
    if (full && !part) tried++;
    if (part && !full) routed++;
  }
  console.log(
    `${name}: ${pages.length} pages, ${overFull} over ${THRESHOLD} bits/byte by the whole page, ${overSample} by the ` +
      `sample; ${tried} tried that the whole page would route, ${routed} routed that it would try`,
  );
  return { tried: tried / pages.length, routed: routed / pages.length };
}

test("the 1 KiB entropy sample and the whole page agree on the routing of nearly every page", () => {
  const real = disagreement("corpus", corpusPages());
  expect(real.tried + real.routed).toBeLessThan(0.01);
  // Pages built to straddle the threshold (text with a random tail of 0..100%, and random pages): the
  // sample misses some high-entropy pages (they are tried, and stored raw by their result) but almost
  // never routes a page the whole page would keep.
  const built = disagreement("built", builtPages());
  expect(built.routed).toBeLessThan(0.01);
  expect(built.tried).toBeLessThan(0.15);
});

test("a Zstandard device routes raw exactly the pages whose sample is over the threshold", () => {
  const pages = builtPages();
  const zstd = new CompressorBuilder().algorithm(Algorithm.Zstd(1)).build();
  const dev = new BlockDevice(pages.length * 4096, zstd, { entropyThreshold: THRESHOLD });
  const all = new Uint8Array(pages.length * 4096);
  pages.forEach((p, i) => all.set(p, i * 4096));
  dev.write(0, all);
  const expected = pages.filter((p) => shannonEntropy(sample(p)) > THRESHOLD).length;
  expect(dev.stats().entropyRoutedPages).toBe(expected);
  const back = new Uint8Array(all.length);
  dev.read(0, back);
  expect(back).toEqualBytes(all);
  dev.close();
  zstd.close();
});
