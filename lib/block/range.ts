import { PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";

/** A validated request: whole pages inside the device. */
export interface PageRange {
  firstPage: number;
  pageCount: number;
}

/** Throws InvalidInput unless [offset, offset + length) is page-aligned and inside the device. */
export function pageRange(offset: number, length: number, deviceBytes: number, what: string): PageRange {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset % PAGE_SIZE !== 0) {
    throw new TruenoError("InvalidInput", `${what}: offset ${offset} is not a non-negative multiple of ${PAGE_SIZE}`);
  }
  if (!Number.isSafeInteger(length) || length < 0 || length % PAGE_SIZE !== 0) {
    throw new TruenoError("InvalidInput", `${what}: length ${length} is not a non-negative multiple of ${PAGE_SIZE}`);
  }
  if (offset + length > deviceBytes) {
    throw new TruenoError(
      "InvalidInput",
      `${what}: ${offset}+${length} goes past the device end (${deviceBytes} bytes)`,
    );
  }
  return { firstPage: offset / PAGE_SIZE, pageCount: length / PAGE_SIZE };
}

export function requireBytes(data: unknown, what: string): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TruenoError("InvalidInput", `${what}: expected a Uint8Array`);
  return data;
}
