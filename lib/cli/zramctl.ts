/**
 * `trueno-zram zramctl`: configures an emulated zram device (SysfsInterface), stores pages in it and
 * prints it the way util-linux zramctl prints a real device.
 */
import process from "node:process";
import { PAGE_SIZE } from "../../mod.ts";
import { formatZramctl, SysfsError, SysfsInterface } from "../sysfs/mod.ts";
import { integerOption, parseOptions, stringOption } from "./args.ts";
import { jsonNumber } from "./json.ts";
import { readPagesFile } from "./pages-file.ts";
import { readServer } from "./stat.ts";
import { UsageError } from "./usage-error.ts";
import { syntheticWorkload } from "./workload.ts";

export const ZRAMCTL_HELP = `Usage: trueno-zram zramctl [options]

Configures an emulated zram device, writes pages into it and prints it like util-linux zramctl.

Options:
  --input FILE          store the pages of FILE (whole 4096-byte pages); default: the built-in
                        synthetic workload (see 'trueno-zram bench --help')
  --pages N             pages of the built-in workload (default 4096 = 16 MiB)
  --algorithm NAME      comp_algorithm of the device (default lz4)
  --disksize SIZE       disksize, with the kernel's suffixes (K, M, G); default: the pages' size
  --name NAME           device name printed (default /dev/zram0)
  --socket PATH         instead: print the devices a running 'trueno-zram serve' exports
                        (its data or control socket)
  --json                print the device(s) as JSON instead: a list of rows with name, algorithm,
                        disksize and the mm_stat fields
  -h, --help            print this help
`;

const SPEC = {
  input: "string",
  pages: "string",
  algorithm: "string",
  disksize: "string",
  name: "string",
  socket: "string",
  json: "boolean",
  help: "boolean",
} as const;

/** Applies one attribute; a value the emulated kernel refuses is the user's bad argument. */
function configure(sys: SysfsInterface, attr: string, value: string): void {
  try {
    sys.writeAttr(attr, value);
  } catch (e) {
    if (e instanceof SysfsError) throw new UsageError(`${attr} '${value}' refused: ${e.message}`);
    throw e;
  }
}

export function runZramctl(argv: readonly string[]): number | Promise<number> {
  const opts = parseOptions(argv, SPEC, "zramctl");
  if (opts.has("help")) {
    process.stdout.write(ZRAMCTL_HELP);
    return 0;
  }
  if (opts.has("socket")) return printServed(stringOption(opts.get("socket")), opts.has("json"));
  const input = stringOption(opts.get("input"));
  if (input !== undefined && opts.has("pages")) {
    throw new UsageError("--pages applies to the built-in workload only; --input takes every page of FILE");
  }
  const nPages = integerOption(opts.get("pages"), "pages", 1, 262144, 4096);
  const name = stringOption(opts.get("name")) ?? "/dev/zram0";
  if (!/^[A-Za-z0-9_/.-]{1,64}$/.test(name)) throw new UsageError(`--name '${name}': letters, digits and _ - . / only`);
  const pages = input === undefined ? syntheticWorkload(nPages) : readPagesFile(input);
  const count = pages.length / PAGE_SIZE;

  const sys = new SysfsInterface();
  const algorithm = stringOption(opts.get("algorithm")) ?? "lz4";
  configure(sys, "comp_algorithm", algorithm);
  configure(sys, "disksize", stringOption(opts.get("disksize")) ?? String(pages.length));
  const capacity = Number(sys.readAttr("disksize").trim()) / PAGE_SIZE;
  if (count > capacity) throw new UsageError(`${count} pages do not fit a disksize of ${capacity} pages`);
  for (let i = 0; i < count; i++) sys.writePage(i, pages.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE));
  if (!opts.has("json")) {
    process.stdout.write(formatZramctl(sys, name));
    return 0;
  }
  const rows = [{ name, algorithm, disksize: Number(sys.readAttr("disksize")), ...sys.mmStat() }];
  process.stdout.write(JSON.stringify(rows, jsonNumber, 2) + "\n");
  return 0;
}

/** The zramctl rows of a running server's exports. */
async function printServed(socket: string | undefined, json: boolean): Promise<number> {
  const doc = await readServer(socket, "zramctl");
  if (json) {
    const rows = doc.exports.map((e) => ({ name: e.name, algorithm: e.algorithm, disksize: e.size, ...e.mmStat }));
    process.stdout.write(JSON.stringify(rows, jsonNumber, 2) + "\n");
  } else {
    process.stdout.write(doc.exports.map((e) => e.zramctl).join("\n"));
  }
  return 0;
}
