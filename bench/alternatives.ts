/**
 * What a Bun user would otherwise pick to compress pages one at a time, behind one shape. Each is used
 * through its documented one-shot API, as its README shows.
 */
import * as lz4js from "lz4js";
import * as lz4napi from "lz4-napi";
import * as snappy from "snappy";
import * as zstdNapi from "zstd-napi";

export interface PageCodec {
  name: string;
  compress(page: Uint8Array): Uint8Array;
  decompress(data: Uint8Array): Uint8Array;
}

interface BunZstd {
  zstdCompressSync(data: Uint8Array, options?: { level?: number }): Uint8Array;
  zstdDecompressSync(data: Uint8Array): Uint8Array;
}

/** Bun's built-in zstd, present only when running under Bun. */
function bunZstd(): PageCodec | undefined {
  const bun = (globalThis as { Bun?: BunZstd }).Bun;
  if (bun === undefined || typeof bun.zstdCompressSync !== "function") return undefined;
  return {
    name: "Bun.zstd-1",
    compress: (p) => bun.zstdCompressSync(p, { level: 1 }),
    decompress: (d) => bun.zstdDecompressSync(d),
  };
}

export function alternatives(): PageCodec[] {
  const list: (PageCodec | undefined)[] = [
    {
      name: "lz4-napi",
      compress: (p) => lz4napi.compressSync(p as Buffer),
      decompress: (d) => lz4napi.uncompressSync(d),
    },
    {
      name: "lz4js",
      compress: (p) => lz4js.compress(p),
      decompress: (d) => lz4js.decompress(d),
    },
    bunZstd(),
    {
      name: "zstd-napi-1",
      compress: (p) => zstdNapi.compress(p, { compressionLevel: 1 }),
      decompress: (d) => zstdNapi.decompress(d),
    },
    {
      name: "snappy",
      compress: (p) => snappy.compressSync(p),
      decompress: (d) => snappy.uncompressSync(d, { asBuffer: true }) as Uint8Array,
    },
  ];
  return list.filter((c): c is PageCodec => c !== undefined);
}
