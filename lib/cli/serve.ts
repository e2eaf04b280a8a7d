/**
 * `trueno-zram serve`: a compressed BlockDevice exported over NBD until SIGINT or SIGTERM, with a
 * control socket for `trueno-zram stat` and `zramctl --socket`.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { BlockDevice, CompressorBuilder, serveNbd } from "../../mod.ts";
import type { NbdTlsOptions } from "../nbd/tls.ts";
import { memparse } from "../sysfs/memparse.ts";
import { ALGORITHM_NAMES, parseAlgorithm } from "./algorithms.ts";
import { integerOption, parseOptions, stringOption } from "./args.ts";
import { UsageError } from "./usage-error.ts";

export const SERVE_HELP = `Usage: trueno-zram serve --size SIZE [options]

Serves a compressed RAM block device over NBD (qemu, nbdcopy, nbdfuse, fio, ...) until SIGINT/SIGTERM.

Options:
  --size SIZE           device size, with K, M, G, T suffixes (rounded up to 4 KiB); required
  --algorithm NAME      ${ALGORITHM_NAMES} (default lz4)
  --mem-limit SIZE      pool memory limit; writes beyond it fail with ENOSPC (default none)
  --socket PATH         Unix socket to listen on (default $XDG_RUNTIME_DIR or the temp dir,
                        trueno-zram.sock); created owner-only
  --socket-mode MODE    octal mode of the Unix socket (default 600)
  --listen HOST:PORT    TCP instead of a Unix socket; ':PORT' binds loopback only
  --name NAME           export name (default trueno-zram; clients asking for "" get it too)
  --control PATH        control socket for 'trueno-zram stat' (default SOCKET.ctl; none for TCP
                        unless given)
  --threads N           compression worker threads (default: the CPU count)
  --backing-file PATH   an existing file (or block device) for writeback, as zram's backing_dev:
                        its size in 4 KiB blocks, less one, is the most pages it holds (make one
                        with e.g. 'truncate -s 4G PATH')
  --writeback-idle SECONDS
                        every SECONDS, pages not read or written for SECONDS are written back to
                        the backing file, freeing their memory (needs --backing-file); 'trueno-zram
                        stat --json' shows bd_stat
  --max-connections N   clients served at once (default 64); more are refused politely in the
                        handshake
  --tls MODE            off (default), on (clients may upgrade with STARTTLS) or require (clients
                        that do not upgrade are refused)
  --tls-cert FILE       PEM certificate of the server (with --tls on|require)
  --tls-key FILE        PEM private key of that certificate
A non-loopback --listen without '--tls require' prints a warning.
`;

const SPEC = {
  size: "string",
  algorithm: "string",
  "mem-limit": "string",
  socket: "string",
  "socket-mode": "string",
  listen: "string",
  name: "string",
  control: "string",
  threads: "string",
  "max-connections": "string",
  "backing-file": "string",
  "writeback-idle": "string",
  tls: "string",
  "tls-cert": "string",
  "tls-key": "string",
  help: "boolean",
} as const;

function bytesOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const { value: bytes, consumed } = memparse(value);
  if (consumed !== value.length) throw new UsageError(`option '--${name}' needs a size like 4G, got '${value}'`);
  const rounded = (bytes + 4095n) / 4096n * 4096n;
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) throw new UsageError(`option '--${name}' is too large`);
  return Number(rounded);
}

function tlsOptions(
  mode: string,
  certFile: string | undefined,
  keyFile: string | undefined,
): NbdTlsOptions | undefined {
  if (mode !== "off" && mode !== "on" && mode !== "require") {
    throw new UsageError(`--tls takes off, on or require, not '${mode}'`);
  }
  if (mode === "off") {
    if (certFile !== undefined || keyFile !== undefined) {
      throw new UsageError("--tls-cert and --tls-key need --tls on or require");
    }
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new UsageError(`--tls ${mode} needs --tls-cert and --tls-key`);
  }
  return { certFile, keyFile, require: mode === "require" };
}

export async function runServe(argv: readonly string[]): Promise<number> {
  const opts = parseOptions(argv, SPEC, "serve");
  if (opts.has("help")) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const size = bytesOption(stringOption(opts.get("size")), "size");
  if (size === undefined || size === 0) throw new UsageError("serve: --size is required (e.g. --size 4G)");
  const memLimit = bytesOption(stringOption(opts.get("mem-limit")), "mem-limit") ?? 0;
  const choice = parseAlgorithm(stringOption(opts.get("algorithm")) ?? "lz4");
  const modeText = stringOption(opts.get("socket-mode")) ?? "600";
  if (!/^[0-7]{3,4}$/.test(modeText)) {
    throw new UsageError(`option '--socket-mode' needs an octal mode, got '${modeText}'`);
  }
  const listen = stringOption(opts.get("listen"));
  if (listen !== undefined && opts.has("socket")) throw new UsageError("serve: give --socket or --listen, not both");
  const socket = listen !== undefined
    ? undefined
    : stringOption(opts.get("socket")) ?? join(process.env.XDG_RUNTIME_DIR ?? tmpdir(), "trueno-zram.sock");
  const tls = tlsOptions(
    stringOption(opts.get("tls")) ?? "off",
    stringOption(opts.get("tls-cert")),
    stringOption(opts.get("tls-key")),
  );
  const backingFile = stringOption(opts.get("backing-file"));
  const idleSeconds = opts.has("writeback-idle")
    ? integerOption(opts.get("writeback-idle"), "writeback-idle", 1, 2 ** 31 / 1000 - 1, 1)
    : undefined;
  if (idleSeconds !== undefined && backingFile === undefined) {
    throw new UsageError("serve: --writeback-idle needs --backing-file");
  }
  const maxConnections = integerOption(opts.get("max-connections"), "max-connections", 1, 65536, 64);
  const threads = opts.has("threads") ? integerOption(opts.get("threads"), "threads", 1, 256, 1) : undefined;

  // Listening before the server starts, so that a signal sent as soon as it serves is not missed.
  const stopSignal = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const builder = new CompressorBuilder().algorithm(choice.algorithm);
  const compressor = (threads === undefined ? builder : builder.threads(threads)).build();
  try {
    const device = new BlockDevice(size, compressor, { memLimit, backingFile });
    const server = await serveNbd(device, {
      socket,
      socketMode: parseInt(modeText, 8),
      listen,
      name: stringOption(opts.get("name")),
      algorithm: choice.name,
      control: stringOption(opts.get("control")),
      tls,
      maxConnections,
      writeback: idleSeconds === undefined ? undefined : { idleSeconds },
      log: (line) => process.stderr.write(`trueno-zram: ${line}\n`),
    });
    process.stdout.write(`serving ${server.address}\n`);
    if (server.controlPath !== null) process.stdout.write(`control ${server.controlPath}\n`);
    const signal = await stopSignal;
    process.stderr.write(`trueno-zram: ${signal}: finishing requests in flight and closing\n`);
    await server.close();
    return 0;
  } finally {
    compressor.close();
  }
}
