import {
  Algorithm,
  backendSupported,
  CompressedPage,
  CompressionStats,
  type Compressor,
  CompressorBuilder,
  PAGE_SIZE,
  sameFillWord,
} from "../mod.ts";
import { ALL_ALGORITHMS } from "./algorithms.ts";
import { expectBatchEqualsPages, firstWord } from "./compare.ts";
import { expect, nth, test } from "./harness.ts";
import { concatPages, edgePages, randomBytes, textPage } from "./pages.ts";

function withCompressor(algorithm: Algorithm, body: (c: Compressor) => void): void {
  const c = new CompressorBuilder().algorithm(algorithm).build();
  try {
    body(c);
  } finally {
    c.close();
  }
}

for (const algorithm of ALL_ALGORITHMS) {
  test(`${algorithm}: every edge page round-trips, one page at a time`, () => {
    withCompressor(algorithm, (c) => {
      for (const { name, page } of edgePages()) {
        const compressed = c.compress(page);
        expect(compressed.originalSize, name).toBe(PAGE_SIZE);
        expect(c.decompress(compressed), name).toEqualBytes(page);
        const out = new Uint8Array(PAGE_SIZE);
        c.decompressInto(compressed, out);
        expect(out, name).toEqualBytes(page);
      }
    });
  });

  test(`${algorithm}: the stored kind follows the routing rules`, () => {
    withCompressor(algorithm, (c) => {
      for (const { name, page } of edgePages()) {
        const compressed = c.compress(page);
        const word = sameFillWord(page);
        if (word !== null) {
          expect(compressed.kind, name).toBe("same");
          expect(compressed.pattern, name).toBe(firstWord(page));
          expect(compressed.data.length, name).toBe(0);
        } else if (algorithm.name === "none") {
          expect(compressed.kind, name).toBe("raw");
        } else {
          expect(["lz4", "zstd", "raw"].includes(compressed.kind), `${name}: ${compressed.kind}`).toBeTrue();
          expect(compressed.pattern, name).toBe(0n);
        }
        if (compressed.kind === "raw") expect(compressed.data, name).toEqualBytes(page);
        else expect(compressed.data.length, name).toBeLessThan(PAGE_SIZE);
      }
    });
  });

  test(`${algorithm}: batch results equal per-page results on edge pages`, () => {
    withCompressor(algorithm, (c) => {
      const pages = concatPages(edgePages());
      const batch = c.compressBatch(pages);
      expect(batch.count).toBe(pages.length / PAGE_SIZE);
      expectBatchEqualsPages(c, pages, batch, String(algorithm));
      expect(c.decompressBatch(batch)).toEqualBytes(pages);
    });
  });
}

test("codec pages decode with the algorithm of their kind", () => {
  const text = edgePages().find((p) => p.name === "text")!.page;
  withCompressor(Algorithm.Lz4hc(), (c) => expect(c.compress(text).algorithm.name).toBe("lz4"));
  withCompressor(Algorithm.Zstd(7), (c) => expect(c.compress(text).algorithm.name).toBe("zstd"));
  withCompressor(Algorithm.Lz4, (c) => expect(c.compress(new Uint8Array(PAGE_SIZE)).algorithm.name).toBe("none"));
});

test("random pages are stored RAW and text pages shrink", () => {
  withCompressor(Algorithm.Lz4, (c) => {
    for (const { name, page } of edgePages()) {
      const compressed = c.compress(page);
      if (name.startsWith("random")) {
        expect(compressed.kind, name).toBe("raw");
        expect(compressed.isCompressed(), name).toBeFalse();
        expect(compressed.ratio(), name).toBe(1);
        expect(compressed.bytesSaved(), name).toBe(0);
      }
      if (name === "text") {
        expect(compressed.kind).toBe("lz4");
        expect(compressed.isCompressed()).toBeTrue();
        expect(compressed.ratio()).toBeGreaterThan(4);
        expect(compressed.bytesSaved()).toBe(PAGE_SIZE - compressed.data.length);
      }
    }
  });
});

test("pages kept over many calls stay intact and independent of each other", () => {
  withCompressor(Algorithm.Lz4, (c) => {
    // RAW and LZ4 pages mixed, 2 MiB of stored bytes: far more than one call's output buffer.
    const inputs = Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? randomBytes(PAGE_SIZE, i + 1) : textPage()));
    const stored = inputs.map((page) => c.compress(page));
    const copies = stored.map((p) => p.data.slice());
    expect(() => c.compress(new Uint8Array(PAGE_SIZE), { rawThreshold: 0 })).toThrow("InvalidInput");
    nth(stored, 0).data.fill(0xaa);
    for (let i = 1; i < stored.length; i++) {
      // copies and inputs map one to one onto stored
      expect(stored[i]!.data, `page ${i}`).toEqualBytes(copies[i]!);
      expect(c.decompress(stored[i]!), `page ${i}`).toEqualBytes(inputs[i]!);
    }
  });
});

test("toBytes/fromBytes round-trips every kind and the page still decodes", () => {
  for (const algorithm of [Algorithm.Lz4, Algorithm.Zstd(), Algorithm.None]) {
    withCompressor(algorithm, (c) => {
      for (const { name, page } of edgePages()) {
        const compressed = c.compress(page);
        const restored = CompressedPage.fromBytes(compressed.toBytes());
        expect(restored.kind, name).toBe(compressed.kind);
        expect(restored.pattern, name).toBe(compressed.pattern);
        expect(restored.data, name).toEqualBytes(compressed.data);
        expect(c.decompress(restored), name).toEqualBytes(page);
      }
    });
  }
});

test("rawThreshold stores pages RAW unless they shrink below it", () => {
  withCompressor(Algorithm.Lz4, (c) => {
    const text = edgePages().find((p) => p.name === "text")!.page;
    const size = c.compress(text).data.length;
    expect(c.compress(text, { rawThreshold: size }).kind).toBe("raw");
    expect(c.compress(text, { rawThreshold: size + 1 }).kind).toBe("lz4");
    const batch = c.compressBatch(concatPages([{ name: "text", page: text }]), { rawThreshold: size });
    expect(batch.page(0).kind).toBe("raw");
  });
});

test("entropyLimit stores high-entropy pages RAW without trying, same-fill still first", () => {
  withCompressor(Algorithm.Zstd(), (c) => {
    const pages = edgePages();
    const text = pages.find((p) => p.name === "text")!.page;
    expect(c.compress(text, { entropyLimit: 0 }).kind).toBe("raw");
    expect(c.compress(new Uint8Array(PAGE_SIZE), { entropyLimit: 0 }).kind).toBe("same");
    const batch = c.compressBatch(concatPages(pages), { entropyLimit: 0 });
    for (let i = 0; i < batch.count; i++) {
      const page = nth(pages, i, "page");
      const expected = sameFillWord(page.page) === null ? "raw" : "same";
      expect(batch.page(i).kind, page.name).toBe(expected);
    }
  });
});

test("stats count pages, bytes, SAME and RAW pages, and reset", () => {
  withCompressor(Algorithm.Lz4, (c) => {
    const empty = c.stats();
    expect(empty).toBeInstanceOf(CompressionStats);
    expect(empty.pages).toBe(0);
    expect(empty.ratio()).toBe(1);
    expect(empty.throughputGbps()).toBe(0);
    const pages = edgePages();
    const batch = c.compressBatch(concatPages(pages));
    c.decompressBatch(batch);
    const s = c.stats();
    expect(s.pages).toBe(pages.length);
    expect(s.bytesIn).toBe(pages.length * PAGE_SIZE);
    expect(s.bytesOut).toBe(batch.totalBytes);
    let same = 0;
    let raw = 0;
    for (let i = 0; i < batch.count; i++) {
      if (batch.page(i).kind === "same") same++;
      if (batch.page(i).kind === "raw") raw++;
    }
    expect(s.samePages).toBe(same);
    expect(s.rawPages).toBe(raw);
    expect(s.ratio()).toBeCloseTo(s.bytesIn / s.bytesOut);
    expect(s.compressTimeNs).toBeGreaterThan(0);
    expect(s.decompressTimeNs).toBeGreaterThan(0);
    expect(s.throughputGbps()).toBeCloseTo(s.bytesIn / s.compressTimeNs);
    c.compress(nth(pages, 0).page);
    expect(c.stats().pages).toBe(pages.length + 1);
    expect(s.pages).toBe(pages.length); // a snapshot, not a live view
    c.resetStats();
    expect(c.stats().pages).toBe(0);
    expect(c.stats().bytesIn).toBe(0);
  });
});

test("backend() and threads() report the compressor's configuration", () => {
  const c = new CompressorBuilder().preferBackend("scalar").threads(1).build();
  try {
    expect(c.backend()).toBe("scalar");
    expect(c.threads()).toBe(1);
  } finally {
    c.close();
  }
  withCompressor(Algorithm.Lz4, (d) => {
    expect(["avx512", "avx2", "neon", "scalar"].includes(d.backend())).toBeTrue();
    expect(d.threads()).toBeGreaterThanOrEqual(1);
  });
});

test("every supported backend gives the same batch result", () => {
  const pages = concatPages(edgePages());
  const reference = new CompressorBuilder().preferBackend("scalar").build();
  const expected = reference.compressBatch(pages);
  reference.close();
  for (const backend of (["avx2", "avx512"] as const).filter(backendSupported)) {
    const c = new CompressorBuilder().preferBackend(backend).build();
    const batch = c.compressBatch(pages);
    for (let i = 0; i < batch.count; i++) {
      expect(batch.page(i).kind, `${backend} page ${i}`).toBe(expected.page(i).kind);
      expect(batch.page(i).data, `${backend} page ${i}`).toEqualBytes(expected.page(i).data);
    }
    c.close();
  }
});

test("an empty batch is an empty result", () => {
  withCompressor(Algorithm.Lz4, (c) => {
    const batch = c.compressBatch(new Uint8Array(0));
    expect(batch.count).toBe(0);
    expect(batch.totalBytes).toBe(0);
    expect(c.decompressBatch(batch).length).toBe(0);
  });
});
