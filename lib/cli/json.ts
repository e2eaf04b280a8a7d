/** JSON has no Infinity or NaN (a set of only same-filled pages stores 0 bytes): they become null. */
export function jsonNumber(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? null : value;
}
