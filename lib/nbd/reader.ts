// Exact-length reads from a socket's stream of chunks. Reading stops (the socket is paused) while more
// than HIGH_WATER bytes wait unread, so a client that sends faster than the device stores holds only
// that much of the server's memory.
import type { Socket } from "node:net";

/** The peer closed (or the socket failed) before the bytes asked for arrived. */
export class ConnectionClosed extends Error {
  constructor() {
    super("connection closed");
    this.name = "ConnectionClosed";
  }
}

/** The default high water mark: what a connection in transmission may hold unread. */
export const HIGH_WATER = 48 * 1024 * 1024;

interface Waiter {
  bytes: number;
  allocate: ((bytes: number) => Uint8Array) | undefined;
  resolve: (data: Uint8Array) => void;
  reject: (e: Error) => void;
}

export class SocketReader {
  #socket: Socket;
  #chunks: Uint8Array[] = [];
  /** Bytes of #chunks[0] already taken. */
  #head = 0;
  #buffered = 0;
  #waiter: Waiter | null = null;
  #closed = false;
  #paused = false;
  #highWater: number;

  #onData = (chunk: Uint8Array) => this.#push(chunk);
  #onClose = () => this.#close();

  /** highWater: reading pauses while more than this waits unread (at least the largest read asked for). */
  constructor(socket: Socket, highWater = HIGH_WATER) {
    this.#socket = socket;
    this.#highWater = highWater;
    socket.on("data", this.#onData);
    for (const event of ["end", "close", "error"]) socket.on(event, this.#onClose);
  }

  /** Bytes received and not read yet. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Stops taking the socket's data (another reader, e.g. TLS, takes the stream over from here). */
  detach(): void {
    this.#socket.off("data", this.#onData);
    for (const event of ["end", "close", "error"]) this.#socket.off(event, this.#onClose);
  }

  /** Changes the high water mark (e.g. from the handshake's to transmission's). */
  set highWater(bytes: number) {
    this.#highWater = bytes;
    this.#resume();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Exactly `bytes` bytes: a view of a received chunk when they lie in one, else a copy into a buffer
   * from `allocate` (default: a new one).
   */
  read(bytes: number, allocate?: (bytes: number) => Uint8Array): Promise<Uint8Array> {
    if (this.#buffered >= bytes) return Promise.resolve(this.#take(bytes, allocate));
    if (this.#closed) return Promise.reject(new ConnectionClosed());
    return new Promise((resolve, reject) => {
      this.#waiter = { bytes, allocate, resolve, reject };
      this.#resume();
    });
  }

  /** Like read(), but only when the bytes are here already: null when they are not. */
  readNow(bytes: number, allocate?: (bytes: number) => Uint8Array): Uint8Array | null {
    return this.#buffered >= bytes && this.#waiter === null ? this.#take(bytes, allocate) : null;
  }

  #push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const w = this.#waiter;
    if (w !== null && this.#buffered >= w.bytes) {
      this.#waiter = null;
      w.resolve(this.#take(w.bytes, w.allocate));
    }
    if (this.#buffered > this.#highWater && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  #resume(): void {
    if (this.#paused && this.#buffered <= this.#highWater) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const w = this.#waiter;
    this.#waiter = null;
    w?.reject(new ConnectionClosed());
  }

  /** The oldest buffered chunk; #take is only called with at least `bytes` buffered, so there is one. */
  #front(): Uint8Array {
    const chunk = this.#chunks[0];
    if (chunk === undefined) throw new Error("NBD reader: took more bytes than were buffered");
    return chunk;
  }

  #take(bytes: number, allocate?: (bytes: number) => Uint8Array): Uint8Array {
    this.#buffered -= bytes;
    if (bytes === 0) return new Uint8Array(0);
    const first = this.#front();
    if (first.length - this.#head >= bytes) {
      const view = first.subarray(this.#head, this.#head + bytes);
      this.#head += bytes;
      if (this.#head === first.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
      this.#resume();
      return view;
    }
    const out = allocate?.(bytes) ?? new Uint8Array(bytes);
    let filled = 0;
    while (filled < bytes) {
      const chunk = this.#front();
      const n = Math.min(chunk.length - this.#head, bytes - filled);
      out.set(chunk.subarray(this.#head, this.#head + n), filled);
      filled += n;
      this.#head += n;
      if (this.#head === chunk.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
    }
    this.#resume();
    return out;
  }
}
