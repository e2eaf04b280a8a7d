// What a store() handler sees: the written bytes as a C string (cut at the first NUL), one char per byte.
import { SYSFS_WRITE_MAX } from "./attributes.ts";

export interface StoreInput {
  /** Bytes the write is answered with (sysfs cuts longer writes to one page). */
  length: number;
  /** The bytes up to the first NUL, as Latin-1 characters. */
  text: string;
}

export function storeInput(value: string | Uint8Array): StoreInput {
  const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
  const kept = bytes.subarray(0, SYSFS_WRITE_MAX);
  const nul = kept.indexOf(0);
  const visible = nul === -1 ? kept : kept.subarray(0, nul);
  let text = "";
  for (let i = 0; i < visible.length; i++) text += String.fromCharCode(visible[i]!);
  return { length: kept.length, text };
}
