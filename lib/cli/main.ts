#!/usr/bin/env bun
/**
 * trueno-zram: the command-line entry. Runs unchanged with `bun lib/cli/main.ts`, `deno run -A
 * lib/cli/main.ts` and as a standalone executable (scripts/compile-exe.sh).
 * Exit status: see EXIT_HELP.
 */
import process from "node:process";
import { TruenoError } from "../../mod.ts";
import { ProcMemError } from "../procmem/errors.ts";
import { runBench } from "./bench.ts";
import { runCapture } from "./capture.ts";
import { runEntropy } from "./entropy.ts";
import { runEstimate } from "./estimate.ts";
import { EXIT, EXIT_HELP, exitCodeOf } from "./exit-codes.ts";
import { useLibraryBesideExecutable } from "./library.ts";
import { runServe } from "./serve.ts";
import { runStat } from "./stat.ts";
import { runTop } from "./top.ts";
import { runTrainDict } from "./train-dict.ts";
import { UsageError } from "./usage-error.ts";
import { runZramctl } from "./zramctl.ts";

interface Command {
  readonly summary: string;
  readonly run: (argv: readonly string[]) => number | Promise<number>;
}

/** One entry per command, in the order the help lists them. */
const COMMANDS: Record<string, Command> = {
  bench: { summary: "measure compress/decompress throughput and ratio per algorithm and backend", run: runBench },
  estimate: { summary: "what zram would hold and save for a live process (--pid) or a pages file", run: runEstimate },
  capture: { summary: "write a process's resident anonymous pages to a pages file (.zst optional)", run: runCapture },
  entropy: { summary: "per-page entropy histogram and the route each page would take", run: runEntropy },
  top: { summary: "a live view of a running device's rates, ratio and memory (--socket PATH)", run: runTop },
  serve: { summary: "serve a compressed RAM block device over NBD (Unix socket or TCP)", run: runServe },
  stat: { summary: "print mm_stat, io_stat and zramctl of a running 'serve' (--socket PATH)", run: runStat },
  zramctl: { summary: "store pages in an emulated zram device and print it the way zramctl does", run: runZramctl },
  "train-dict": {
    summary: "train a Zstandard dictionary on a pages file or a live process's pages",
    run: runTrainDict,
  },
};

export const MAIN_HELP = `Usage: trueno-zram <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)}  ${c.summary}`).join("\n")}
  help       print this help

Run 'trueno-zram <command> --help' (or -h) for a command's options. Every command takes --json.
The native library is found through TRUENO_ZRAM_LIB, the package's zig-out/lib, or beside the executable.

${EXIT_HELP}`;

function failure(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`trueno-zram: ${e.message}\nRun 'trueno-zram --help' for usage.\n`);
  } else if (e instanceof ProcMemError) {
    process.stderr.write(`trueno-zram: ${e.message}\n`);
  } else {
    // A failure while running (no library, a failed round trip): one line, not a stack trace.
    const what = e instanceof TruenoError
      ? `${e.code}: ${e.message}`
      : e instanceof Error
      ? `${e.name}: ${e.message}`
      : String(e);
    process.stderr.write(`trueno-zram: ${what}\n`);
  }
  return exitCodeOf(e);
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      process.stderr.write(MAIN_HELP);
      return EXIT.usage;
    }
    if (name === "help" || name === "--help" || name === "-h") {
      process.stdout.write(MAIN_HELP);
      return EXIT.ok;
    }
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (command === undefined) throw new UsageError(`unknown command '${name}'`);
    useLibraryBesideExecutable();
    return await command.run(rest);
  } catch (e) {
    return failure(e);
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
