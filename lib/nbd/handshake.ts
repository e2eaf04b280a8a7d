// The fixed newstyle handshake and option haggling, up to the choice of an export (or the client's
// abort). Malformed option data gets NBD_REP_ERR_INVALID; what breaks the framing (a bad magic,
// unknown client flags, an oversized option) throws ProtocolViolation and closes the connection.
import type { Socket } from "node:net";
import {
  BASE_ALLOCATION,
  FLAG_C_FIXED_NEWSTYLE,
  FLAG_C_NO_ZEROES,
  FLAG_FIXED_NEWSTYLE,
  FLAG_NO_ZEROES,
  IHAVEOPT,
  Info,
  NBDMAGIC,
  Opt,
  OPTION_HEADER_BYTES,
  Rep,
} from "./constants.ts";
import {
  type ExportTable,
  MAX_BLOCK_BYTES,
  MIN_BLOCK_BYTES,
  PREFERRED_BLOCK_BYTES,
  type ServedExport,
  transmissionFlags,
} from "./exports.ts";
import { exportName, parseInfoRequest, parseMetaContextRequest } from "./option_data.ts";
import { SocketReader } from "./reader.ts";
import { optionError, optionReply } from "./replies.ts";
import { concat, lengthPrefixed } from "./bytes.ts";
import { type TlsConfig, upgrade } from "./tls.ts";

/** The peer broke the protocol's framing: the connection is closed. */
export class ProtocolViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolViolation";
  }
}

/** No option of ours needs more; a longer one is treated as abuse. */
const MAX_OPTION_BYTES = 64 * 1024;
/** Options one handshake may send: a real client needs a handful; past this it is a flood. */
export const MAX_OPTIONS = 4096;
/** What the handshake reads ahead of the option it is serving (more than the largest option). */
export const HANDSHAKE_READ_AHEAD = 2 * MAX_OPTION_BYTES;
/** Reading options pauses while this much of the replies waits to be sent (a client that does not read). */
const MAX_UNSENT_REPLY_BYTES = 1024 * 1024;
/** Characters of a client's export name quoted back in an error reply. */
const QUOTED_NAME_CHARS = 64;
/** The id of base:allocation once selected (any nonzero value unique per connection works). */
export const ALLOCATION_CONTEXT_ID = 1;

export interface Negotiated {
  served: ServedExport;
  structured: boolean;
  /** base:allocation's context id when the client selected it for this export, else null. */
  allocationContext: number | null;
}

const encoder = new TextEncoder();

function u16(value: number): Uint8Array {
  return new Uint8Array([value >> 8, value & 0xff]);
}

/** An export name as error messages quote it: at most QUOTED_NAME_CHARS characters of it. */
function quoted(name: string | null): string {
  if (name === null || name.length <= QUOTED_NAME_CHARS) return JSON.stringify(name);
  return `${JSON.stringify(name.slice(0, QUOTED_NAME_CHARS))}... (${name.length} characters)`;
}

/** Resolves once the socket's unsent bytes are below MAX_UNSENT_REPLY_BYTES, or it is gone. */
async function drained(socket: Socket): Promise<void> {
  while (socket.writableLength > MAX_UNSENT_REPLY_BYTES && !socket.destroyed) {
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off("drain", done);
        socket.off("close", done);
        resolve();
      };
      socket.on("drain", done);
      socket.on("close", done);
    });
  }
}

function exportInfo(served: ServedExport, structured: boolean): Uint8Array {
  const out = new Uint8Array(12);
  const v = new DataView(out.buffer);
  v.setUint16(0, Info.Export);
  v.setBigUint64(2, BigInt(served.size));
  v.setUint16(10, transmissionFlags(structured));
  return out;
}

function blockSizeInfo(): Uint8Array {
  const out = new Uint8Array(14);
  const v = new DataView(out.buffer);
  v.setUint16(0, Info.BlockSize);
  v.setUint32(2, MIN_BLOCK_BYTES);
  v.setUint32(6, PREFERRED_BLOCK_BYTES);
  v.setUint32(10, MAX_BLOCK_BYTES);
  return out;
}

function metaContextReply(option: number, id: number): Uint8Array {
  const name = encoder.encode(BASE_ALLOCATION);
  const data = new Uint8Array(4 + name.length);
  new DataView(data.buffer).setUint32(0, id);
  data.set(name, 4);
  return optionReply(option, Rep.MetaContext, data);
}

/** Whether a LIST_META_CONTEXT query names base:allocation ("base:" lists the whole namespace). */
function listsAllocation(query: string): boolean {
  return query === "base:" || query === BASE_ALLOCATION;
}

/** The connection's stream: STARTTLS replaces both with their TLS counterparts. */
export interface Channel {
  socket: Socket;
  reader: SocketReader;
}

export interface HandshakeOptions {
  exports: ExportTable;
  /** Certificates for STARTTLS, or null when TLS is not offered. */
  tls: TlsConfig | null;
  /** Why this connection is refused (e.g. too many connections), or null: the first option then
   * gets NBD_REP_ERR_POLICY with this message and the connection ends. */
  refusal: string | null;
  /** True once the server is shutting down: options then get NBD_REP_ERR_SHUTDOWN. */
  shuttingDown(): boolean;
}

/** Runs the handshake; resolves with the export chosen, or null when the client aborted. */
export async function negotiate(channel: Channel, options: HandshakeOptions): Promise<Negotiated | null> {
  const greeting = new Uint8Array(18);
  const g = new DataView(greeting.buffer);
  g.setBigUint64(0, NBDMAGIC);
  g.setBigUint64(8, IHAVEOPT);
  g.setUint16(16, FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES);
  channel.socket.write(greeting);

  const flagBytes = await channel.reader.read(4);
  const clientFlags = new DataView(flagBytes.buffer, flagBytes.byteOffset, 4).getUint32(0);
  if ((clientFlags & ~(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) !== 0) {
    throw new ProtocolViolation(`unknown client flags 0x${clientFlags.toString(16)}`);
  }
  const noZeroes = (clientFlags & FLAG_C_NO_ZEROES) !== 0;
  let structured = false;
  let secured = false;
  /** The export and contexts of the last SET_META_CONTEXT. */
  let selected: { served: ServedExport; allocation: boolean } | null = null;
  const send = (bytes: Uint8Array) => channel.socket.write(bytes);
  const finish = (served: ServedExport): Negotiated => ({
    served,
    structured,
    allocationContext: selected !== null && selected.served === served && selected.allocation
      ? ALLOCATION_CONTEXT_ID
      : null,
  });

  for (let count = 0;; count++) {
    if (count === MAX_OPTIONS) throw new ProtocolViolation(`more than ${MAX_OPTIONS} options in one handshake`);
    await drained(channel.socket);
    const header = await channel.reader.read(OPTION_HEADER_BYTES);
    const h = new DataView(header.buffer, header.byteOffset, OPTION_HEADER_BYTES);
    if (h.getBigUint64(0) !== IHAVEOPT) throw new ProtocolViolation("bad option magic");
    const option = h.getUint32(8);
    const length = h.getUint32(12);
    if (length > MAX_OPTION_BYTES) throw new ProtocolViolation(`option ${option} of ${length} bytes`);
    const data = await channel.reader.read(length);

    if (option === Opt.Abort) {
      send(optionReply(option, Rep.Ack));
      return null;
    }
    if (options.refusal !== null) {
      if (option === Opt.ExportName) throw new ProtocolViolation(options.refusal);
      send(optionError(option, Rep.ErrPolicy, options.refusal));
      return null;
    }
    if (options.tls?.require === true && !secured && option !== Opt.StartTls) {
      if (option === Opt.ExportName) throw new ProtocolViolation("EXPORT_NAME before the required TLS upgrade");
      send(optionError(option, Rep.ErrTlsReqd, "this server requires TLS: send NBD_OPT_STARTTLS first"));
      continue;
    }
    if (options.shuttingDown()) {
      if (option === Opt.ExportName) throw new ProtocolViolation("the server is shutting down");
      send(optionError(option, Rep.ErrShutdown, "the server is shutting down"));
      continue;
    }
    switch (option) {
      case Opt.ExportName: {
        const name = exportName(data);
        const served = name === null ? undefined : options.exports.find(name);
        // This option cannot answer an error: the session ends.
        if (served === undefined) throw new ProtocolViolation(`no export named ${quoted(name)}`);
        const reply = new Uint8Array(noZeroes ? 10 : 134);
        const v = new DataView(reply.buffer);
        v.setBigUint64(0, BigInt(served.size));
        v.setUint16(8, transmissionFlags(structured));
        send(reply);
        return finish(served);
      }
      case Opt.List:
        if (length !== 0) {
          send(optionError(option, Rep.ErrInvalid, "NBD_OPT_LIST takes no data"));
          break;
        }
        for (const served of options.exports.all) {
          send(
            optionReply(option, Rep.Server, concat(lengthPrefixed(served.name), encoder.encode(served.description))),
          );
        }
        send(optionReply(option, Rep.Ack));
        break;
      case Opt.StartTls:
        if (options.tls === null) send(optionError(option, Rep.ErrPolicy, "TLS is not configured on this server"));
        else if (secured) send(optionError(option, Rep.ErrInvalid, "TLS is already running"));
        else if (length !== 0) send(optionError(option, Rep.ErrInvalid, "NBD_OPT_STARTTLS takes no data"));
        else {
          // The client waits for this reply before its TLS hello: anything already received breaks the protocol.
          if (channel.reader.buffered !== 0) {
            throw new ProtocolViolation("data after NBD_OPT_STARTTLS before the TLS handshake");
          }
          send(optionReply(option, Rep.Ack));
          channel.reader.detach();
          channel.socket = upgrade(channel.socket, options.tls);
          channel.reader = new SocketReader(channel.socket, HANDSHAKE_READ_AHEAD);
          secured = true;
        }
        break;
      case Opt.Info:
      case Opt.Go: {
        const request = parseInfoRequest(data);
        if (request === null) {
          send(optionError(option, Rep.ErrInvalid, "malformed NBD_OPT_INFO/GO data"));
          break;
        }
        const served = options.exports.find(request.name);
        if (served === undefined) {
          send(optionError(option, Rep.ErrUnknown, `no export named ${quoted(request.name)}`));
          break;
        }
        send(optionReply(option, Rep.Info, exportInfo(served, structured)));
        if (request.infos.includes(Info.Name)) {
          send(optionReply(option, Rep.Info, concat(u16(Info.Name), encoder.encode(served.name))));
        }
        if (request.infos.includes(Info.Description) && served.description !== "") {
          send(optionReply(option, Rep.Info, concat(u16(Info.Description), encoder.encode(served.description))));
        }
        send(optionReply(option, Rep.Info, blockSizeInfo()));
        send(optionReply(option, Rep.Ack));
        if (option === Opt.Go) return finish(served);
        break;
      }
      case Opt.StructuredReply:
        if (length !== 0) {
          send(optionError(option, Rep.ErrInvalid, "NBD_OPT_STRUCTURED_REPLY takes no data"));
          break;
        }
        structured = true;
        send(optionReply(option, Rep.Ack));
        break;
      case Opt.ListMetaContext:
      case Opt.SetMetaContext: {
        const request = parseMetaContextRequest(data);
        if (!structured) {
          send(optionError(option, Rep.ErrInvalid, "negotiate structured replies first"));
          break;
        }
        if (request === null) {
          send(optionError(option, Rep.ErrInvalid, "malformed meta context request"));
          break;
        }
        const served = options.exports.find(request.name);
        if (served === undefined) {
          send(optionError(option, Rep.ErrUnknown, `no export named ${quoted(request.name)}`));
          break;
        }
        if (option === Opt.ListMetaContext) {
          if (request.queries.length === 0 || request.queries.some(listsAllocation)) send(metaContextReply(option, 0));
        } else {
          const allocation = request.queries.includes(BASE_ALLOCATION);
          selected = { served, allocation };
          if (allocation) send(metaContextReply(option, ALLOCATION_CONTEXT_ID));
        }
        send(optionReply(option, Rep.Ack));
        break;
      }
      default:
        send(optionError(option, Rep.ErrUnsup, `option ${option} is not supported`));
    }
  }
}
