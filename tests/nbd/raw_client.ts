// A minimal NBD client speaking the wire protocol directly, for the tests that need exact control:
// option errors, bad requests, many requests in flight, malformed input, connections cut mid-request.
import net from "node:net";
import {
  Cmd,
  FLAG_C_FIXED_NEWSTYLE,
  FLAG_C_NO_ZEROES,
  IHAVEOPT,
  Opt,
  ReplyFlagDone,
  ReplyType,
  REQUEST_MAGIC,
  SIMPLE_REPLY_MAGIC,
  STRUCTURED_REPLY_MAGIC,
} from "../../lib/nbd/constants.ts";
import { SocketReader } from "../../lib/nbd/reader.ts";
import { concat, lengthPrefixed } from "../../lib/nbd/bytes.ts";

export interface OptionReply {
  option: number;
  type: number;
  data: Uint8Array;
}

export interface Reply {
  cookie: bigint;
  /** 0 on success. */
  error: number;
  /** READ: the bytes read. */
  data?: Uint8Array;
  /** BLOCK_STATUS: (length, flags) pairs. */
  extents?: number[];
}

/** NBD_OPT_INFO / GO data: the name and no info requests. */
export function infoData(name: string, infos: number[] = []): Uint8Array {
  const tail = new Uint8Array(2 + infos.length * 2);
  const v = new DataView(tail.buffer);
  v.setUint16(0, infos.length);
  infos.forEach((t, i) => v.setUint16(2 + i * 2, t));
  return concat(lengthPrefixed(name), tail);
}

export function metaContextData(name: string, queries: string[]): Uint8Array {
  const count = new Uint8Array(4);
  new DataView(count.buffer).setUint32(0, queries.length);
  return concat(lengthPrefixed(name), count, ...queries.map(lengthPrefixed));
}

export class RawClient {
  readonly socket: net.Socket;
  readonly reader: SocketReader;
  #nextCookie = 1n;
  /** Lengths of the simple-reply READs in flight (their replies carry data the header does not size). */
  #reads = new Map<bigint, number>();
  #partial = new Map<bigint, Reply>();
  structured = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.reader = new SocketReader(socket);
  }

  static connect(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(path);
      socket.once("connect", () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  send(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Reads the greeting and sends the client flags; returns the handshake flags. */
  async greet(flags = FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES): Promise<number> {
    const greeting = await this.reader.read(18);
    const flagsOut = new Uint8Array(4);
    new DataView(flagsOut.buffer).setUint32(0, flags);
    this.send(flagsOut);
    return new DataView(greeting.buffer, greeting.byteOffset, 18).getUint16(16);
  }

  sendOption(option: number, data: Uint8Array = new Uint8Array(0)): void {
    const header = new Uint8Array(16);
    const v = new DataView(header.buffer);
    v.setBigUint64(0, IHAVEOPT);
    v.setUint32(8, option);
    v.setUint32(12, data.length);
    this.send(concat(header, data));
  }

  async optionReply(): Promise<OptionReply> {
    const header = await this.reader.read(20);
    const v = new DataView(header.buffer, header.byteOffset, 20);
    const length = v.getUint32(16);
    return { option: v.getUint32(8), type: v.getUint32(12), data: new Uint8Array(await this.reader.read(length)) };
  }

  /** Every reply to one option, up to and including the final one (ACK or an error). */
  async optionReplies(option: number, data?: Uint8Array): Promise<OptionReply[]> {
    this.sendOption(option, data);
    const replies: OptionReply[] = [];
    for (;;) {
      const r = await this.optionReply();
      replies.push(r);
      if (r.type === 1 || r.type >= 0x80000000) return replies;
    }
  }

  /** Greets, negotiates structured replies and base:allocation if asked, and enters transmission. */
  async open(
    name = "",
    options: { structured?: boolean; allocation?: boolean } = {},
  ): Promise<{ size: number; flags: number }> {
    await this.greet();
    if (options.structured !== false) {
      await this.optionReplies(Opt.StructuredReply);
      this.structured = true;
      if (options.allocation !== false) {
        await this.optionReplies(Opt.SetMetaContext, metaContextData(name, ["base:allocation"]));
      }
    }
    const replies = await this.optionReplies(Opt.Go, infoData(name));
    const final = replies[replies.length - 1];
    if (final?.type !== 1) throw new Error(`GO refused: reply type 0x${final?.type.toString(16)}`);
    const info = replies.find((r) => r.type === 3 && r.data[1] === 0)!.data;
    const v = new DataView(info.buffer, info.byteOffset);
    return { size: Number(v.getBigUint64(2)), flags: v.getUint16(10) };
  }

  /** Sends a request; returns its cookie. */
  request(
    type: number,
    offset: number,
    length: number,
    options: { flags?: number; payload?: Uint8Array } = {},
  ): bigint {
    const cookie = this.#nextCookie++;
    const header = new Uint8Array(28);
    const v = new DataView(header.buffer);
    v.setUint32(0, REQUEST_MAGIC);
    v.setUint16(4, options.flags ?? 0);
    v.setUint16(6, type);
    v.setBigUint64(8, cookie);
    v.setBigUint64(16, BigInt(offset));
    v.setUint32(24, length);
    if (type === Cmd.Read && !this.structured) this.#reads.set(cookie, length);
    this.send(options.payload === undefined ? header : concat(header, options.payload));
    return cookie;
  }

  /** The next complete reply (structured chunks of one request are gathered until DONE). */
  async reply(): Promise<Reply> {
    for (;;) {
      const head = await this.reader.read(4);
      const magic = new DataView(head.buffer, head.byteOffset, 4).getUint32(0);
      if (magic === SIMPLE_REPLY_MAGIC) {
        const rest = await this.reader.read(12);
        const v = new DataView(rest.buffer, rest.byteOffset, 12);
        const cookie = v.getBigUint64(4);
        const error = v.getUint32(0);
        const length = this.#reads.get(cookie);
        this.#reads.delete(cookie);
        if (length !== undefined && error === 0) {
          return { cookie, error, data: new Uint8Array(await this.reader.read(length)) };
        }
        return { cookie, error };
      }
      if (magic !== STRUCTURED_REPLY_MAGIC) throw new Error(`bad reply magic 0x${magic.toString(16)}`);
      const rest = await this.reader.read(16);
      const v = new DataView(rest.buffer, rest.byteOffset, 16);
      const flags = v.getUint16(0);
      const type = v.getUint16(2);
      const cookie = v.getBigUint64(4);
      const payload = new Uint8Array(await this.reader.read(v.getUint32(12)));
      const p = new DataView(payload.buffer);
      const reply = this.#partial.get(cookie) ?? { cookie, error: 0 };
      if (type === ReplyType.OffsetData) reply.data = payload.subarray(8);
      else if (type === ReplyType.BlockStatus) {
        reply.extents = [];
        for (let at = 4; at < payload.length; at += 4) reply.extents.push(p.getUint32(at));
      } else if ((type & 0x8000) !== 0) reply.error = p.getUint32(0);
      if ((flags & ReplyFlagDone) !== 0) {
        this.#partial.delete(cookie);
        return reply;
      }
      this.#partial.set(cookie, reply);
    }
  }

  /** Sends one request and waits for its reply (nothing else may be in flight). */
  async call(
    type: number,
    offset: number,
    length: number,
    options: { flags?: number; payload?: Uint8Array } = {},
  ): Promise<Reply> {
    const cookie = this.request(type, offset, length, options);
    const r = await this.reply();
    if (r.cookie !== cookie) throw new Error(`reply for cookie ${r.cookie}, expected ${cookie}`);
    return r;
  }

  /** Resolves when the server has closed the connection. */
  closed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || this.reader.closed) return resolve();
      this.socket.once("close", () => resolve());
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
