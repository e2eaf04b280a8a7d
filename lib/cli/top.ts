/**
 * `trueno-zram top`: a live view of a device's statistics. On a terminal it redraws one screen in place
 * (alternate screen, cursor hidden) and quits on q or Ctrl-C; otherwise it prints one plain line (or one
 * JSON object with --json) per sample.
 */
import process from "node:process";
import { integerOption, parseOptions, stringOption } from "./args.ts";
import { EXIT_HELP } from "./exit-codes.ts";
import { jsonNumber } from "./json.ts";
import { socketSource } from "./top-socket.ts";
import { type AttributeSource, type DeviceSample, parseSample, sysfsSource } from "./top-source.ts";
import { renderLine, renderScreen, topRow } from "./top-view.ts";
import { UsageError } from "./usage-error.ts";

export const TOP_HELP = `Usage: trueno-zram top (--socket PATH | --sysfs DIR) [options]

Shows a device's activity, refreshed in place: pages written (in) and read (out) per second, the
compression ratio (orig_data_size / compr_data_size), mem_used, same-filled and huge pages, failed
I/O, all from its mm_stat, io_stat and stat. Press q (or Ctrl-C) to quit. When standard output is
not a terminal, prints one line per refresh instead.

Options:
  --socket PATH         a running 'trueno-zram serve': its data socket (the control socket is
                        PATH.ctl) or its control socket
  --export NAME         with --socket: which export to show (default: the first)
  --sysfs DIR           a zram device's sysfs directory, e.g. /sys/block/zram0 (read-only)
  --interval SECONDS    time between refreshes, 0.1 to 3600 (default 1)
  --count N             stop after N refreshes (default: until q, or forever without a terminal)
  --json                one JSON object per refresh instead of the view
  -h, --help            print this help

${EXIT_HELP}`;

const SPEC = {
  socket: "string",
  export: "string",
  sysfs: "string",
  interval: "string",
  count: "string",
  json: "boolean",
  help: "boolean",
} as const;

const ENTER = "\x1b[?1049h\x1b[?25l";
const LEAVE = "\x1b[?25h\x1b[?1049l";

function intervalOption(text: string | undefined): number {
  if (text === undefined) return 1000;
  const s = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!(s >= 0.1 && s <= 3600)) throw new UsageError(`--interval '${text}': seconds from 0.1 to 3600`);
  return s * 1000;
}

export interface TopOptions {
  intervalMs: number;
  count: number;
  json: boolean;
  /** Draw the full-screen view (a terminal) or plain lines. */
  screen: boolean;
  write: (text: string) => void;
}

/** Quits on q / Q / Ctrl-C typed on a terminal stdin, and on SIGINT. */
function quitSignal(onQuit: () => void): () => void {
  const stdin = process.stdin as typeof process.stdin & { setRawMode?: (raw: boolean) => void };
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === "function";
  const onKey = (data: Uint8Array | string) => {
    const key = typeof data === "string" ? data : new TextDecoder().decode(data);
    if (key.includes("q") || key.includes("Q") || key.includes("\x03")) onQuit();
  };
  if (raw) {
    stdin.setRawMode!(true);
    stdin.on("data", onKey);
    stdin.resume();
  }
  process.on("SIGINT", onQuit);
  return () => {
    process.off("SIGINT", onQuit);
    if (raw) {
      stdin.off("data", onKey);
      stdin.setRawMode!(false);
      stdin.pause();
    }
  };
}

/** Samples `source` until quit or `count` samples, drawing each one. */
export async function runTopLoop(source: AttributeSource, options: TopOptions): Promise<void> {
  let quit = false;
  let wake = () => {};
  const stopKeys = quitSignal(() => {
    quit = true;
    wake();
  });
  if (options.screen) options.write(ENTER);
  try {
    let previous: DeviceSample | undefined;
    for (let n = 0; !quit && n < options.count; n++) {
      if (n > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.intervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      if (quit) break;
      const sample = parseSample(await source.read(), performance.now());
      const row = topRow(sample, previous);
      previous = sample;
      const time = new Date().toISOString().slice(11, 19);
      if (options.json) options.write(JSON.stringify({ time, ...row }, jsonNumber) + "\n");
      else if (!options.screen) options.write(renderLine(row, time) + "\n");
      else {
        const title = `trueno-zram top: ${source.label}   ${time}   every ${options.intervalMs / 1000} s, q quits`;
        options.write("\x1b[H" + renderScreen(row, title).map((l) => l + "\x1b[K").join("\n") + "\x1b[J");
      }
    }
  } finally {
    stopKeys();
    if (options.screen) options.write(LEAVE);
  }
}

export async function runTop(argv: readonly string[]): Promise<number> {
  const opts = parseOptions(argv, SPEC, "top");
  if (opts.has("help")) {
    process.stdout.write(TOP_HELP);
    return 0;
  }
  const socket = stringOption(opts.get("socket"));
  const sysfs = stringOption(opts.get("sysfs"));
  if ((socket === undefined) === (sysfs === undefined)) {
    throw new UsageError("give either --socket PATH or --sysfs DIR");
  }
  const intervalMs = intervalOption(stringOption(opts.get("interval")));
  const count = integerOption(opts.get("count"), "count", 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const json = opts.has("json");
  const exportName = stringOption(opts.get("export"));
  if (exportName !== undefined && socket === undefined) throw new UsageError("--export applies to --socket only");
  const source = socket !== undefined ? socketSource(socket, exportName) : sysfsSource(sysfs!);
  try {
    await runTopLoop(source, {
      intervalMs,
      count,
      json,
      screen: !json && process.stdout.isTTY === true,
      write: (text) => process.stdout.write(text),
    });
  } finally {
    source.close();
  }
  return 0;
}
