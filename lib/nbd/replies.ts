// Encoders for what the server sends: option replies (handshake), simple replies and structured reply
// chunks (transmission). Each returns one buffer, so a message is written in one piece.
import {
  CHUNK_HEADER_BYTES,
  OPTION_REPLY_MAGIC,
  ReplyFlagDone,
  ReplyType,
  SIMPLE_REPLY_BYTES,
  SIMPLE_REPLY_MAGIC,
  STRUCTURED_REPLY_MAGIC,
} from "./constants.ts";

const encoder = new TextEncoder();

export function optionReply(option: number, type: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(20 + data.length);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, OPTION_REPLY_MAGIC);
  v.setUint32(8, option);
  v.setUint32(12, type);
  v.setUint32(16, data.length);
  out.set(data, 20);
  return out;
}

/** An option error reply whose data is a message for the user. */
export function optionError(option: number, type: number, message: string): Uint8Array {
  return optionReply(option, type, encoder.encode(message));
}

/** A simple reply without payload (or the header of a simple READ reply) into `out` at `at`. */
export function writeSimpleReply(out: Uint8Array, at: number, cookie: Uint8Array, error: number): void {
  const v = new DataView(out.buffer, out.byteOffset + at, SIMPLE_REPLY_BYTES);
  v.setUint32(0, SIMPLE_REPLY_MAGIC);
  v.setUint32(4, error);
  out.set(cookie, at + 8);
}

export function simpleReply(cookie: Uint8Array, error: number): Uint8Array {
  const out = new Uint8Array(SIMPLE_REPLY_BYTES);
  writeSimpleReply(out, 0, cookie, error);
  return out;
}

/** A structured chunk header into `out` at `at`; `length` is the payload's. */
export function writeChunkHeader(
  out: Uint8Array,
  at: number,
  cookie: Uint8Array,
  flags: number,
  type: number,
  length: number,
): void {
  const v = new DataView(out.buffer, out.byteOffset + at, CHUNK_HEADER_BYTES);
  v.setUint32(0, STRUCTURED_REPLY_MAGIC);
  v.setUint16(4, flags);
  v.setUint16(6, type);
  out.set(cookie, at + 8);
  v.setUint32(16, length);
}

export function noneChunk(cookie: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER_BYTES);
  writeChunkHeader(out, 0, cookie, ReplyFlagDone, ReplyType.None, 0);
  return out;
}

/** The final chunk of a failed request: the error and a message for the user. */
export function errorChunk(cookie: Uint8Array, error: number, message: string): Uint8Array {
  const text = encoder.encode(message).subarray(0, 4096);
  const out = new Uint8Array(CHUNK_HEADER_BYTES + 6 + text.length);
  writeChunkHeader(out, 0, cookie, ReplyFlagDone, ReplyType.Error, 6 + text.length);
  const v = new DataView(out.buffer);
  v.setUint32(CHUNK_HEADER_BYTES, error);
  v.setUint16(CHUNK_HEADER_BYTES + 4, text.length);
  out.set(text, CHUNK_HEADER_BYTES + 6);
  return out;
}

/** The one BLOCK_STATUS chunk (final) of a context: `extents` holds (length, flags) pairs. */
export function blockStatusChunk(cookie: Uint8Array, contextId: number, extents: Uint32Array): Uint8Array {
  const length = 4 + extents.length * 4;
  const out = new Uint8Array(CHUNK_HEADER_BYTES + length);
  writeChunkHeader(out, 0, cookie, ReplyFlagDone, ReplyType.BlockStatus, length);
  const v = new DataView(out.buffer);
  v.setUint32(CHUNK_HEADER_BYTES, contextId);
  for (let i = 0; i < extents.length; i++) v.setUint32(CHUNK_HEADER_BYTES + 4 + i * 4, extents[i]);
  return out;
}
