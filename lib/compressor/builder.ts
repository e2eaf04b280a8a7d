import { Backend, MAX_THREADS } from "../ffi/abi.ts";
import { TruenoError } from "../ffi/errors.ts";
import { backendCode, backendSupported, type SimdBackend } from "../simd.ts";
import { Algorithm } from "./algorithm.ts";
import { Compressor } from "./compressor.ts";

/** Most batch threads a compressor may ask for. */

/** Configures and builds a Compressor; every setting is optional (LZ4, best backend, all cores). */
export class CompressorBuilder {
  #algorithm: Algorithm = Algorithm.Lz4;
  #threads = 0;
  #backend: number = Backend.Auto;

  /** Levels are checked by build(). */
  algorithm(algorithm: Algorithm): this {
    this.#algorithm = algorithm;
    return this;
  }

  /** Runs the page loops with this backend; InvalidInput if it is unknown or this CPU lacks it. */
  preferBackend(backend: SimdBackend): this {
    const code = backendCode(backend);
    if (!backendSupported(backend)) throw new TruenoError("InvalidInput", `this CPU cannot run the ${backend} backend`);
    this.#backend = code;
    return this;
  }

  /** Batch worker threads, 1..MAX_THREADS = 256 (default: the available cores). */
  threads(count: number): this {
    if (!Number.isInteger(count) || count < 1 || count > MAX_THREADS) {
      throw new TruenoError("InvalidInput", `threads must be an integer in 1..${MAX_THREADS}, not ${count}`);
    }
    this.#threads = count;
    return this;
  }

  /** A Compressor with the chosen algorithm, threads and backend; InvalidInput for an invalid algorithm or level. */
  build(): Compressor {
    return new Compressor(this.#algorithm, this.#threads, this.#backend);
  }
}
