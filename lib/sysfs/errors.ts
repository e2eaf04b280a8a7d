/** The errno names a zram attribute write (or a device I/O) can fail with, as Linux reports them. */
export type SysfsErrno =
  | "EINVAL"
  | "EBUSY"
  | "EACCES"
  | "E2BIG"
  | "ERANGE"
  | "ENOENT"
  | "ENOSPC"
  | "EIO"
  | "ENOMEM"
  // writeback and backing_dev (CONFIG_ZRAM_WRITEBACK): the system's answers to opening the file
  | "ENODEV"
  | "ENOTBLK"
  | "EISDIR"
  | "ENOTDIR"
  | "EPERM"
  | "ENXIO"
  | "EFBIG"
  | "EROFS"
  | "ENAMETOOLONG"
  | "ELOOP";

/** A failed attribute read or write: `errno` is what the kernel would have returned. */
export class SysfsError extends Error {
  /** The errno the kernel would have returned. */
  readonly errno: SysfsErrno;

  /** An error of `errno`; the message reads `errno: message`. */
  constructor(errno: SysfsErrno, message: string) {
    super(`${errno}: ${message}`);
    this.name = "SysfsError";
    this.errno = errno;
  }
}
