// algorithm_params: "key=value" tokens split the way the kernel's next_arg() splits them.
import { SysfsError } from "./errors.ts";
import { kstrtoint } from "./kstrto.ts";

const isSpace = (ch: string | undefined) => ch !== undefined && " \t\n\v\f\r".includes(ch);

export function skipSpaces(s: string, at: number): number {
  while (isSpace(s[at])) at++;
  return at;
}

/** lib/cmdline.c next_arg: one token (double quotes group spaces); value null without "=". */
export function nextArg(s: string, at: number): { param: string; value: string | null; next: number } {
  let inQuote = false;
  let quoted = false;
  if (s[at] === '"') {
    at++;
    inQuote = true;
    quoted = true;
  }
  let i = at;
  let equals = 0;
  for (; i < s.length; i++) {
    if (isSpace(s[i]) && !inQuote) break;
    if (equals === 0 && s[i] === "=") equals = i - at;
    if (s[i] === '"') inQuote = !inQuote;
  }
  let token = s.slice(at, i);
  // A closing quote is cut off the token (next_arg writes a NUL over it).
  const trimQuote = () => {
    if (token.length > 0 && token[token.length - 1] === '"') token = token.slice(0, -1);
  };
  let param: string;
  let value: string | null = null;
  if (equals === 0) {
    if (quoted) trimQuote();
    param = token;
  } else {
    param = token.slice(0, equals);
    let raw = token.slice(equals + 1);
    if (raw[0] === '"') {
      raw = raw.slice(1);
      if (raw.length > 0 && raw[raw.length - 1] === '"') raw = raw.slice(0, -1);
    } else if (quoted && raw.length > 0 && raw[raw.length - 1] === '"') {
      raw = raw.slice(0, -1);
    }
    value = raw;
  }
  const next = i < s.length ? i + 1 : i;
  return { param, value, next: skipSpaces(s, next) };
}

export interface AlgorithmParams {
  /** Compression priority slot; only 0 (the primary algorithm) exists. */
  priority: number;
  /** null = not set (the backend's default). */
  level: number | null;
  /** algo=NAME: the algorithm the parameters are for, or null. */
  algo: string | null;
  /** dict=PATH, or null. */
  dict: string | null;
  deflateWinbits: number | null;
}

/** Parses an algorithm_params write; unknown keys with a value are ignored, as in the kernel. */
export function parseAlgorithmParams(input: string): AlgorithmParams {
  const params: AlgorithmParams = { priority: 0, level: null, algo: null, dict: null, deflateWinbits: null };
  let at = skipSpaces(input, 0);
  while (at < input.length) {
    const { param, value, next } = nextArg(input, at);
    at = next;
    if (value === null || value === "") throw new SysfsError("EINVAL", `"${param}" has no value`);
    switch (param) {
      case "priority":
        params.priority = kstrtoint(value, 10);
        break;
      case "level":
        params.level = kstrtoint(value, 10);
        break;
      case "algo":
        params.algo = value;
        break;
      case "dict":
        params.dict = value;
        break;
      case "deflate.winbits":
        params.deflateWinbits = kstrtoint(value, 10);
        break;
    }
  }
  return params;
}
