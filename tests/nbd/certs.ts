// A throwaway CA and a server certificate for localhost, made with openssl, in the layout libnbd's
// tls-certificates= directory expects (ca-cert.pem), plus the server's files.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { mustRun } from "./exec.ts";

export interface Certs {
  /** The directory for nbds:// URIs (tls-certificates=DIR). */
  dir: string;
  certFile: string;
  keyFile: string;
}

export async function makeCerts(dir: string): Promise<Certs> {
  const f = (name: string) => join(dir, name);
  const quiet = { timeoutMs: 60_000 };
  await mustRun("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    f("ca-key.pem"),
    "-out",
    f("ca-cert.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=trueno-zram test CA",
  ], quiet);
  await mustRun("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    f("server-key.pem"),
    "-out",
    f("server.csr"),
    "-subj",
    "/CN=localhost",
  ], quiet);
  writeFileSync(f("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  await mustRun("openssl", [
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca-cert.pem"),
    "-CAkey",
    f("ca-key.pem"),
    "-CAcreateserial",
    "-out",
    f("server-cert.pem"),
    "-days",
    "2",
    "-extfile",
    f("ext.cnf"),
  ], quiet);
  return { dir, certFile: f("server-cert.pem"), keyFile: f("server-key.pem") };
}
