/**
 * A small strict command-line parser: `--name value`, `--name=value`, boolean `--flag`, the short forms a
 * command declares (`-h` is always `--help`), and up to `positionals` plain arguments. Unknown options,
 * missing values, extra positionals and repeated options are UsageErrors.
 */
import { UsageError } from "./usage-error.ts";

export interface OptionSpec {
  /** "string" options take a value; "boolean" options take none. */
  readonly [name: string]: "string" | "boolean";
}

export interface ParseRules {
  /** Short forms: { o: "output" } makes `-o FILE` mean `--output FILE`. */
  readonly short?: Readonly<Record<string, string>>;
  /** How many plain arguments the command takes (default 0). */
  readonly positionals?: number;
}

export class ParsedOptions extends Map<string, string | true> {
  /** The plain arguments, in order. */
  readonly positionals: string[] = [];
}

export function parseOptions(
  argv: readonly string[],
  spec: OptionSpec,
  command: string,
  rules: ParseRules = {},
): ParsedOptions {
  const parsed = new ParsedOptions();
  const short: Record<string, string> = { h: "help", ...rules.short };
  for (let i = 0; i < argv.length; i++) {
    const given = argv[i]!;
    const letter = /^-[A-Za-z]$/.test(given) ? given.slice(1) : "";
    const arg = Object.hasOwn(short, letter) ? `--${short[letter]}` : given;
    if (!arg.startsWith("--") || arg === "--") {
      if (arg !== "--" && parsed.positionals.length < (rules.positionals ?? 0)) {
        parsed.positionals.push(arg);
        continue;
      }
      throw new UsageError(`${command}: unexpected argument '${arg}'`);
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new UsageError(`${command}: unknown option '--${name}'`);
    if (parsed.has(name)) throw new UsageError(`${command}: option '--${name}' given twice`);
    if (kind === "boolean") {
      if (eq >= 0) throw new UsageError(`${command}: option '--${name}' takes no value`);
      parsed.set(name, true);
      continue;
    }
    let value: string | undefined;
    const next = argv[i + 1];
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (next !== undefined && !next.startsWith("--")) value = argv[++i];
    if (value === undefined || value === "") throw new UsageError(`${command}: option '--${name}' needs a value`);
    parsed.set(name, value);
  }
  return parsed;
}

/** A whole decimal number in [min, max], or a UsageError naming the option. */
export function integerOption(
  value: string | true | undefined,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (value === true || !/^[0-9]+$/.test(value)) {
    throw new UsageError(`option '--${name}' needs a whole number, got '${String(value)}'`);
  }
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`option '--${name}' must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function stringOption(value: string | true | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}
