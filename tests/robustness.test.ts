// Issue 14's typed-error and decoder-rule fixes as seen from TypeScript: pages report the level actually
// used, malformed stored pages are CorruptedData on every path, a library limit is LimitExceeded, and GPU
// batch lengths past int32 never reach the FFI unchecked.
import {
  Algorithm,
  CompressedPage,
  CompressorBuilder,
  gpuAvailable,
  GpuBatchCompressor,
  PAGE_SIZE,
  TruenoError,
} from "../mod.ts";
import { MAX_BATCH_PAGES, Status } from "../lib/ffi/abi.ts";
import { codeOfStatus } from "../lib/ffi/errors.ts";
import { gpuDecodeArgs } from "../lib/gpu/batch_args.ts";
import { expect, test } from "./harness.ts";
import { randomBytes, textPage } from "./pages.ts";

function withCompressor(algorithm: Algorithm, fn: (c: ReturnType<CompressorBuilder["build"]>) => void): void {
  const c = new CompressorBuilder().algorithm(algorithm).threads(1).build();
  try {
    fn(c);
  } finally {
    c.close();
  }
}

test("robustness: a page reports the level its compressor used (Zstd(3) pages say zstd(3))", () => {
  const text = textPage();
  const same = new Uint8Array(PAGE_SIZE);
  const random = randomBytes(PAGE_SIZE, 3);
  const cases: [Algorithm, string][] = [
    [Algorithm.Zstd(3), "zstd(3)"],
    [Algorithm.Zstd(19), "zstd(19)"],
    [Algorithm.Lz4Fast(7), "lz4(7)"],
    [Algorithm.Lz4hc(12), "lz4(1)"], // LZ4-HC writes LZ4 blocks: they decode as LZ4
  ];
  for (const [algorithm, expected] of cases) {
    withCompressor(algorithm, (c) => {
      expect(String(c.compress(text).algorithm), String(algorithm)).toBe(expected);
      expect(String(c.compressBatch(text).page(0).algorithm), `${algorithm} batch`).toBe(expected);
      expect(String(c.compress(same).algorithm), `${algorithm} same`).toBe("none");
      expect(String(c.compress(random).algorithm), `${algorithm} raw`).toBe("none");
    });
  }
  // A page built by hand, with no compressor behind it, reports its kind's decoder.
  expect(String(new CompressedPage(new Uint8Array(9), "zstd").algorithm)).toBe("zstd(1)");
  expect(() => new CompressedPage(new Uint8Array(9), "zstd", 0n, "zstd" as unknown as Algorithm)).toThrow(
    "InvalidInput",
  );
});

test("robustness: a SAME page with stored bytes, an LZ4 block with offset 0 and a legacy zstd frame are CorruptedData", () => {
  withCompressor(Algorithm.Lz4, (c) => {
    const out = new Uint8Array(PAGE_SIZE).fill(0xee);
    expect(() => c.decompressInto(new CompressedPage(new Uint8Array(5), "same", 1n), out)).toThrow("CorruptedData");
    // One literal, then a match of offset 0 to byte 4091, then 5 literals: liblz4 decodes it, the rule refuses it.
    const zeroOffset = new Uint8Array([0x1f, 0x61, 0, 0, ...new Array(15).fill(255), 246, 0x50, 1, 2, 3, 4, 5]);
    expect(() => c.decompressInto(new CompressedPage(zeroOffset, "lz4"), out)).toThrow("CorruptedData");
    expect(() => c.decompressInto(new CompressedPage(zeroOffset, "gpu-lz4"), out)).toThrow("CorruptedData");
    // zstd v0.7 (magic 0xFD2FB527), one raw block of 4096 bytes: Debian's libzstd would decode it.
    const legacy = new Uint8Array(12 + PAGE_SIZE + 3);
    legacy.set([0x27, 0xb5, 0x2f, 0xfd, 0xa0, 0x00, 0x10, 0x00, 0x00, 0x40, 0x10, 0x00]);
    legacy.set([0xc0, 0, 0], 12 + PAGE_SIZE);
    expect(() => c.decompressInto(new CompressedPage(legacy, "zstd"), out)).toThrow("CorruptedData");
    expect(out.every((b) => b === 0xee), "nothing written").toBe(true);
  });
});

test("robustness: a process-wide limit is LimitExceeded, not OutOfMemory", () => {
  expect(codeOfStatus(Status.Limit)).toBe("LimitExceeded");
  expect(codeOfStatus(Status.NoMemory)).toBe("OutOfMemory");
});

function batchOf(count: number, arena = new Uint8Array(0)) {
  return {
    count,
    arena,
    offsets: new Int32Array(Math.min(count, 4)),
    sizes: new Int32Array(Math.min(count, 4)),
    kinds: new Uint8Array(Math.min(count, 4)).fill(1),
    patterns: new BigUint64Array(Math.min(count, 4)),
  };
}

test("robustness: GPU batch lengths past int32 never reach the FFI; too many pages is InvalidInput", () => {
  // A batch claiming more pages than one call takes (its arrays are short, so checkBatchLike refuses it
  // first; with long arrays the count check does): InvalidInput, never a RangeError from an allocation.
  for (const count of [MAX_BATCH_PAGES + 1, 2 ** 40]) {
    expect(() => gpuDecodeArgs(batchOf(count)), String(count)).toThrow("InvalidInput");
  }
  const long = {
    count: MAX_BATCH_PAGES + 1,
    arena: new Uint8Array(0),
    offsets: new Int32Array(MAX_BATCH_PAGES + 1),
    sizes: new Int32Array(MAX_BATCH_PAGES + 1),
    kinds: new Uint8Array(MAX_BATCH_PAGES + 1),
    patterns: new BigUint64Array(MAX_BATCH_PAGES + 1),
  };
  expect(() => gpuDecodeArgs(long)).toThrow("InvalidInput");
  expect(() => gpuDecodeArgs(batchOf(2), new Uint8Array(PAGE_SIZE))).toThrow("BufferTooSmall");

  // An output (and an arena) of 2 GiB or more is told to the call as at most 2^31 - 1 bytes.
  const huge = new Uint8Array(2 ** 31);
  const args = gpuDecodeArgs(batchOf(2, huge), huge);
  expect(args.out === huge).toBe(true);
  expect(args.outCapacity).toBe(2 * PAGE_SIZE);
  expect(args.arenaLength).toBe(2 ** 31 - 1);

  if (!gpuAvailable()) {
    console.log("robustness: GPU decompress with a 2 GiB output skipped, no usable CUDA GPU");
    return;
  }
  const g = new GpuBatchCompressor({ batchSize: 16 });
  try {
    const pages = textPage();
    const batch = g.compressBatch(pages).batch;
    g.decompressBatch(batch, huge);
    expect(huge.subarray(0, PAGE_SIZE)).toEqual(pages);
    expect(() => g.decompressBatch(long)).toThrow("InvalidInput");
  } finally {
    g.close();
  }
});

test("robustness: TruenoError stays the one error type of these paths", () => {
  try {
    Algorithm.Zstd(42);
  } catch (e) {
    expect(e instanceof TruenoError).toBe(true);
    expect((e as TruenoError).message).toBe("InvalidInput: zstd level 42 is not an integer in 1..19");
  }
});
