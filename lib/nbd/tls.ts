// TLS for NBD_OPT_STARTTLS: X.509 certificate and key files, loaded once; each upgrade wraps the
// connection's socket in a server-side TLS socket.
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import tls from "node:tls";
import { TruenoError } from "../ffi/errors.ts";

/** TLS through NBD_OPT_STARTTLS: the server's certificate and key files, and whether plain clients are refused. */
export interface NbdTlsOptions {
  /** PEM certificate (chain) file of the server. */
  certFile: string;
  /** PEM private key file of that certificate. */
  keyFile: string;
  /** Refuse clients that do not upgrade (every option but STARTTLS and ABORT answers TLS_REQD). */
  require?: boolean;
}

export interface TlsConfig {
  /** PEM text. */
  key: string;
  cert: string;
  require: boolean;
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new TruenoError("InvalidInput", `cannot read the TLS ${what} ${path}: ${e instanceof Error ? e.message : e}`);
  }
}

export function loadTls(options: NbdTlsOptions): TlsConfig {
  const config = {
    key: readPem(options.keyFile, "key"),
    cert: readPem(options.certFile, "certificate"),
    require: options.require === true,
  };
  try {
    // Checks that the files parse and belong together, where the runtime checks it.
    tls.createSecureContext({ key: config.key, cert: config.cert });
  } catch (e) {
    throw new TruenoError("InvalidInput", `TLS certificate and key refused: ${e instanceof Error ? e.message : e}`);
  }
  return config;
}

/** The server side of TLS over an accepted socket (TLS 1.2 at least, as the protocol asks). */
export function upgrade(socket: Socket, config: TlsConfig): tls.TLSSocket {
  return new tls.TLSSocket(socket, { isServer: true, key: config.key, cert: config.cert, minVersion: "TLSv1.2" });
}
