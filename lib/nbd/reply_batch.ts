// The replies of one connection, gathered while requests complete and sent in one socket write per
// event-loop turn: at queue depth 16 a turn completes ~10 requests, and one write syscall per reply
// cost more than serving the reply itself. Small reads decode straight into the batch (reserve and
// advance); large replies (1 MiB reads) go out at once without a copy.
import { Buffer } from "node:buffer";
import type { Socket } from "node:net";

/** Replies from this size on are written directly (the copy would cost more than the syscall). */
export const DIRECT_BYTES = 64 * 1024;
/** The largest batch buffer: room for a turn's replies at queue depth 32 of 4 KiB reads. */
const BATCH_BYTES = 128 * 1024 + 1024;
/** The smallest: a buffer is sized to what the last turn sent, as a turn of 16-byte write replies
 * would waste a fresh 128 KiB. */
const MIN_BATCH_BYTES = 4096;

export class ReplyBatch {
  #socket: Socket;
  /** Handed to the socket whole at flush and never reused (the socket may keep it). */
  #buffer: Uint8Array | null = null;
  #used = 0;
  /** What the last flush sent, to size the next buffer. */
  #lastUsed = BATCH_BYTES;
  #scheduled = false;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  /** Bytes queued here and not yet handed to the socket. */
  get pending(): number {
    return this.#used;
  }

  /** Sends a message; `sent` runs once the socket no longer needs the bytes (at once if it is closed). */
  send(bytes: Uint8Array, sent?: () => void): void {
    if (bytes.length >= DIRECT_BYTES) {
      this.flush();
      if (this.#socket.writable) this.#socket.write(bytes, sent);
      else sent?.();
      return;
    }
    this.reserve(bytes.length).set(bytes);
    this.advance(bytes.length);
    sent?.();
  }

  /** A view of the next `bytes` bytes of the batch (under DIRECT_BYTES) to fill; advance() queues them. */
  reserve(bytes: number): Uint8Array {
    if (this.#buffer !== null && this.#used + bytes > this.#buffer.length) this.flush();
    if (this.#buffer === null) {
      const size = Math.min(BATCH_BYTES, Math.max(MIN_BATCH_BYTES, 2 * this.#lastUsed));
      this.#buffer = Buffer.allocUnsafe(Math.max(bytes, size));
    }
    return this.#buffer.subarray(this.#used, this.#used + bytes);
  }

  /** Queues the `bytes` bytes just filled in through reserve(). */
  advance(bytes: number): void {
    this.#used += bytes;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushScheduled);
    }
  }

  #flushScheduled = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  /** Hands everything queued to the socket now (before ending it, or before a direct write). */
  flush(): void {
    if (this.#used === 0) return;
    const out = this.#buffer!.subarray(0, this.#used);
    this.#buffer = null;
    this.#lastUsed = this.#used;
    this.#used = 0;
    if (this.#socket.writable) this.#socket.write(out);
  }
}
