#!/usr/bin/env python3
"""Runs a list of operations on the real /dev/zram0 and prints, per operation, its outcome and the
device's mm_stat and io_stat after it (JSON). Used by tests/zram_differential.test.ts, which holds the
zram0 lock while this runs. Page writes are single 4 KiB O_DIRECT writes (one bio each), discards are
BLKDISCARD ioctls; the device is always reset at the end.

usage: zram_kernel.py OPS_JSON PAGES_FILE
  OPS_JSON: [["attr", name, value] | ["page", index, src] | ["discard", first, count]
             | ["read", first, count] | ["state"], ...]; src is a page number in PAGES_FILE.
"""
import errno
import fcntl
import hashlib
import json
import mmap
import os
import struct
import sys

SYS = "/sys/block/zram0"
DEV = "/dev/zram0"
PAGE = 4096
BLKDISCARD = 0x1277


def errno_name(e):
    return errno.errorcode.get(e.errno, str(e))


def read_attr(name):
    with open(f"{SYS}/{name}", "rb") as f:
        return f.read().decode("latin1")


def write_attr(name, value):
    fd = os.open(f"{SYS}/{name}", os.O_WRONLY)
    try:
        return os.write(fd, value.encode("latin1"))
    except OSError as e:
        return errno_name(e)
    finally:
        os.close(fd)


def main():
    ops = json.load(open(sys.argv[1]))
    pages = open(sys.argv[2], "rb").read()
    buf = mmap.mmap(-1, 1 << 20)  # page-aligned, as O_DIRECT needs
    results = []
    dev = None
    try:
        for op in ops:
            kind = op[0]
            if kind == "attr":
                if op[1] == "reset" and dev is not None:
                    os.close(dev)
                    dev = None
                result = write_attr(op[1], op[2])
            elif kind == "page" or kind == "discard" or kind == "read":
                if dev is None:
                    dev = os.open(DEV, os.O_RDWR | os.O_DIRECT)
                try:
                    if kind == "page":
                        buf[0:PAGE] = pages[op[2] * PAGE:(op[2] + 1) * PAGE]
                        os.pwritev(dev, [memoryview(buf)[0:PAGE]], op[1] * PAGE)
                        result = "ok"
                    elif kind == "discard":
                        fcntl.ioctl(dev, BLKDISCARD, struct.pack("QQ", op[1] * PAGE, op[2] * PAGE))
                        result = "ok"
                    else:
                        view = memoryview(buf)[0:op[2] * PAGE]
                        got = os.preadv(dev, [view], op[1] * PAGE)
                        result = hashlib.sha256(bytes(view[0:got])).hexdigest()
                except OSError as e:
                    result = errno_name(e)
            else:
                result = "ok"
            results.append({"r": result, "mm": read_attr("mm_stat"), "io": read_attr("io_stat")})
    finally:
        if dev is not None:
            os.close(dev)
        write_attr("reset", "1")
    json.dump(results, sys.stdout)


main()
