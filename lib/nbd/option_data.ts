// Parsers of the handshake options' data: NBD_OPT_INFO / NBD_OPT_GO and NBD_OPT_LIST_META_CONTEXT /
// NBD_OPT_SET_META_CONTEXT. Each returns null for data that is not well formed (the caller answers
// NBD_REP_ERR_INVALID).
import { MAX_STRING_BYTES } from "./constants.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** A protocol string: valid UTF-8, no NUL, at most MAX_STRING_BYTES. */
function protocolString(bytes: Uint8Array): string | null {
  if (bytes.length > MAX_STRING_BYTES) return null;
  try {
    const text = decoder.decode(bytes);
    return text.includes("\0") ? null : text;
  } catch {
    return null;
  }
}

export function exportName(data: Uint8Array): string | null {
  return protocolString(data);
}

class Cursor {
  #view: DataView;
  #at = 0;
  constructor(readonly data: Uint8Array) {
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  get left(): number {
    return this.data.length - this.#at;
  }
  u16(): number | null {
    if (this.left < 2) return null;
    this.#at += 2;
    return this.#view.getUint16(this.#at - 2);
  }
  u32(): number | null {
    if (this.left < 4) return null;
    this.#at += 4;
    return this.#view.getUint32(this.#at - 4);
  }
  string(length: number): string | null {
    if (this.left < length) return null;
    this.#at += length;
    return protocolString(this.data.subarray(this.#at - length, this.#at));
  }
  /** A 32-bit length followed by that many bytes of string. */
  lengthString(): string | null {
    const length = this.u32();
    return length === null ? null : this.string(length);
  }
}

export interface InfoRequest {
  name: string;
  /** The NBD_INFO_* types the client asked for. */
  infos: number[];
}

export function parseInfoRequest(data: Uint8Array): InfoRequest | null {
  const c = new Cursor(data);
  const name = c.lengthString();
  const count = c.u16();
  if (name === null || count === null || c.left !== count * 2) return null;
  const infos: number[] = [];
  for (let i = 0; i < count; i++) infos.push(c.u16()!);
  return { name, infos };
}

export interface MetaContextRequest {
  name: string;
  queries: string[];
}

export function parseMetaContextRequest(data: Uint8Array): MetaContextRequest | null {
  const c = new Cursor(data);
  const name = c.lengthString();
  const count = c.u32();
  if (name === null || count === null || count > c.left / 4) return null;
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    const query = c.lengthString();
    if (query === null) return null;
    queries.push(query);
  }
  return c.left === 0 ? { name, queries } : null;
}
