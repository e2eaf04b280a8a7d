import { expect, test } from "./harness.ts";
import { randomBytes } from "./pages.ts";
import { PagePool } from "../lib/block/pool.ts";
import { buildSizeClasses, MAX_PAGES_PER_ZSPAGE } from "../lib/block/size_classes.ts";

/** Fills an object with bytes derived from its owner, so a moved or overwritten object shows. */
function fill(pool: PagePool, handle: number, size: number, owner: number): void {
  const bytes = pool.memory;
  const at = pool.byteOffsetOf(handle);
  for (let i = 0; i < size; i++) bytes[at + i] = (owner * 31 + i * 7) & 0xff;
}

function holds(pool: PagePool, handle: number, size: number, owner: number): boolean {
  const bytes = pool.memory;
  const at = pool.byteOffsetOf(handle);
  for (let i = 0; i < size; i++) if (bytes[at + i] !== ((owner * 31 + i * 7) & 0xff)) return false;
  return true;
}

test("size classes cover 1..4096 with the least waste per zspage", () => {
  const t = buildSizeClasses();
  for (let size = 1; size <= 4096; size++) {
    const cls = t.classOfSize[size];
    expect(t.objectSize[cls] >= size, `size ${size}`).toBeTrue();
    expect(t.objectsPerZspage[cls] * t.objectSize[cls] <= t.pagesPerZspage[cls] * 4096).toBeTrue();
    expect(t.pagesPerZspage[cls] <= MAX_PAGES_PER_ZSPAGE).toBeTrue();
  }
  expect(t.objectSize[t.classOfSize[4096]]).toBe(4096);
  expect(t.pagesPerZspage[t.classOfSize[4096]]).toBe(1);
});

test("objects keep their bytes; memory is counted in whole pool pages and given back", () => {
  const pool = new PagePool();
  const sizes = randomBytes(3000, 7);
  const handles: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const size = 1 + ((sizes[i] * 16 + i) % 4096);
    const h = pool.alloc(size);
    fill(pool, h, size, i);
    handles.push(h, size);
    expect(pool.memUsedTotal % 4096).toBe(0);
  }
  for (let i = 0; i < 3000; i++) expect(holds(pool, handles[2 * i], handles[2 * i + 1], i), `object ${i}`).toBeTrue();
  const peak = pool.memUsedTotal;
  expect(pool.memUsedMax).toBe(peak);
  let stored = 0;
  for (let i = 0; i < 3000; i++) stored += pool.classSize(handles[2 * i + 1]);
  expect(pool.memUsedTotal >= stored).toBeTrue();
  for (let i = 0; i < 3000; i++) pool.free(handles[2 * i]);
  expect(pool.memUsedTotal).toBe(0);
  expect(pool.memUsedMax).toBe(peak);
  expect(pool.reservedBytes).toBe(0);
  pool.resetMax();
  expect(pool.memUsedMax).toBe(0);
});

test("a freed slot is reused before a new zspage is taken", () => {
  const pool = new PagePool();
  const a = pool.alloc(1000);
  pool.alloc(1000);
  const used = pool.memUsedTotal;
  pool.free(a);
  const again = pool.alloc(1000);
  expect(again).toBe(a);
  expect(pool.memUsedTotal).toBe(used);
});

test("compact() moves objects out of sparse zspages, keeps every byte and counts the pages released", () => {
  const pool = new PagePool();
  const count = 4000;
  const handle = new Float64Array(count);
  const size = new Uint16Array(count);
  const live = new Uint8Array(count);
  const rnd = randomBytes(count * 2, 99);
  for (let i = 0; i < count; i++) {
    size[i] = 200 + ((rnd[2 * i] << 8 | rnd[2 * i + 1]) % 3000);
    handle[i] = pool.alloc(size[i]);
    fill(pool, handle[i], size[i], i);
    live[i] = 1;
  }
  // Free three objects in four: every zspage is left sparse.
  for (let i = 0; i < count; i++) {
    if (i % 4 !== 0) {
      pool.free(handle[i]);
      live[i] = 0;
    }
  }
  const before = pool.memUsedTotal;
  const released = pool.compact({
    forEachObject(visit) {
      for (let i = 0; i < count; i++) if (live[i]) visit(handle[i], i);
    },
    relocate(owner, h) {
      handle[owner] = h;
    },
  });
  expect(released).toBeGreaterThan(0);
  expect(pool.pagesCompacted).toBe(released);
  expect(pool.memUsedTotal).toBe(before - released * 4096);
  for (let i = 0; i < count; i++) {
    if (live[i]) expect(holds(pool, handle[i], size[i], i), `object ${i} after compaction`).toBeTrue();
  }
  // Nothing left to gain: a second pass releases nothing.
  const owners = {
    forEachObject(visit: (h: number, o: number) => void) {
      for (let i = 0; i < count; i++) if (live[i]) visit(handle[i], i);
    },
    relocate(owner: number, h: number) {
      handle[owner] = h;
    },
  };
  expect(pool.compact(owners)).toBe(0);
  for (let i = 0; i < count; i++) if (live[i]) pool.free(handle[i]);
  expect(pool.memUsedTotal).toBe(0);
});

test("alloc() refuses sizes outside 1..4096", () => {
  const pool = new PagePool();
  for (const bad of [0, -1, 4097, 1.5, NaN]) {
    let threw = false;
    try {
      pool.alloc(bad);
    } catch (e) {
      threw = e instanceof RangeError;
    }
    expect(threw, `size ${bad}`).toBeTrue();
  }
  expect(pool.memUsedTotal).toBe(0);
});
