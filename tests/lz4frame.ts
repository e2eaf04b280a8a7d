// The LZ4 frame format (lz4_Frame_format.md), just enough to wrap page blocks for the `lz4` tool and to
// read the blocks back out of its output: no content checksum, no block checksum, no dictionary.

const MAGIC = 0x184d2204;
const FLG_VERSION_01 = 0x40;
const FLG_BLOCK_INDEPENDENT = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_DICT_ID = 0x01;
const BD_MAX_64KB = 4 << 4;
const UNCOMPRESSED_BIT = 0x80000000;

/** XXH32 with seed 0 of fewer than 16 bytes (the frame descriptor's header checksum needs no more). */
export function xxh32Short(bytes: Uint8Array): number {
  const P1 = 2654435761, P2 = 2246822519, P3 = 3266489917, P4 = 668265263, P5 = 374761393;
  if (bytes.length >= 16) throw new Error("xxh32Short handles fewer than 16 bytes");
  const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let h = (P5 + bytes.length) >>> 0;
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) h = Math.imul(rotl((h + Math.imul(view.getUint32(i, true), P3)) >>> 0, 17), P4);
  for (; i < bytes.length; i++) h = Math.imul(rotl((h + Math.imul(bytes[i]!, P5)) >>> 0, 11), P1);
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface FrameBlock {
  data: Uint8Array;
  /** false: the block holds its bytes as they are (the high bit of the block size is set). */
  compressed: boolean;
}

export function writeFrame(blocks: FrameBlock[]): Uint8Array {
  const size = 7 + blocks.reduce((n, b) => n + 4 + b.data.length, 0) + 4;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  out[4] = FLG_VERSION_01 | FLG_BLOCK_INDEPENDENT;
  out[5] = BD_MAX_64KB;
  out[6] = (xxh32Short(out.subarray(4, 6)) >>> 8) & 0xff;
  let at = 7;
  for (const block of blocks) {
    view.setUint32(at, (block.data.length | (block.compressed ? 0 : UNCOMPRESSED_BIT)) >>> 0, true);
    out.set(block.data, at + 4);
    at += 4 + block.data.length;
  }
  view.setUint32(at, 0, true); // end mark
  return out;
}

export function readFrame(frame: Uint8Array): FrameBlock[] {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error("not an LZ4 frame");
  const flg = view.getUint8(4);
  let at = 6 + (flg & FLG_CONTENT_SIZE ? 8 : 0) + (flg & FLG_DICT_ID ? 4 : 0);
  if (view.getUint8(at) !== ((xxh32Short(frame.subarray(4, at)) >>> 8) & 0xff)) throw new Error("bad header checksum");
  at += 1;
  const blocks: FrameBlock[] = [];
  for (;;) {
    const word = view.getUint32(at, true);
    at += 4;
    if (word === 0) return blocks;
    const length = word & ~UNCOMPRESSED_BIT;
    blocks.push({ data: frame.slice(at, at + length), compressed: (word & UNCOMPRESSED_BIT) === 0 });
    at += length + (flg & FLG_BLOCK_CHECKSUM ? 4 : 0);
  }
}
