#!/usr/bin/env bun
/**
 * trueno-zram: the command-line entry. Runs unchanged with `bun lib/cli/main.ts`, `deno run -A
 * lib/cli/main.ts` and as a standalone executable (scripts/compile-exe.sh).
 * Exit status: 0 success, 1 a failure while running, 2 a bad command line.
 */
import process from "node:process";
import { TruenoError } from "../../mod.ts";
import { runBench } from "./bench.ts";
import { useLibraryBesideExecutable } from "./library.ts";
import { runServe } from "./serve.ts";
import { runStat } from "./stat.ts";
import { USAGE_EXIT_CODE, UsageError } from "./usage-error.ts";
import { runZramctl } from "./zramctl.ts";

export const MAIN_HELP = `Usage: trueno-zram <command> [options]

Commands:
  bench      measure batch compress/decompress throughput and ratio per algorithm and backend
  zramctl    store pages in an emulated zram device and print it the way zramctl prints a real one
  serve      serve a compressed RAM block device over NBD (Unix socket or TCP)
  stat       print mm_stat, io_stat and zramctl of a running 'serve' (--socket PATH)
  help       print this help

Run 'trueno-zram <command> --help' for a command's options.
The native library is found through TRUENO_ZRAM_LIB, the package's zig-out/lib, or beside the executable.
`;

const COMMANDS: Record<string, (argv: readonly string[]) => number | Promise<number>> = {
  bench: runBench,
  zramctl: runZramctl,
  serve: runServe,
  stat: runStat,
};

/** The exit status; a Promise of it for the commands that wait (serve, and those reading a server). */
export function main(argv: readonly string[]): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      process.stderr.write(MAIN_HELP);
      return USAGE_EXIT_CODE;
    }
    if (command === "help" || command === "--help" || command === "-h") {
      process.stdout.write(MAIN_HELP);
      return 0;
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (run === undefined) throw new UsageError(`unknown command '${command}'`);
    useLibraryBesideExecutable();
    const status = run(rest);
    return typeof status === "number" ? status : status.catch(failed);
  } catch (e) {
    return failed(e);
  }
}

function failed(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`trueno-zram: ${e.message}\nRun 'trueno-zram --help' for usage.\n`);
    return USAGE_EXIT_CODE;
  }
  // A failure while running (no library, a failed round trip): one line, not a stack trace.
  const what = e instanceof TruenoError ? `${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  process.stderr.write(`trueno-zram: ${what}\n`);
  return 1;
}

if (import.meta.main) {
  const status = main(process.argv.slice(2));
  if (typeof status === "number") process.exitCode = status;
  else status.then((code) => (process.exitCode = code));
}
