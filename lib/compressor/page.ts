import { PAGE_SIZE } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import { Algorithm } from "./algorithm.ts";
import { algorithmOfKind, codeOfKind, kindOfCode, type PageKind } from "./kind.ts";

/*
 * Self-describing form (toBytes), little-endian, a 16-byte header then the stored bytes:
 *   0..2 "TZ"   2 format version   3 TZ_KIND_*   4..8 stored length   8..16 SAME pattern (else 0)
 */
const MAGIC_0 = 0x54; // "T"
const MAGIC_1 = 0x5a; // "Z"
const FORMAT_VERSION = 1;
export const PAGE_HEADER_BYTES = 16;
const MAX_PATTERN = (1n << 64n) - 1n;

/** Set by storedPage for exactly one construction: the library's own output needs no checks. */
let trusted = false;

/** One compressed page: its stored bytes and its one authoritative kind. */
export class CompressedPage {
  /** The stored bytes: empty for SAME, the page itself for RAW, a codec's output otherwise. */
  readonly data: Uint8Array;
  /** Bytes of the page before compression (always PAGE_SIZE). */
  readonly originalSize: number = PAGE_SIZE;
  /** How the page is stored. */
  readonly kind: PageKind;
  /** For a SAME page the 64-bit word repeated 512 times (kernel rule); 0n otherwise. */
  readonly pattern: bigint;
  readonly #algorithm: Algorithm;

  /** producer: the algorithm of the compressor that made the page, if known (see `algorithm`). */
  constructor(data: Uint8Array, kind: PageKind, pattern: bigint = 0n, producer?: Algorithm) {
    if (trusted) {
      trusted = false;
    } else {
      if (!(data instanceof Uint8Array)) throw new TruenoError("InvalidInput", "page data must be a Uint8Array");
      if (kindOfCode(codeOfKind(kind)) !== kind) throw new TruenoError("InvalidInput", `unknown page kind ${kind}`);
      if (typeof pattern !== "bigint" || pattern < 0n || pattern > MAX_PATTERN) {
        throw new TruenoError("InvalidInput", "a page pattern is a bigint in 0..2^64-1");
      }
      if (producer !== undefined && !(producer instanceof Algorithm)) {
        throw new TruenoError("InvalidInput", "a page's producer is an Algorithm");
      }
    }
    this.data = data;
    this.kind = kind;
    this.pattern = pattern;
    this.#algorithm = pageAlgorithm(kind, producer);
  }

  /**
   * The algorithm that decodes this page: the page's actual kind, not the compressor's setting, with the
   * level actually used when it is known (a Zstd(3) compressor's ZSTD pages say zstd(3); its RAW and SAME
   * pages say none).
   */
  get algorithm(): Algorithm {
    return this.#algorithm;
  }

  /** originalSize / stored size; Infinity for a SAME page, which stores no bytes. */
  ratio(): number {
    return this.originalSize / this.data.length;
  }

  /** originalSize minus the stored size: the bytes this page saves (0 for RAW). */
  bytesSaved(): number {
    return this.originalSize - this.data.length;
  }

  /** Whether the page is stored in fewer bytes than the original (SAME or a codec), not RAW. */
  isCompressed(): boolean {
    return this.kind !== "raw";
  }

  /**
   * The page in its self-describing form (header and stored bytes), for storing or sending; fromBytes reads it back.
   */
  toBytes(): Uint8Array {
    const out = new Uint8Array(PAGE_HEADER_BYTES + this.data.length);
    const view = new DataView(out.buffer);
    out[0] = MAGIC_0;
    out[1] = MAGIC_1;
    out[2] = FORMAT_VERSION;
    out[3] = codeOfKind(this.kind);
    view.setUint32(4, this.data.length, true);
    view.setBigUint64(8, this.pattern, true);
    out.set(this.data, PAGE_HEADER_BYTES);
    return out;
  }

  /** Reads toBytes' form; throws CorruptedData for anything that is not a well-formed page of it. */
  static fromBytes(bytes: Uint8Array): CompressedPage {
    if (!(bytes instanceof Uint8Array)) {
      throw new TruenoError("InvalidInput", "CompressedPage.fromBytes needs a Uint8Array");
    }
    const corrupt = (why: string) => new TruenoError("CorruptedData", `not a compressed page: ${why}`);
    if (bytes.length < PAGE_HEADER_BYTES) throw corrupt(`${bytes.length} bytes is shorter than the header`);
    if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) throw corrupt("bad magic");
    if (bytes[2] !== FORMAT_VERSION) throw corrupt(`unknown format version ${bytes[2]}`);
    const kind = kindOfCode(bytes[3]);
    if (kind === undefined) throw corrupt(`unknown kind ${bytes[3]}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const length = view.getUint32(4, true);
    const pattern = view.getBigUint64(8, true);
    if (length !== bytes.length - PAGE_HEADER_BYTES) {
      throw corrupt(`header says ${length} stored bytes, ${bytes.length - PAGE_HEADER_BYTES} follow`);
    }
    checkStoredShape(kind, length, pattern, corrupt);
    return new CompressedPage(bytes.slice(PAGE_HEADER_BYTES), kind, pattern);
  }
}

/** A page the library just produced: its kind is known and its pattern a 64-bit word, so the
 * constructor's checks would only repeat what the caller has established. */
export function storedPage(data: Uint8Array, kind: PageKind, pattern: bigint, producer?: Algorithm): CompressedPage {
  trusted = true;
  return new CompressedPage(data, kind, pattern, producer);
}

/**
 * The algorithm a page of `kind` reports: the producer's own (with its level) when the producer writes
 * that kind itself, else the kind's decoder at its default level: LZ4-HC pages decode as LZ4, and
 * Adaptive's pages as LZ4 or Zstandard (it picks the Zstandard level per page and does not record it).
 */
function pageAlgorithm(kind: PageKind, producer: Algorithm | undefined): Algorithm {
  const decoder = algorithmOfKind(kind);
  return producer !== undefined && producer.name === decoder.name ? producer : decoder;
}

/** The size and pattern rules every stored page obeys, by kind. */
export function checkStoredShape(
  kind: PageKind,
  length: number,
  pattern: bigint,
  fail: (why: string) => Error,
): void {
  if (kind === "same") {
    if (length !== 0) throw fail(`a SAME page stores no bytes, not ${length}`);
    return;
  }
  if (pattern !== 0n) throw fail(`only a SAME page has a pattern`);
  if (kind === "raw" && length !== PAGE_SIZE) throw fail(`a RAW page stores ${PAGE_SIZE} bytes, not ${length}`);
  if (kind !== "raw" && (length < 1 || length >= PAGE_SIZE)) {
    throw fail(`a ${kind} page stores 1..${PAGE_SIZE - 1} bytes, not ${length}`);
  }
}
