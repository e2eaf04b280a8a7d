// zsmalloc-style size classes: every stored object rounds up to a class size, and each class packs
// its objects into "zspages" of k contiguous 4 KiB pool pages, k (1, 2, 4 or 8, so that zspages tile
// the pool's 16-page chunks exactly) chosen to waste the least space.
// Classes that end up with the same (k, objects per zspage) merge into the larger one, as zsmalloc does.

export const POOL_PAGE_SIZE = 4096;
/**
 * Class granularity in bytes. Finer classes waste less inside each object but leave more partly
 * filled zspages (one per class); on the corpus pages with lz4, 32 with zspages of up to 8 pages held
 * the least pool memory among the grains 8..64 and zspage lengths 1..16 we measured (zsmalloc uses 16
 * plus an 8-byte handle inside every object; our handles live outside the objects).
 */
export const CLASS_STEP = 32;
/** Longest zspage in pool pages (zsmalloc's CONFIG_ZSMALLOC_CHAIN_SIZE default). */
export const MAX_PAGES_PER_ZSPAGE = 8;
/** Largest object: a whole page stored as is. */
export const MAX_OBJECT_SIZE = POOL_PAGE_SIZE;

export interface SizeClassTable {
  /** Class index for each object size 1..4096 (entry 0 unused). */
  classOfSize: Uint16Array;
  /** Per class: object size, pages per zspage, objects per zspage. */
  objectSize: Uint16Array;
  pagesPerZspage: Uint8Array;
  objectsPerZspage: Uint16Array;
  count: number;
}

function bestPagesPerZspage(objectSize: number): number {
  let best = 1;
  let bestUsed = 0;
  for (let k = 1; k <= MAX_PAGES_PER_ZSPAGE; k *= 2) {
    const bytes = k * POOL_PAGE_SIZE;
    const used = Math.floor(bytes / objectSize) * objectSize / bytes;
    if (used > bestUsed) {
      bestUsed = used;
      best = k;
    }
  }
  return best;
}

export function buildSizeClasses(): SizeClassTable {
  const sizes: number[] = [];
  const pages: number[] = [];
  const objects: number[] = [];
  const classOfSize = new Uint16Array(MAX_OBJECT_SIZE + 1);
  // From the largest size down, so a smaller size can fall into the class above it when merged.
  for (let size = MAX_OBJECT_SIZE; size >= CLASS_STEP; size -= CLASS_STEP) {
    const k = bestPagesPerZspage(size);
    const n = Math.floor(k * POOL_PAGE_SIZE / size);
    const last = sizes.length - 1;
    if (last < 0 || pages[last] !== k || objects[last] !== n) {
      sizes.push(size);
      pages.push(k);
      objects.push(n);
    }
    const cls = sizes.length - 1;
    for (let s = size; s > size - CLASS_STEP; s--) classOfSize[s] = cls;
  }
  return {
    classOfSize,
    objectSize: Uint16Array.from(sizes),
    pagesPerZspage: Uint8Array.from(pages),
    objectsPerZspage: Uint16Array.from(objects),
    count: sizes.length,
  };
}
