// A served device for a test: a fresh BlockDevice exported on a Unix socket in a private directory,
// closed (with its compressor) however the test ends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Algorithm,
  BlockDevice,
  CompressorBuilder,
  type NbdServer,
  serveNbd,
  type ServeNbdOptions,
} from "../../mod.ts";

export interface Served {
  server: NbdServer;
  device: BlockDevice;
  /** The Unix socket's path. */
  socket: string;
  dir: string;
}

export interface FixtureOptions {
  size?: number;
  memLimit?: number;
  name?: string;
  /** More serveNbd options (limits, timeouts). */
  serve?: ServeNbdOptions;
}

/** A directory of its own under the temp dir (short, for Unix socket paths), removed after fn. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "tz-nbd-"));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function withServer<T>(options: FixtureOptions, fn: (s: Served) => Promise<T>): Promise<T> {
  return withTempDir(async (dir) => {
    const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(2).build();
    try {
      const device = new BlockDevice(options.size ?? 64 << 20, compressor, { memLimit: options.memLimit ?? 0 });
      const socket = join(dir, "nbd.sock");
      const errors: string[] = [];
      const server = await serveNbd(device, {
        ...options.serve,
        socket,
        name: options.name,
        log: (line) => errors.push(line),
      });
      try {
        return await fn({ server, device, socket, dir });
      } finally {
        await server.close();
      }
    } finally {
      compressor.close();
    }
  });
}

/** The URI of the default export on a socket. */
export function uri(socket: string): string {
  return `nbd+unix:///?socket=${socket}`;
}
