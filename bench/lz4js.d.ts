// Types for lz4js (the package ships none): the two one-shot frame functions bench/alternatives.ts uses.
declare module "lz4js" {
  /** An LZ4 frame of `src`; `maxSize` bounds the output (default: the worst case). */
  export function compress(src: ArrayLike<number>, maxSize?: number): Uint8Array;
  /** The bytes of an LZ4 frame; `maxSize` bounds the output. */
  export function decompress(src: ArrayLike<number>, maxSize?: number): Uint8Array;
}
