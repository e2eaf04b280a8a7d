// Reply buffers for large reads, reused once the socket has sent them: a fresh megabyte costs more in
// page faults and zeroing than decoding a megabyte of pages into it.

/** Buffers below this are left to the allocator (cheap, and sizes vary). */
const MIN_POOLED_BYTES = 64 * 1024;
/** Free buffers kept per size, and in all. */
const MAX_FREE_PER_SIZE = 16;
const MAX_FREE_BYTES = 128 * 1024 * 1024;

export class BufferPool {
  #free = new Map<number, Uint8Array[]>();
  #freeBytes = 0;

  /** A buffer of `bytes` bytes, with any contents (the caller overwrites what it sends). */
  take(bytes: number): Uint8Array {
    const list = bytes >= MIN_POOLED_BYTES ? this.#free.get(bytes) : undefined;
    const reused = list?.pop();
    if (reused === undefined) return new Uint8Array(bytes);
    this.#freeBytes -= bytes;
    return reused;
  }

  /** Hands back a buffer from take() that nothing refers to any more. */
  give(buffer: Uint8Array): void {
    const bytes = buffer.length;
    if (bytes < MIN_POOLED_BYTES || this.#freeBytes + bytes > MAX_FREE_BYTES) return;
    let list = this.#free.get(bytes);
    if (list === undefined) this.#free.set(bytes, list = []);
    if (list.length >= MAX_FREE_PER_SIZE) return;
    list.push(buffer);
    this.#freeBytes += bytes;
  }
}
