// Bad input: a typed TruenoError, and nothing changes (inputs, outputs, the compressor's state).
import {
  Algorithm,
  backendSupported,
  CompressedPage,
  type Compressor,
  CompressorBuilder,
  PAGE_SIZE,
  type SimdBackend,
} from "../mod.ts";
import { expect, test } from "./harness.ts";
import { concatPages, edgePages, randomBytes, textPage } from "./pages.ts";

function lz4(): Compressor {
  return new CompressorBuilder().algorithm(Algorithm.Lz4).build();
}

test("a level outside its algorithm's range is InvalidInput when the algorithm is made, naming the range", () => {
  const bad: [() => unknown, string][] = [
    [() => Algorithm.Zstd(0), "1..19"],
    [() => Algorithm.Zstd(20), "1..19"],
    [() => Algorithm.Zstd(1.5), "1..19"],
    [() => Algorithm.Zstd(Number.NaN), "1..19"],
    [() => Algorithm.Lz4hc(0), "1..12"],
    [() => Algorithm.Lz4hc(13), "1..12"],
    [() => Algorithm.Lz4Fast(0), "1..65537"],
    [() => Algorithm.Lz4Fast(65538), "1..65537"],
    [() => Algorithm.Zstd("3" as unknown as number), "1..19"],
  ];
  for (const [make, range] of bad) {
    expect(make, String(make)).toThrow("InvalidInput");
    let message = "";
    try {
      make();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.includes(range), message).toBe(true);
  }
  expect(Algorithm.Zstd(19).level).toBe(19);
  expect(Algorithm.Lz4Fast(65537).level).toBe(65537);
});

test("what is not an Algorithm is InvalidInput at build()", () => {
  for (const algorithm of ["zstd" as unknown as Algorithm, null as unknown as Algorithm]) {
    const builder = new CompressorBuilder().algorithm(algorithm);
    expect(() => builder.build(), String(algorithm)).toThrow("InvalidInput");
  }
});

test("an unknown backend or one this CPU lacks is InvalidInput; bad thread counts too", () => {
  expect(() => new CompressorBuilder().preferBackend("sse9" as SimdBackend)).toThrow("InvalidInput");
  const all: SimdBackend[] = ["avx512", "avx2", "neon", "scalar"];
  const lacking = all.filter((b) => !backendSupported(b));
  // x86 CPUs lack NEON and ARM CPUs lack AVX2, so every machine has one.
  expect(lacking.length).toBeGreaterThan(0);
  for (const backend of lacking) {
    expect(() => new CompressorBuilder().preferBackend(backend), backend).toThrow("InvalidInput");
  }
  for (const threads of [0, -1, 1.5, Number.NaN, 100000]) {
    expect(() => new CompressorBuilder().threads(threads), String(threads)).toThrow("InvalidInput");
  }
});

test("pages of the wrong length or type are InvalidInput", () => {
  const c = lz4();
  const notPages: unknown[] = [
    new Uint8Array(PAGE_SIZE - 1),
    new Uint8Array(PAGE_SIZE + 1),
    new Uint8Array(0),
    new Uint16Array(PAGE_SIZE / 2),
    new Int8Array(PAGE_SIZE),
    new ArrayBuffer(PAGE_SIZE),
    Array.from({ length: PAGE_SIZE }, () => 0),
    "page",
    null,
    undefined,
  ];
  for (const page of notPages) {
    expect(() => c.compress(page as Uint8Array), String(page)).toThrow("InvalidInput");
  }
  for (const pages of [new Uint8Array(PAGE_SIZE + 1), new Uint8Array(2 * PAGE_SIZE - 1), new Uint16Array(PAGE_SIZE)]) {
    expect(() => c.compressBatch(pages as Uint8Array), `${pages.length}`).toThrow("InvalidInput");
  }
  expect(c.stats().pages, "stats untouched").toBe(0);
  c.close();
});

test("bad routing options are InvalidInput", async () => {
  const c = lz4();
  const page = textPage();
  for (
    const opts of [{ rawThreshold: 0 }, { rawThreshold: 4097 }, { rawThreshold: 1.5 }, { entropyLimit: -1 }, {
      entropyLimit: Number.NaN,
    }]
  ) {
    expect(() => c.compress(page, opts), JSON.stringify(opts)).toThrow("InvalidInput");
    expect(() => c.compressBatch(page, opts), JSON.stringify(opts)).toThrow("InvalidInput");
    await expect(c.compressBatchAsync(page, opts), JSON.stringify(opts)).toReject("InvalidInput");
  }
  c.close();
});

/** Stored forms that cannot decode to exactly one page. */
function corruptVersions(page: CompressedPage): CompressedPage[] {
  const d = page.data;
  return [
    new CompressedPage(d.slice(0, d.length >> 1), page.kind),
    new CompressedPage(d.slice(0, 1), page.kind),
    new CompressedPage(new Uint8Array(0), page.kind),
    new CompressedPage(randomBytes(d.length, 7), page.kind),
  ];
}

test("corrupted or truncated LZ4 and Zstandard data is CorruptedData, and `out` is untouched", () => {
  for (const algorithm of [Algorithm.Lz4, Algorithm.Zstd()]) {
    const c = new CompressorBuilder().algorithm(algorithm).build();
    const good = c.compress(textPage());
    expect(good.kind === "lz4" || good.kind === "zstd").toBeTrue();
    for (const [i, bad] of corruptVersions(good).entries()) {
      const label = `${algorithm} corruption ${i}`;
      expect(() => c.decompress(bad), label).toThrow("CorruptedData");
      const out = new Uint8Array(PAGE_SIZE).fill(0x5a);
      expect(() => c.decompressInto(bad, out), label).toThrow("CorruptedData");
      expect(out.every((b) => b === 0x5a), `${label}: out untouched`).toBeTrue();
    }
    c.close();
  }
});

test("a RAW page of the wrong size does not decode", () => {
  const c = lz4();
  for (const size of [0, 100, PAGE_SIZE - 1]) {
    const bad = new CompressedPage(new Uint8Array(size), "raw");
    expect(() => c.decompress(bad), `raw ${size}`).toThrow("CorruptedData");
  }
  c.close();
});

test("decompress wants a CompressedPage and a big enough output", () => {
  const c = lz4();
  const page = c.compress(textPage());
  expect(() => c.decompress({ data: page.data, kind: "lz4" } as unknown as CompressedPage)).toThrow("InvalidInput");
  expect(() => c.decompressInto(page, new Uint8Array(PAGE_SIZE - 1))).toThrow("BufferTooSmall");
  expect(() => c.decompressInto(page, new Uint16Array(PAGE_SIZE) as unknown as Uint8Array)).toThrow("InvalidInput");
  expect(() => new CompressedPage(page.data, "bogus" as "lz4")).toThrow("InvalidInput");
  expect(() => new CompressedPage(page.data, "same", -1n)).toThrow("InvalidInput");
  expect(() => new CompressedPage(page.data, "same", 1n << 64n)).toThrow("InvalidInput");
  c.close();
});

test("fromBytes rejects anything that is not toBytes' form", () => {
  const c = lz4();
  const lz4Page = c.compress(textPage()).toBytes();
  const samePage = c.compress(new Uint8Array(PAGE_SIZE)).toBytes();
  c.close();
  const edit = (bytes: Uint8Array, at: number, value: number) => {
    const copy = bytes.slice();
    copy[at] = value;
    return copy;
  };
  const withSameData = new Uint8Array(samePage.length + 1);
  withSameData.set(samePage);
  new DataView(withSameData.buffer).setUint32(4, 1, true);
  const corrupt = [
    lz4Page.subarray(0, 15),
    lz4Page.subarray(0, lz4Page.length - 1),
    edit(lz4Page, 0, 0x41),
    edit(lz4Page, 2, 9),
    edit(lz4Page, 3, 0),
    edit(lz4Page, 3, 6),
    edit(lz4Page, 8, 1), // a pattern on a page that is not SAME
    withSameData,
    new Uint8Array(0),
  ];
  for (const [i, bytes] of corrupt.entries()) {
    expect(() => CompressedPage.fromBytes(bytes), `case ${i}`).toThrow("CorruptedData");
  }
  expect(() => CompressedPage.fromBytes("TZ" as unknown as Uint8Array)).toThrow("InvalidInput");
});

test("a batch with a corrupted page is CorruptedData; one with bad offsets is InvalidInput", async () => {
  const c = lz4();
  const pages = concatPages(edgePages());
  const batch = c.compressBatch(pages);
  const textIndex = edgePages().findIndex((p) => p.name === "text");
  expect(batch.page(textIndex).kind).toBe("lz4");

  const truncatedSizes = batch.sizes.slice();
  truncatedSizes[textIndex] = 1;
  const truncated = { ...batch, count: batch.count, sizes: truncatedSizes };
  expect(() => c.decompressBatch(truncated)).toThrow("CorruptedData");
  await expect(c.decompressBatchAsync(truncated)).toReject("CorruptedData");

  for (const [field, value] of [["offsets", -1], ["offsets", batch.arena.length], ["sizes", -5]] as const) {
    const broken = batch[field].slice();
    broken[textIndex] = value;
    const b = { ...batch, count: batch.count, [field]: broken };
    expect(() => c.decompressBatch(b), `${field} ${value}`).toThrow("InvalidInput");
  }
  const kinds = batch.kinds.slice();
  kinds[textIndex] = 9;
  expect(() => c.decompressBatch({ ...batch, count: batch.count, kinds })).toThrow("InvalidInput");

  expect(() => c.decompressBatch({ count: 1 } as never)).toThrow("InvalidInput");
  expect(() => c.decompressBatch({ ...batch, count: batch.count + 1 })).toThrow("InvalidInput");
  expect(() => c.decompressBatch(batch, new Uint8Array(pages.length - 1))).toThrow("BufferTooSmall");
  await expect(c.decompressBatchAsync(batch, new Uint8Array(8))).toReject("BufferTooSmall");
  expect(c.decompressBatch(batch)).toEqualBytes(pages);
  c.close();
});

test("a closed compressor throws Closed on every call; close() twice is harmless", async () => {
  const c = lz4();
  const page = textPage();
  const compressed = c.compress(page);
  const batch = c.compressBatch(page);
  c.close();
  c.close();
  expect(() => c.compress(page)).toThrow("Closed");
  expect(() => c.decompress(compressed)).toThrow("Closed");
  expect(() => c.decompressInto(compressed, new Uint8Array(PAGE_SIZE))).toThrow("Closed");
  expect(() => c.compressBatch(page)).toThrow("Closed");
  expect(() => c.decompressBatch(batch)).toThrow("Closed");
  await expect(c.compressBatchAsync(page)).toReject("Closed");
  await expect(c.decompressBatchAsync(batch)).toReject("Closed");
  expect(() => c.stats()).toThrow("Closed");
  expect(() => c.resetStats()).toThrow("Closed");
  expect(() => c.backend()).toThrow("Closed");
  expect(() => c.threads()).toThrow("Closed");
});

test("close() with async batches in flight: each settles with its result or Closed", async () => {
  const c = lz4();
  const pages = concatPages(edgePages());
  const pending = [c.compressBatchAsync(pages), c.compressBatchAsync(pages)];
  c.close();
  for (const p of pending) {
    try {
      const batch = await p;
      expect(batch.count).toBe(pages.length / PAGE_SIZE);
    } catch (error) {
      expect(() => {
        throw error;
      }).toThrow("Closed");
    }
  }
});
