// The protocol's error value for a failure of the device.
import { TruenoError } from "../ffi/errors.ts";
import { Errno } from "./constants.ts";

/** A write refused by the memory limit is ENOSPC (the device is full); bad input EINVAL; else EIO. */
export function errnoOf(e: unknown): number {
  if (e instanceof TruenoError) {
    if (e.code === "OutOfMemory") return Errno.ENOSPC;
    if (e.code === "InvalidInput") return Errno.EINVAL;
  }
  return Errno.EIO;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
