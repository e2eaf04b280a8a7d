// The sysfs parsers driven with seeded random strings (the TypeScript side of issue 14's fuzzing; the
// native decoders have libFuzzer targets in tests/fuzz). Each input is checked against an oracle:
// kstrtoull against a regular expression and BigInt, memparse against its grammar, and every writable
// attribute of SysfsInterface answers with the bytes accepted or a SysfsError, never anything else.
import { kstrtoull } from "../lib/sysfs/kstrto.ts";
import { memparse } from "../lib/sysfs/memparse.ts";
import { SysfsError } from "../lib/sysfs/errors.ts";
import { SysfsInterface } from "../lib/sysfs/mod.ts";
import { expect, test } from "./harness.ts";

const U64_LIMIT = 1n << 64n;
const INPUTS = 4000;

/** xorshift32: the same inputs on every run and runtime, so a failure names a reproducible input. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** Pieces the parsers react to, so random strings reach every branch. */
const PIECES = [
  "0",
  "1",
  "7",
  "8",
  "9",
  "f",
  "F",
  "x",
  "X",
  "0x",
  "+",
  "-",
  "\n",
  " ",
  "\t",
  "k",
  "K",
  "m",
  "G",
  "t",
  "P",
  "e",
  "=",
  ",",
  "lz4",
  "lz4hc",
  "zstd",
  "level",
  "priority",
  "algo",
  "all",
  "\u00e9",
  "18446744073709551615",
  "18446744073709551616",
  "99999999999999999999999",
];

function randomInput(next: () => number): string {
  let s = "";
  const pieces = next() % 8;
  for (let i = 0; i < pieces; i++) s += PIECES[next() % PIECES.length];
  return s;
}

function errnoOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!(e instanceof SysfsError)) throw e;
    return e.errno;
  }
}

/** The kernel's leading number (_parse_integer_fixup_radix + _parse_integer) as text and value. */
function leadingNumber(s: string, base: 0 | 10): { text: string; value: bigint } {
  const pattern = base === 10 ? /^[0-9]*/ : /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)?/;
  const text = pattern.exec(s)![0] ?? "";
  if (text === "") return { text, value: 0n };
  const octal = base === 0 && text[0] === "0" && !/^0[xX]/.test(text);
  return { text, value: BigInt(octal ? "0o" + text : text) };
}

test("sysfs fuzz: kstrtoull base 10 and base 0 agree with a regular expression and BigInt", () => {
  const next = generator(14);
  for (let i = 0; i < INPUTS; i++) {
    const s = randomInput(next);
    const body = s.startsWith("+") ? s.slice(1) : s;
    for (const base of [10, 0] as const) {
      const { text, value } = leadingNumber(body, base);
      const rest = body.slice(text.length);
      const context = `${JSON.stringify(s)} base ${base}`;
      // _kstrtoull's order: no digits, then overflow, then anything but one newline after them.
      if (text === "") expect(errnoOf(() => kstrtoull(s, base)), context).toBe("EINVAL");
      else if (value >= U64_LIMIT) expect(errnoOf(() => kstrtoull(s, base)), context).toBe("ERANGE");
      else if (rest !== "" && rest !== "\n") expect(errnoOf(() => kstrtoull(s, base)), context).toBe("EINVAL");
      else expect(kstrtoull(s, base), context).toBe(value);
    }
  }
});

test("sysfs fuzz: memparse reads a number and one suffix, ignoring the rest, modulo 2^64", () => {
  const next = generator(41);
  const shifts: Record<string, bigint> = { k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n };
  for (let i = 0; i < INPUTS; i++) {
    const s = randomInput(next);
    const number = leadingNumber(s, 0);
    let value = number.value % U64_LIMIT;
    let consumed = number.text.length;
    const shift = shifts[(s[consumed] ?? "").toLowerCase()];
    if (shift !== undefined) {
      value = (value << shift) % U64_LIMIT;
      consumed++;
    }
    const got = memparse(s);
    expect(got.value, JSON.stringify(s)).toBe(value);
    expect(got.consumed, JSON.stringify(s)).toBe(consumed);
  }
});

test("sysfs fuzz: every writable attribute answers random text with the bytes accepted or a SysfsError", () => {
  const next = generator(7);
  // disksize gets small sizes only: a random size would make the emulation allocate the device.
  const writable = ["reset", "comp_algorithm", "algorithm_params", "mem_limit", "mem_used_max", "compact", "idle"];
  const readable = ["disksize", "initstate", "comp_algorithm", "mm_stat", "io_stat", "debug_stat", "stat", "size"];
  const sys = new SysfsInterface({ threads: 1 });
  try {
    for (let i = 0; i < INPUTS / 4; i++) {
      if (i % 100 === 0) errnoOf(() => sys.writeAttr("disksize", `${1 + (next() % 4)}M`));
      const name = writable[next() % writable.length]!;
      const s = randomInput(next);
      const context = `${name} <- ${JSON.stringify(s)}`;
      // errnoOf rethrows anything that is not a SysfsError: the finding this test looks for.
      errnoOf(() => expect(sys.writeAttr(name, s), context).toBe(new TextEncoder().encode(s).length));
      for (const attribute of readable) expect(typeof sys.readAttr(attribute), attribute).toBe("string");
    }
  } finally {
    errnoOf(() => sys.writeAttr("reset", "1"));
  }
});
