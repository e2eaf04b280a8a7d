/**
 * `top --socket PATH`: the attributes of one export of a running `serve`, read through its control
 * socket. The control socket (PATH.ctl beside a data socket PATH, or PATH itself when it ends in .ctl)
 * answers each connection with one JSON document and closes it:
 *   {"address": ..., "connections": N, "exports": [{"name": "", "size": ..., "algorithm": "lz4",
 *     "mm_stat": "<kernel text>", "io_stat": "<kernel text>", "stat": "<kernel text>", ...}, ...]}
 * top connects once per refresh. An export without "stat" still shows; its rates read as unknown.
 */
import { fetchControl } from "../nbd/control.ts";
import type { AttributeSource, AttributeTexts } from "./top-source.ts";

export class ControlSocketError extends Error {
  constructor(path: string, what: string) {
    super(`control socket ${path}: ${what}`);
    this.name = "ControlSocketError";
  }
}

/** The control socket of a data socket path (a path ending in .ctl is the control socket itself). */
export function controlPath(path: string): string {
  return path.endsWith(".ctl") ? path : `${path}.ctl`;
}

/** The server's document; any failure to get it is a ControlSocketError naming the socket. */
async function fetchDocument(path: string, timeoutMs: number): Promise<unknown> {
  try {
    return await fetchControl(path, timeoutMs);
  } catch (e) {
    const what = (e as { code?: string }).code ?? (e instanceof Error ? e.message : String(e));
    throw new ControlSocketError(path, what);
  }
}

interface ExportEntry {
  name: string;
  mm_stat: string;
  io_stat: string;
  stat?: string;
}

function pickExport(path: string, doc: unknown, name: string | undefined): ExportEntry {
  const exports = (doc as { exports?: unknown })?.exports;
  if (!Array.isArray(exports)) throw new ControlSocketError(path, "the answer lists no exports");
  const found = name === undefined ? exports[0] : exports.find((e) => e?.name === name);
  if (found === undefined) {
    const names = exports.map((e) => JSON.stringify(e?.name)).join(", ");
    throw new ControlSocketError(
      path,
      name === undefined ? "the server exports nothing" : `no export ${JSON.stringify(name)} (exports: ${names})`,
    );
  }
  if (typeof found.mm_stat !== "string" || typeof found.io_stat !== "string") {
    throw new ControlSocketError(path, `export ${JSON.stringify(found.name)} has no mm_stat and io_stat`);
  }
  return found;
}

/** A source reading export `name` (default: the first) of the server behind `socketPath`. */
export function socketSource(socketPath: string, name?: string, timeoutMs = 10_000): AttributeSource {
  const path = controlPath(socketPath);
  return {
    label: name === undefined ? path : `${path} export ${JSON.stringify(name)}`,
    async read(): Promise<AttributeTexts> {
      const entry = pickExport(path, await fetchDocument(path, timeoutMs), name);
      return {
        mm_stat: entry.mm_stat,
        io_stat: entry.io_stat,
        stat: typeof entry.stat === "string" ? entry.stat : undefined,
      };
    },
    close() {},
  };
}
