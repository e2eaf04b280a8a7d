// The replies of one connection, gathered while requests complete and sent in one socket write per
// event-loop turn: at queue depth 16 a turn completes ~10 requests, and one write syscall per reply
// cost more than serving the reply itself. Large replies (1 MiB reads) go out at once without a copy.
import type { Socket } from "node:net";

/** Replies from this size on are written directly (the copy would cost more than the syscall). */
const DIRECT_BYTES = 64 * 1024;

export class ReplyBatch {
  #socket: Socket;
  #parts: Uint8Array[] = [];
  #bytes = 0;
  /** Run once the parts are copied out (they give reply buffers back to a pool). */
  #sent: (() => void)[] = [];
  #scheduled = false;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  /** Bytes queued here and not yet handed to the socket. */
  get pending(): number {
    return this.#bytes;
  }

  /** Sends a message; `sent` runs once the socket no longer needs the bytes (at once if it is closed). */
  send(bytes: Uint8Array, sent?: () => void): void {
    if (!this.#socket.writable) return sent?.();
    if (bytes.length >= DIRECT_BYTES) {
      this.flush();
      this.#socket.write(bytes, sent);
      return;
    }
    this.#parts.push(bytes);
    this.#bytes += bytes.length;
    if (sent !== undefined) this.#sent.push(sent);
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
    if (this.#parts.length === 0) return;
    const parts = this.#parts;
    const sent = this.#sent;
    let out = parts[0];
    if (parts.length > 1) {
      out = new Uint8Array(this.#bytes);
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
    }
    this.#parts = [];
    this.#sent = [];
    this.#bytes = 0;
    if (this.#socket.writable) {
      if (parts.length === 1 && sent.length > 0) {
        this.#socket.write(out, () => sent.forEach((f) => f()));
        return;
      }
      this.#socket.write(out);
    }
    for (const f of sent) f();
  }
}
