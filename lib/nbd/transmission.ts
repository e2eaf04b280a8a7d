// The transmission phase of one connection: requests are read in order and served concurrently
// (replies go out as each completes, in any order); a write is answered only once the device has
// stored it. A request that breaks the framing (bad magic, an oversized write) ends this connection.
import type { Socket } from "node:net";
import { PAGE_SIZE } from "../ffi/abi.ts";
import { allocationExtents } from "./block_status.ts";
import {
  CHUNK_HEADER_BYTES,
  Cmd,
  CmdFlag,
  Errno,
  ReplyFlagDone,
  ReplyType,
  REQUEST_BYTES,
  REQUEST_MAGIC,
  SIMPLE_REPLY_BYTES,
} from "./constants.ts";
import { BufferPool } from "./buffer_pool.ts";
import { getU16, getU32, putU64 } from "./bytes.ts";
import { errnoOf, messageOf } from "./errno.ts";
import { MAX_BLOCK_BYTES, type ServedExport } from "./exports.ts";
import { type Negotiated, ProtocolViolation } from "./handshake.ts";
import type { SocketReader } from "./reader.ts";
import { ZERO_PIECE_BYTES } from "./export_io.ts";
import { DIRECT_BYTES, ReplyBatch } from "./reply_batch.ts";
import { blockStatusChunk, errorChunk, noneChunk, simpleReply, writeChunkHeader, writeSimpleReply } from "./replies.ts";

/** Requests served at once per connection, and the data they may hold together (payloads and read
 * buffers); the next request is read when both are below these. */
const MAX_IN_FLIGHT = 64;
const MAX_IN_FLIGHT_BYTES = 128 * 1024 * 1024;
/** Reading pauses while this much reply data waits to be sent (a client that does not read). */
const MAX_UNSENT_BYTES = 64 * 1024 * 1024;
/** Requests served at once in a row before the loop yields to the event loop. */
const SERVED_NOW_PER_TURN = 256;

interface Request {
  flags: number;
  type: number;
  cookie: Uint8Array;
  offset: number;
  length: number;
  payload: Uint8Array | null;
  /** Gives a pooled payload buffer back once the request is done with it. */
  release: (() => void) | undefined;
}

/** A failure answered with an error reply; the connection goes on. */
class RequestError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
  }
}

/** Flags each command accepts beyond FUA (valid on every command once advertised). */
function allowedFlags(type: number, structured: boolean): number {
  switch (type) {
    case Cmd.Read:
      return CmdFlag.Fua | (structured ? CmdFlag.Df : 0);
    case Cmd.WriteZeroes:
      return CmdFlag.Fua | CmdFlag.NoHole | CmdFlag.FastZero;
    case Cmd.BlockStatus:
      return CmdFlag.Fua | CmdFlag.ReqOne;
    default:
      return CmdFlag.Fua;
  }
}

export class Transmission {
  #socket: Socket;
  #reader: SocketReader;
  #served: ServedExport;
  #structured: boolean;
  #allocationContext: number | null;
  #inFlight = 0;
  #inFlightBytes = 0;
  /** Who waits for a request to complete, the socket to drain or to close. */
  #waiters: (() => void)[] = [];
  #stopping = false;
  /** Buffers for write payloads that arrive in several chunks. */
  #payloads = new BufferPool();
  #replies: ReplyBatch;

  constructor(socket: Socket, reader: SocketReader, negotiated: Negotiated) {
    this.#socket = socket;
    this.#reader = reader;
    this.#served = negotiated.served;
    this.#structured = negotiated.structured;
    this.#allocationContext = negotiated.allocationContext;
    this.#replies = new ReplyBatch(socket);
    socket.on("drain", this.#notify);
    socket.on("close", this.#notify);
  }

  /** From now on, requests are answered ESHUTDOWN; resolves once the ones in flight are answered. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#until(() => this.#inFlight === 0);
    this.#replies.flush();
  }

  /** Serves requests until the client disconnects (NBD_CMD_DISC or closing); throws on a violation. */
  async run(): Promise<void> {
    let servedNow = 0;
    for (;;) {
      const next = this.#readRequest();
      const request = next instanceof Promise ? await next : next;
      if (request.type === Cmd.Disc) {
        await this.#until(() => this.#inFlight === 0);
        this.#replies.flush();
        return;
      }
      if (this.#serveNow(request)) {
        // Requests that were all buffered are served without yielding; now and then other
        // connections and the reply flush get their turn.
        if (++servedNow % SERVED_NOW_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
      } else {
        const bytes = this.#bytesHeld(request);
        this.#inFlight++;
        this.#inFlightBytes += bytes;
        this.#serve(request).finally(() => {
          request.release?.();
          this.#inFlight--;
          this.#inFlightBytes -= bytes;
          this.#notify();
        });
      }
      if (!this.#mayReadMore()) await this.#until(this.#mayReadMore);
    }
  }

  /** The memory a request may hold while served: its data, or for WRITE_ZEROES with NO_HOLE one
   * zero piece at a time in the device's write path. */
  #bytesHeld(r: Request): number {
    if (r.type === Cmd.Read || r.type === Cmd.Write) return r.length;
    if (r.type === Cmd.WriteZeroes && (r.flags & CmdFlag.NoHole) !== 0) return Math.min(r.length, ZERO_PIECE_BYTES);
    return 0;
  }

  #mayReadMore = (): boolean =>
    this.#inFlight < MAX_IN_FLIGHT && this.#inFlightBytes < MAX_IN_FLIGHT_BYTES &&
    this.#socket.writableLength + this.#replies.pending < MAX_UNSENT_BYTES;

  /** The next request, at once when all of it has arrived. */
  #readRequest(): Request | Promise<Request> {
    const header = this.#reader.readNow(REQUEST_BYTES);
    if (header === null) return this.#reader.read(REQUEST_BYTES).then((h) => this.#withPayload(h));
    return this.#withPayload(header);
  }

  #withPayload(header: Uint8Array): Request | Promise<Request> {
    if (getU32(header, 0) !== REQUEST_MAGIC) throw new ProtocolViolation("bad request magic");
    const request: Request = {
      flags: getU16(header, 4),
      type: getU16(header, 6),
      // A copy: the header may be a view of a socket buffer (and Buffer.slice does not copy).
      cookie: new Uint8Array(header.subarray(8, 16)),
      // Past 2^53 the sum is inexact, but any such offset lies far beyond every device.
      offset: getU32(header, 16) * 2 ** 32 + getU32(header, 20),
      length: getU32(header, 24),
      payload: null,
      release: undefined,
    };
    if (request.type !== Cmd.Write) return request;
    if (request.length > MAX_BLOCK_BYTES) {
      throw new ProtocolViolation(`a write of ${request.length} bytes exceeds the maximum block size`);
    }
    let pooled: Uint8Array | null = null;
    const allocate = (bytes: number) => (pooled = this.#payloads.take(bytes));
    const withPayload = (payload: Uint8Array): Request => {
      request.payload = payload;
      if (pooled !== null) request.release = () => this.#payloads.give(pooled!);
      return request;
    };
    const payload = this.#reader.readNow(request.length, allocate);
    return payload !== null ? withPayload(payload) : this.#reader.read(request.length, allocate).then(withPayload);
  }

  #notify = (): void => {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  };

  /** Resolves when `done()` holds (re-checked whenever a request completes or the socket drains) or
   * the socket is gone. */
  async #until(done: () => boolean): Promise<void> {
    while (!done() && !this.#socket.destroyed) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Sends a message; `sent` runs once the socket no longer needs the bytes (at once if it is closed). */
  #send(bytes: Uint8Array, sent?: () => void): void {
    this.#replies.send(bytes, sent);
  }

  /**
   * Serves the common small requests at once on the JS thread, without a promise: an aligned read
   * decoded straight into the reply batch, an aligned write the device stores synchronously. False
   * (nothing done): the request needs #serve.
   */
  #serveNow(r: Request): boolean {
    if (this.#stopping || r.length === 0 || r.offset + r.length > this.#served.size) return false;
    if ((r.flags & ~allowedFlags(r.type, this.#structured)) !== 0) return false;
    if (r.type === Cmd.Read) {
      const header = this.#structured ? CHUNK_HEADER_BYTES + 8 : SIMPLE_REPLY_BYTES;
      if (r.offset % PAGE_SIZE !== 0 || r.length % PAGE_SIZE !== 0 || header + r.length >= DIRECT_BYTES) return false;
      const out = this.#replies.reserve(header + r.length);
      try {
        this.#served.io.readPagesNow(r.offset, out.subarray(header));
      } catch (e) {
        this.#fail(r, e);
        return true;
      }
      if (this.#structured) {
        writeChunkHeader(out, 0, r.cookie, ReplyFlagDone, ReplyType.OffsetData, 8 + r.length);
        putU64(out, CHUNK_HEADER_BYTES, r.offset);
      } else {
        writeSimpleReply(out, 0, r.cookie, 0);
      }
      this.#replies.advance(header + r.length);
      return true;
    }
    if (r.type !== Cmd.Write) return false;
    try {
      if (!this.#served.io.writeNow(r.offset, r.payload!)) return false;
      writeSimpleReply(this.#replies.reserve(SIMPLE_REPLY_BYTES), 0, r.cookie, 0);
      this.#replies.advance(SIMPLE_REPLY_BYTES);
    } catch (e) {
      this.#fail(r, e);
    }
    // Only a request served here gives its payload back; #serve's caller does for the others.
    r.release?.();
    return true;
  }

  async #serve(r: Request): Promise<void> {
    try {
      if (this.#stopping) throw new RequestError(Errno.ESHUTDOWN, "the server is shutting down");
      if ((r.flags & ~allowedFlags(r.type, this.#structured)) !== 0) {
        throw new RequestError(Errno.EINVAL, `flags 0x${r.flags.toString(16)} are not valid for command ${r.type}`);
      }
      switch (r.type) {
        case Cmd.Read:
          return await this.#read(r);
        case Cmd.Write:
          this.#inside(r, Errno.ENOSPC);
          if (r.length > 0) await this.#served.io.write(r.offset, r.payload!);
          break;
        case Cmd.Flush:
          await this.#served.io.flush();
          break;
        case Cmd.Trim:
          this.#inside(r, Errno.ENOSPC);
          if (r.length > 0) await this.#served.io.zero(r.offset, r.length, false);
          break;
        case Cmd.WriteZeroes:
          this.#inside(r, Errno.ENOSPC);
          if (r.length > 0) await this.#served.io.zero(r.offset, r.length, (r.flags & CmdFlag.NoHole) !== 0);
          break;
        case Cmd.Cache:
          // Everything is in memory already.
          this.#inside(r, Errno.EINVAL);
          break;
        case Cmd.BlockStatus:
          return this.#blockStatus(r);
        default:
          throw new RequestError(Errno.EINVAL, `unknown command ${r.type}`);
      }
      this.#send(simpleReply(r.cookie, 0));
    } catch (e) {
      this.#fail(r, e);
    }
  }

  #fail(r: Request, e: unknown): void {
    const errno = e instanceof RequestError ? e.errno : errnoOf(e);
    if (this.#structured) this.#send(errorChunk(r.cookie, errno, messageOf(e)));
    else this.#send(simpleReply(r.cookie, errno));
  }

  #inside(r: Request, errno: number): void {
    if (r.offset + r.length > this.#served.size) {
      throw new RequestError(
        errno,
        `${r.offset}+${r.length} goes past the end of the export (${this.#served.size} bytes)`,
      );
    }
  }

  async #read(r: Request): Promise<void> {
    this.#inside(r, Errno.EINVAL);
    if (r.length > MAX_BLOCK_BYTES) {
      throw new RequestError(Errno.EINVAL, `a read of ${r.length} bytes exceeds the maximum block size`);
    }
    if (r.length === 0) {
      this.#send(this.#structured ? noneChunk(r.cookie) : simpleReply(r.cookie, 0));
      return;
    }
    const { buffer, start, release } = await this.#served.io.read(r.offset, r.length);
    if (this.#structured) {
      const at = start - CHUNK_HEADER_BYTES - 8;
      writeChunkHeader(buffer, at, r.cookie, ReplyFlagDone, ReplyType.OffsetData, 8 + r.length);
      putU64(buffer, start - 8, r.offset);
      this.#send(buffer.subarray(at, start + r.length), release);
    } else {
      writeSimpleReply(buffer, start - SIMPLE_REPLY_BYTES, r.cookie, 0);
      this.#send(buffer.subarray(start - SIMPLE_REPLY_BYTES, start + r.length), release);
    }
  }

  #blockStatus(r: Request): void {
    if (this.#allocationContext === null) {
      throw new RequestError(Errno.EINVAL, "no metadata context was negotiated");
    }
    if (r.length === 0) throw new RequestError(Errno.EINVAL, "a block status request of 0 bytes");
    this.#inside(r, Errno.EINVAL);
    const extents = allocationExtents(this.#served.device, r.offset, r.length, (r.flags & CmdFlag.ReqOne) !== 0);
    this.#send(blockStatusChunk(r.cookie, this.#allocationContext, extents));
  }
}
