// Checks of caller input, shared by the compressor and the page helpers: bad input is a typed error
// raised before any native call, so nothing changes.
import { MAX_BATCH_PAGES, PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";

export function requireBytes(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TruenoError("InvalidInput", `${what} must be a Uint8Array, not ${describe(value)}`);
  }
  return value;
}

export function requirePage(value: unknown, what = "page"): Uint8Array {
  const page = requireBytes(value, what);
  if (page.length !== PAGE_SIZE) {
    throw new TruenoError("InvalidInput", `${what} must be ${PAGE_SIZE} bytes, not ${page.length}`);
  }
  return page;
}

/** The number of pages in `pages`, whose length must be a multiple of PAGE_SIZE. */
export function requirePages(value: unknown, what = "pages"): number {
  const pages = requireBytes(value, what);
  if (pages.length % PAGE_SIZE !== 0) {
    throw new TruenoError("InvalidInput", `${what} length ${pages.length} is not a multiple of ${PAGE_SIZE}`);
  }
  const count = pages.length / PAGE_SIZE;
  if (count > MAX_BATCH_PAGES) {
    throw new TruenoError("InvalidInput", `${count} pages is more than the ${MAX_BATCH_PAGES} of one batch`);
  }
  return count;
}

/** An output buffer of at least `bytes` bytes (only the first `bytes` are written). */
export function requireOutput(value: unknown, bytes: number, what = "out"): Uint8Array {
  const out = requireBytes(value, what);
  if (out.length < bytes) {
    throw new TruenoError("BufferTooSmall", `${what} has ${out.length} bytes, ${bytes} are needed`);
  }
  return out;
}

/** Largest length an int32 parameter of the library takes. */
const INT32_MAX = 0x7fff_ffff;

/** `array.length`, capped to what an int32 length parameter can carry (only ever read up to it). */
export function int32Length(array: Uint8Array): number {
  return Math.min(array.length, INT32_MAX);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return value.constructor?.name ?? "an object";
}
