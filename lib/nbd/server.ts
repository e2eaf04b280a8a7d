// serveNbd: exports BlockDevices over NBD on a Unix socket or TCP, with a control socket beside it.
// Each connection negotiates, then serves requests; whatever a client does ends at most its own
// connection. close() stops accepting, lets the requests in flight finish, then closes everything.
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { TruenoError } from "../ffi/errors.ts";
import { BlockDevice } from "../block/device.ts";
import { serveControl } from "./control.ts";
import { bind, type Bound, type Endpoint, isLoopback, parseHostPort, unbind } from "./endpoint.ts";
import { ExportTable, type NbdExport } from "./exports.ts";
import { type Channel, HANDSHAKE_READ_AHEAD, negotiate } from "./handshake.ts";
import { ConnectionClosed, HIGH_WATER, SocketReader } from "./reader.ts";
import { loadTls, type NbdTlsOptions } from "./tls.ts";
import { Transmission } from "./transmission.ts";
import { type IdleWritebackOptions, startIdleWriteback } from "./idle_writeback.ts";

/** Where and how serveNbd listens; every field is optional. */
export interface ServeNbdOptions {
  /** Unix socket path. Default (without `listen`): a new path under the system's temp directory. */
  socket?: string;
  /** Mode of the Unix socket file; default 0o600 (owner only). */
  socketMode?: number;
  /** TCP instead of a Unix socket: "HOST:PORT" (":PORT" = loopback) or { host, port }; port 0 picks one. */
  listen?: string | { host?: string; port: number };
  /** Name of the export when `device` is one BlockDevice (default "trueno-zram"). */
  name?: string;
  /** Description of that export, shown by NBD_OPT_LIST and NBD_INFO_DESCRIPTION. */
  description?: string;
  /** The codec's name for the control endpoint's zramctl view. */
  algorithm?: string;
  /** Control socket path; default `<socket>.ctl` beside a Unix socket, none for TCP; false = none. */
  control?: string | false;
  /** TLS through NBD_OPT_STARTTLS, offered or (require) demanded. */
  tls?: NbdTlsOptions;
  /** Connections served at once; a client beyond them has its first option refused (NBD_REP_ERR_POLICY)
   * and is disconnected. Default 64. */
  maxConnections?: number;
  /** Pushes cold pages of every export whose device has a backing file (BlockDevice's backingFile)
   * to that file: every interval, pages idle for idleSeconds are written back. Default: never. */
  writeback?: IdleWritebackOptions;
  /** Milliseconds a client has to finish the handshake before its connection is closed; default 10 s. */
  handshakeTimeoutMs?: number;
  /** Where connection errors and warnings are reported; default: nowhere. */
  log?: (line: string) => void;
}

/** A running NBD server, as serveNbd resolves it. */
export interface NbdServer {
  /** An NBD URI of the default export, e.g. "nbd+unix:///trueno-zram?socket=/tmp/x.sock". */
  readonly address: string;
  /** The Unix socket's path, or null for TCP. */
  readonly socketPath: string | null;
  /** The TCP port, or null for a Unix socket. */
  readonly port: number | null;
  /** The control socket's path (fetchControl reads it), or null when there is none. */
  readonly controlPath: string | null;
  /** Connections open now. */
  readonly connections: number;
  /** Stops accepting, answers the requests in flight, closes every connection and removes the sockets. */
  close(): Promise<void>;
}

let defaultSocketCount = 0;

function endpointOf(options: ServeNbdOptions): Endpoint {
  if (options.listen !== undefined && options.socket !== undefined) {
    throw new TruenoError("InvalidInput", "give either socket or listen, not both");
  }
  if (options.listen !== undefined) {
    const { host, port } = typeof options.listen === "string"
      ? parseHostPort(options.listen)
      : { host: options.listen.host ?? "127.0.0.1", port: options.listen.port };
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TruenoError("InvalidInput", `port ${port}`);
    return { kind: "tcp", host, port };
  }
  const mode = options.socketMode ?? 0o600;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) throw new TruenoError("InvalidInput", `socket mode ${mode}`);
  const path = options.socket ?? join(tmpdir(), `trueno-zram-${process.pid}-${++defaultSocketCount}.sock`);
  return { kind: "unix", path, mode };
}

function uriOf(bound: Bound, name: string): string {
  const path = encodeURIComponent(name);
  if (bound.path !== null) return `nbd+unix:///${path}?socket=${bound.path}`;
  const host = bound.host.includes(":") ? `[${bound.host}]` : bound.host;
  return `nbd://${host}:${bound.port}/${path}`;
}

interface Connection {
  /** The socket and its reader, TLS ones after STARTTLS. */
  channel: Channel;
  transmission: Transmission | null;
}

/**
 * Serves one BlockDevice (or several named exports) over NBD, on a Unix socket or TCP, with a control socket beside a
 * Unix one; resolves once listening. InvalidInput for bad options, unreadable TLS files or export names.
 */
export async function serveNbd(
  device: BlockDevice | readonly NbdExport[],
  options: ServeNbdOptions = {},
): Promise<NbdServer> {
  const specs: readonly NbdExport[] = device instanceof BlockDevice
    ? [{ name: options.name ?? "trueno-zram", device, description: options.description, algorithm: options.algorithm }]
    : device;
  if (!Array.isArray(specs)) {
    throw new TruenoError("InvalidInput", "serveNbd takes a BlockDevice or an array of exports");
  }
  const exports = new ExportTable(specs);
  const endpoint = endpointOf(options);
  const tls = options.tls === undefined ? null : loadTls(options.tls);
  const log = options.log ?? (() => {});
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  // setTimeout fires at once for a delay of 2^31 ms or more: such a deadline would cut every client off.
  if (!(handshakeTimeoutMs > 0 && handshakeTimeoutMs < 2 ** 31)) {
    throw new TruenoError("InvalidInput", `handshakeTimeoutMs ${handshakeTimeoutMs} is not in 1..${2 ** 31 - 1}`);
  }
  const maxConnections = options.maxConnections ?? 64;
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw new TruenoError("InvalidInput", `maxConnections ${maxConnections}`);
  }
  const connections = new Set<Connection>();
  /** Connections within maxConnections (refused ones are in `connections` too, until they close). */
  let admitted = 0;
  let shuttingDown = false;

  async function handle(socket: Socket): Promise<void> {
    // Failures of the raw socket end the connection through its reader, or through TLS after STARTTLS
    // (whose reader takes over): never an unhandled 'error' event.
    socket.on("error", () => socket.destroy());
    const channel: Channel = { socket, reader: new SocketReader(socket, HANDSHAKE_READ_AHEAD) };
    const connection: Connection = { channel, transmission: null };
    connections.add(connection);
    socket.once("close", () => connections.delete(connection));
    if (shuttingDown) return void socket.destroy();
    if (endpoint.kind === "tcp") socket.setNoDelay(true);
    const refusal = admitted < maxConnections
      ? null
      : `this server serves at most ${maxConnections} connections at once`;
    if (refusal === null) {
      admitted++;
      socket.once("close", () => admitted--);
    }
    // A client that stalls in the handshake (or trickles options) is cut off; TLS's socket goes too.
    const deadline = setTimeout(() => {
      log("nbd: connection closed: the handshake took too long");
      channel.socket.destroy();
      socket.destroy();
    }, handshakeTimeoutMs);
    try {
      const negotiated = await negotiate(channel, { exports, tls, refusal, shuttingDown: () => shuttingDown }).finally(
        () => clearTimeout(deadline),
      );
      if (negotiated !== null) {
        channel.reader.highWater = HIGH_WATER;
        connection.transmission = new Transmission(channel.socket, channel.reader, negotiated);
        await connection.transmission.run();
      }
      channel.socket.end();
    } catch (e) {
      if (!(e instanceof ConnectionClosed)) {
        log(`nbd: connection closed: ${e instanceof Error ? e.message : String(e)}`);
      }
      channel.socket.destroy();
      socket.destroy();
    }
  }

  const bound = await bind(endpoint, (socket) => void handle(socket));
  if (endpoint.kind === "tcp" && !isLoopback(endpoint.host) && tls?.require !== true) {
    const what = tls === null ? "without TLS" : "with TLS optional (--tls require refuses plain clients)";
    log(`nbd: warning: serving plain TCP on ${endpoint.host}:${bound.port}, reachable beyond this host ${what}`);
  }
  const controlPath = options.control === false
    ? null
    : options.control ?? (bound.path !== null ? `${bound.path}.ctl` : null);
  let control: Bound | null = null;
  const address = uriOf(bound, exports.first.name);
  try {
    if (controlPath !== null) {
      control = await serveControl(controlPath, endpoint.kind === "unix" ? endpoint.mode : 0o600, () => ({
        address,
        connections: connections.size,
        exports: exports.all,
      }));
    }
  } catch (e) {
    await unbind(bound);
    throw e;
  }

  let stopWriteback: () => void = () => {};
  try {
    if (options.writeback !== undefined) stopWriteback = startIdleWriteback(exports.all, options.writeback, log);
  } catch (e) {
    await unbind(bound);
    if (control !== null) await unbind(control);
    throw e;
  }

  let closing: Promise<void> | null = null;
  async function close(): Promise<void> {
    shuttingDown = true;
    stopWriteback();
    const stopped = unbind(bound);
    await Promise.all([...connections].map(async ({ channel, transmission }) => {
      if (transmission !== null) await transmission.stop();
      const socket = channel.socket;
      socket.end();
      // A client that does not close its end within a moment is cut off.
      const timer = setTimeout(() => socket.destroy(), 2000);
      if (!socket.destroyed) await new Promise((resolve) => socket.once("close", resolve));
      clearTimeout(timer);
    }));
    await stopped;
    if (control !== null) await unbind(control);
  }

  return {
    address,
    socketPath: bound.path,
    port: bound.path === null ? bound.port : null,
    controlPath,
    get connections() {
      return connections.size;
    },
    close: () => (closing ??= close()),
  };
}
