/**
 * JSON.stringify's replacer for CLI output: JSON has no Infinity or NaN (a set of only same-filled pages
 * stores 0 bytes), they become null; a bigint (zram's mem_limit) becomes a number when it is exact as one.
 */
export function jsonNumber(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : String(value);
  return typeof value === "number" && !Number.isFinite(value) ? null : value;
}
