// Lengths past int32 and page counts past one batch (typed errors or correct results, never a raw
// TypeError), and worker threads of compressors that are idle or dropped without close().
import { readdirSync, readFileSync } from "node:fs";
import { Algorithm, type BatchLike, type Compressor, CompressorBuilder, PAGE_SIZE } from "../mod.ts";
import { expect, test } from "./harness.ts";
import { concatPages, edgePages } from "./pages.ts";

const TWO_GIB = 2 ** 31;
const MAX_BATCH_PAGES = 524287;

test("decompressBatch into an output of 2 GiB or more", async () => {
  const c = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  const pages = concatPages(edgePages());
  const batch = c.compressBatch(pages);
  for (const length of [TWO_GIB, TWO_GIB + PAGE_SIZE]) {
    const out = new Uint8Array(length);
    expect(c.decompressBatch(batch, out)).toBe(out);
    expect(out.subarray(0, pages.length)).toEqualBytes(pages);
    out.fill(0, 0, pages.length);
    expect(await c.decompressBatchAsync(batch, out)).toBe(out);
    expect(out.subarray(0, pages.length)).toEqualBytes(pages);
  }
  c.close();
});

test("a batch object claiming more pages than one batch holds is InvalidInput", async () => {
  const c = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  const count = MAX_BATCH_PAGES + 1;
  const claim: BatchLike = {
    count,
    arena: new Uint8Array(16),
    offsets: new Int32Array(count),
    sizes: new Int32Array(count),
    kinds: new Uint8Array(count).fill(1),
    patterns: new BigUint64Array(count),
  };
  expect(() => c.decompressBatch(claim)).toThrow("InvalidInput");
  await expect(c.decompressBatchAsync(claim)).toReject("InvalidInput");
  expect(() => c.decompressBatch({ ...claim, count: 2 ** 32 })).toThrow("InvalidInput");
  c.close();
});

/** The library's pool worker threads in this process, by their name (Linux). */
function threadCount(): number {
  let n = 0;
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, "utf8") === "tz-pool-worker\n") n++;
    } catch {
      // the thread ended meanwhile
    }
  }
  return n;
}

async function threadsSettle(atMost: number, limitMs: number): Promise<number> {
  let now = threadCount();
  for (let waited = 0; now > atMost && waited < limitMs; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    now = threadCount();
  }
  return now;
}

test("compressors that never ran a batch hold no worker threads", () => {
  const before = threadCount(); // idle workers of other tests' compressors may leave meanwhile
  const allBefore = readdirSync("/proc/self/task").length;
  const compressors: Compressor[] = [];
  for (let i = 0; i < 200; i++) compressors.push(new CompressorBuilder().algorithm(Algorithm.Lz4).threads(4).build());
  expect(threadCount()).toBeLessThanOrEqual(before);
  // Before threads were started on demand, the process had 800 more (unnamed) threads here.
  expect(readdirSync("/proc/self/task").length - allBefore).toBeLessThan(100);
  for (const c of compressors) c.close();
});

test("a compressor's worker threads leave after a second idle, and come back for the next batch", async () => {
  // Idle workers of earlier tests' compressors leave first, so that only this compressor's are counted.
  const before = await threadsSettle(0, 3000);
  const c = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(16).build();
  const pages = new Uint8Array(4096 * PAGE_SIZE);
  for (let i = 0; i < pages.length; i += 64) pages[i] = i & 0xff;
  const first = c.compressBatch(pages);
  const busy = threadCount();
  expect(busy).toBeGreaterThan(before);
  // Before idle workers left, all 16 stayed until close().
  expect(await threadsSettle(before, 4000)).toBeLessThanOrEqual(before);
  const second = c.compressBatch(pages);
  expect(second.totalBytes).toBe(first.totalBytes);
  expect(c.decompressBatch(second)).toEqualBytes(pages);
  c.close();
});
