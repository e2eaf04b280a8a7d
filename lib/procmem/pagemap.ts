/**
 * /proc/PID/pagemap: one little-endian 64-bit entry per virtual page (Documentation/admin-guide/mm/
 * pagemap.rst). Only the flag bits are used: the frame number is hidden from non-root readers anyway.
 */
export const PAGEMAP_PRESENT = 1n << 63n;
export const PAGEMAP_SWAPPED = 1n << 62n;
/** A page of a file or of shared anonymous memory (a private page copied on write has it clear). */
export const PAGEMAP_FILE_OR_SHARED = 1n << 61n;

/** What a pagemap entry says about a page of a private writable mapping. */
export type PageState = "anonymous" | "file" | "swapped" | "absent";

export function pageState(entry: bigint): PageState {
  if ((entry & PAGEMAP_PRESENT) !== 0n) return (entry & PAGEMAP_FILE_OR_SHARED) !== 0n ? "file" : "anonymous";
  return (entry & PAGEMAP_SWAPPED) !== 0n ? "swapped" : "absent";
}
