/**
 * `trueno-zram stat --socket PATH`: the mm_stat, io_stat and zramctl view of a running
 * `trueno-zram serve`, read from its control socket.
 */
import process from "node:process";
import { type ControlDocument, fetchControl } from "../nbd/control.ts";
import { parseOptions, stringOption } from "./args.ts";
import { UsageError } from "./usage-error.ts";

export const STAT_HELP = `Usage: trueno-zram stat --socket PATH [--json]

Prints the statistics of the devices a running 'trueno-zram serve' exports: mm_stat and io_stat in the
kernel's formats, and the zramctl row.

Options:
  --socket PATH   the server's data socket (its control socket is PATH.ctl) or the control socket
  --json          the whole report as JSON
`;

const SPEC = { socket: "string", json: "boolean", help: "boolean" } as const;

/** The control document of the server whose socket a command names with --socket. */
export function readServer(socket: string | undefined, command: string): Promise<ControlDocument> {
  if (socket === undefined) throw new UsageError(`${command}: --socket PATH is required`);
  return fetchControl(socket);
}

export async function runStat(argv: readonly string[]): Promise<number> {
  const opts = parseOptions(argv, SPEC, "stat");
  if (opts.has("help")) {
    process.stdout.write(STAT_HELP);
    return 0;
  }
  const doc = await readServer(stringOption(opts.get("socket")), "stat");
  if (opts.has("json")) {
    process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
    return 0;
  }
  const lines = [`address: ${doc.address}`, `connections: ${doc.connections}`];
  for (const e of doc.exports) {
    lines.push("", `export ${JSON.stringify(e.name)}: ${e.size} bytes, ${e.algorithm}`);
    lines.push(`mm_stat: ${e.mm_stat.trimEnd()}`, `io_stat: ${e.io_stat.trimEnd()}`, e.zramctl.trimEnd());
  }
  process.stdout.write(lines.join("\n") + "\n");
  return 0;
}
