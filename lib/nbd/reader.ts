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

const HIGH_WATER = 48 * 1024 * 1024;

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

  #onData = (chunk: Uint8Array) => this.#push(chunk);
  #onClose = () => this.#close();

  constructor(socket: Socket) {
    this.#socket = socket;
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

  #push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const w = this.#waiter;
    if (w !== null && this.#buffered >= w.bytes) {
      this.#waiter = null;
      w.resolve(this.#take(w.bytes, w.allocate));
    }
    if (this.#buffered > HIGH_WATER && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  #resume(): void {
    if (this.#paused && this.#buffered <= HIGH_WATER) {
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

  #take(bytes: number, allocate?: (bytes: number) => Uint8Array): Uint8Array {
    this.#buffered -= bytes;
    const first = this.#chunks[0];
    if (bytes === 0) return new Uint8Array(0);
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
      const chunk = this.#chunks[0];
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
