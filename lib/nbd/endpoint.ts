// Where a server listens: a Unix socket (created owner-only unless a mode is given, with no moment at
// which anyone else could connect) or TCP (loopback unless an address is given).
import { chmodSync, existsSync, lstatSync, mkdtempSync, renameSync, rmdirSync, unlinkSync } from "node:fs";
import net from "node:net";
import { dirname, join } from "node:path";
import { TruenoError } from "../ffi/errors.ts";

export type Endpoint =
  | { kind: "unix"; path: string; mode: number }
  | { kind: "tcp"; host: string; port: number };

export interface Bound {
  server: net.Server;
  /** The Unix socket's path, or null for TCP. */
  path: string | null;
  host: string;
  port: number;
}

/** "HOST:PORT", "[V6]:PORT" or ":PORT" (loopback). */
export function parseHostPort(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):([0-9]{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535) {
    throw new TruenoError("InvalidInput", `listen address ${JSON.stringify(text)} is not HOST:PORT`);
  }
  return { host: match[1] ?? (match[2] || "127.0.0.1"), port };
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

function listenOn(server: net.Server, target: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (e: Error) =>
      reject(new TruenoError("InvalidInput", `cannot listen on ${JSON.stringify(target)}: ${e.message}`));
    server.once("error", failed);
    const done = () => {
      server.off("error", failed);
      // Once listening, a failed accept (e.g. out of file descriptors) costs that connection only.
      server.on("error", () => {});
      resolve();
    };
    if (typeof target === "string") server.listen(target, done);
    else server.listen(target.port, target.host, done);
  });
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
}

/** Removes a socket file no server answers on; refuses a live one or anything that is not a socket. */
async function clearStale(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new TruenoError("InvalidInput", `${path} exists and is not a socket`);
  if (await answers(path)) throw new TruenoError("InvalidInput", `${path} is in use by a running server`);
  unlinkSync(path);
}

export async function bind(endpoint: Endpoint, onConnection: (socket: net.Socket) => void): Promise<Bound> {
  const server = net.createServer(onConnection);
  if (endpoint.kind === "tcp") {
    await listenOn(server, endpoint);
    const address = server.address() as net.AddressInfo;
    return { server, path: null, host: endpoint.host, port: address.port };
  }
  const path = endpoint.path;
  await clearStale(path);
  // Bound inside a fresh 0700 directory, given its mode, then moved into place.
  const privateDir = mkdtempSync(join(dirname(path), ".tz-"));
  const staging = join(privateDir, "s");
  try {
    await listenOn(server, staging);
    chmodSync(staging, endpoint.mode);
    renameSync(staging, path);
  } catch (e) {
    server.close();
    throw e;
  } finally {
    if (existsSync(staging)) unlinkSync(staging);
    rmdirSync(privateDir);
  }
  return { server, path, host: "", port: 0 };
}

/** Stops accepting and removes the socket file. */
export function unbind(bound: Bound): Promise<void> {
  return new Promise((resolve) => {
    bound.server.close(() => resolve());
    if (bound.path !== null && existsSync(bound.path)) unlinkSync(bound.path);
  });
}
