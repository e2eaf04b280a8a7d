// Linux errno numbers the backing file can fail with, by name (asm-generic/errno-base.h, errno.h).
const NAMES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  5: "EIO",
  6: "ENXIO",
  13: "EACCES",
  15: "ENOTBLK",
  16: "EBUSY",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  27: "EFBIG",
  28: "ENOSPC",
  30: "EROFS",
  36: "ENAMETOOLONG",
  40: "ELOOP",
};

/** "ENOENT" for 2, and so on; "errno N" for a number not in the table. */
export function errnoName(errno: number): string {
  return NAMES[errno] ?? `errno ${errno}`;
}
