// Same-filled pages: by byte (every byte equal) and by the kernel's rule (all 512 64-bit words equal).
import { Backend, PAGE_SIZE } from "./ffi/abi.ts";
import { checkStatus, TruenoError } from "./ffi/errors.ts";
import { native } from "./ffi/load.ts";
import { requirePage } from "./compressor/input.ts";

const byteOut = new Uint8Array(1);
const wordOut = new BigUint64Array(1);

/** The byte, if all 4096 bytes of the page are equal; else null. */
export function detectSameFill(page: Uint8Array): number | null {
  requirePage(page);
  const same = checkStatus(native().tz_same_fill_byte(page, Backend.Auto, byteOut), "detectSameFill");
  return same === 1 ? byteOut[0]! : null;
}

/** Kernel rule: the little-endian 64-bit word, if all 512 words of the page are equal; else null. */
export function sameFillWord(page: Uint8Array): bigint | null {
  requirePage(page);
  const same = checkStatus(native().tz_same_fill_word(page, Backend.Auto, wordOut), "sameFillWord");
  return same === 1 ? wordOut[0]! : null;
}

/** Whether every byte of the page is zero. */
export function isZeroPage(page: Uint8Array): boolean {
  requirePage(page);
  return checkStatus(native().tz_is_zero(page, Backend.Auto), "isZeroPage") === 1;
}

const FLAG_SAME_FILL = 0x01;

/** A byte-filled page in 2 bytes: [flags (bit 0 = same-fill), fill byte]. */
export class CompactSameFill {
  /** The byte every position of the page holds. */
  readonly value: number;

  /** A page filled with `value`, a byte 0..255 (InvalidInput otherwise). */
  constructor(value: number) {
    if (!Number.isInteger(value) || value < 0 || value > 255) {
      throw new TruenoError("InvalidInput", `a fill value is a byte 0..255, not ${value}`);
    }
    this.value = value;
  }

  /** The fill byte (the same as `value`). */
  fillValue(): number {
    return this.value;
  }

  /** The 2-byte form: [flags, fill byte]. */
  toBytes(): Uint8Array {
    return Uint8Array.of(FLAG_SAME_FILL, this.value);
  }

  /** Reads the 2-byte form; CorruptedData unless it is 2 bytes with the same-fill flag set. */
  static fromBytes(bytes: Uint8Array): CompactSameFill {
    if (!(bytes instanceof Uint8Array)) throw new TruenoError("InvalidInput", "fromBytes needs a Uint8Array");
    if (bytes.length !== 2 || (bytes[0]! & FLAG_SAME_FILL) === 0) {
      throw new TruenoError("CorruptedData", "a compact same-fill page is 2 bytes with the same-fill flag set");
    }
    return new CompactSameFill(bytes[1]!);
  }

  /** The 4096-byte page. */
  expand(): Uint8Array {
    return new Uint8Array(PAGE_SIZE).fill(this.value);
  }
}
