import { PAGE_SIZE } from "../ffi/abi.ts";

/** Bytes per shared buffer: below glibc's mmap threshold (Deno), and a page-sized room wastes <= 6%. */
const SLAB_BYTES = 64 * 1024;

/**
 * Output memory for single-page compresses: the library writes each page straight into a shared buffer
 * and the page keeps an exact view of its bytes. One 64 KiB allocation serves dozens of pages, where a
 * buffer per page costs an allocation and, on a fresh memory page, a page fault each (more than the
 * copy). Views never overlap and a full buffer is only ever replaced, so every page stays valid; a
 * buffer is freed once no page of it is referenced.
 */
export class PageSlab {
  #buffer = new ArrayBuffer(SLAB_BYTES);
  #used = 0;

  /** PAGE_SIZE free bytes for the next page; only take() hands any of them out. */
  room(): Uint8Array {
    if (this.#used + PAGE_SIZE > SLAB_BYTES) {
      this.#buffer = new ArrayBuffer(SLAB_BYTES);
      this.#used = 0;
    }
    return new Uint8Array(this.#buffer, this.#used, PAGE_SIZE);
  }

  /** The first `size` bytes of the last room(), now owned by the caller. */
  take(size: number): Uint8Array {
    const data = new Uint8Array(this.#buffer, this.#used, size);
    this.#used += size;
    return data;
  }
}
