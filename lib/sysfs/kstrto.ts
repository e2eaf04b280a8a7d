// The kernel's integer parsers (lib/kstrtox.c, lib/vsprintf.c), on JS strings, with u64 wrap-around
// kept exact through BigInt. Only what zram's attributes use.
import { SysfsError } from "./errors.ts";

const U64_MASK = (1n << 64n) - 1n;

function digitValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return 99;
}

function isXdigit(ch: string | undefined): boolean {
  return ch !== undefined && digitValue(ch) < 16;
}

/** _parse_integer_fixup_radix: base 0 picks 16 for "0x" + hex digit, 8 for a leading 0, else 10. */
export function fixupRadix(s: string, base: number): { rest: string; base: number } {
  if (base === 0) {
    if (s[0] === "0") {
      if ((s[1] === "x" || s[1] === "X") && isXdigit(s[2])) return { rest: s.slice(2), base: 16 };
      return { rest: s, base: 8 };
    }
    return { rest: s, base: 10 };
  }
  if (base === 16 && s[0] === "0" && (s[1] === "x" || s[1] === "X")) return { rest: s.slice(2), base };
  return { rest: s, base };
}

/** _parse_integer: the digits at the start of `s`; the value wraps modulo 2^64 like the C code. */
export function parseDigits(
  s: string,
  base: number,
): { value: bigint; consumed: number; overflow: boolean } {
  let value = 0n;
  let consumed = 0;
  let overflow = false;
  const b = BigInt(base);
  while (consumed < s.length) {
    const d = digitValue(s[consumed]!);
    if (d >= base) break;
    const next = value * b + BigInt(d);
    if (next > U64_MASK) overflow = true;
    value = next & U64_MASK;
    consumed++;
  }
  return { value, consumed, overflow };
}

/** simple_strtoull(s, &end, base): no sign, no whitespace skipping, never fails. */
export function simpleStrtoull(s: string, base: number): { value: bigint; end: number } {
  const fixed = fixupRadix(s, base);
  const skipped = s.length - fixed.rest.length;
  const { value, consumed } = parseDigits(fixed.rest, fixed.base);
  return { value, end: skipped + consumed };
}

/** _kstrtoull: digits, then at most one "\n", then the end; -EINVAL / -ERANGE otherwise. */
function kstrtoullStrict(s: string, base: number): bigint {
  const fixed = fixupRadix(s, base);
  const { value, consumed, overflow } = parseDigits(fixed.rest, fixed.base);
  if (consumed === 0) throw new SysfsError("EINVAL", `no digits in ${JSON.stringify(s)}`);
  if (overflow) throw new SysfsError("ERANGE", `${JSON.stringify(s)} does not fit 64 bits`);
  let rest = fixed.rest.slice(consumed);
  if (rest[0] === "\n") rest = rest.slice(1);
  if (rest.length > 0) throw new SysfsError("EINVAL", `trailing characters in ${JSON.stringify(s)}`);
  return value;
}

/** kstrtoull: an optional leading "+", then _kstrtoull. */
export function kstrtoull(s: string, base: number): bigint {
  return kstrtoullStrict(s[0] === "+" ? s.slice(1) : s, base);
}

/** kstrtou16: kstrtoull, then ERANGE above 65535. */
export function kstrtou16(s: string, base: number): number {
  const value = kstrtoull(s, base);
  if (value > 0xffffn) throw new SysfsError("ERANGE", `${JSON.stringify(s)} does not fit 16 bits`);
  return Number(value);
}

/** kstrtoint: an optional sign, then ERANGE outside the int32 range. */
export function kstrtoint(s: string, base: number): number {
  let value: bigint;
  if (s[0] === "-") value = -kstrtoullStrict(s.slice(1), base);
  else value = kstrtoull(s, base);
  if (value < -0x80000000n || value > 0x7fffffffn) {
    throw new SysfsError("ERANGE", `${JSON.stringify(s)} does not fit 32 bits`);
  }
  return Number(value);
}
