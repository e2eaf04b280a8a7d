// The errno a sysfs call failed with, or "ok": how the sysfs tests state expected errors.
import { SysfsError } from "../lib/sysfs/errors.ts";

export function errnoOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SysfsError) return e.errno;
    throw e;
  }
  return "ok";
}
