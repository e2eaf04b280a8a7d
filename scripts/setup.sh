#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine: the pinned Zig, the native codec libraries and tools,
# and the npm toolchain (Bun, Deno, mitata, TypeScript, the benchmark's comparison libraries) from the
# committed lockfile. A second run with everything present only checks and returns.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

missing=()
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
command -v npm >/dev/null || missing+=(nodejs npm)
[ -f /usr/include/lz4.h ] || missing+=(liblz4-dev)
[ -f /usr/include/zstd.h ] || missing+=(libzstd-dev)
command -v lz4 >/dev/null || missing+=(lz4)
command -v zstd >/dev/null || missing+=(zstd)
# Real clients and tools the tests and benchmarks drive: NBD clients and servers, qemu's disk tools, fio,
# FUSE and filesystem tools, clang for libFuzzer, chromium for the HTML report, tmux, openssl for TLS.
command -v qemu-img >/dev/null || missing+=(qemu-utils)
command -v nbdinfo >/dev/null || missing+=(libnbd-bin)
command -v nbdkit >/dev/null || missing+=(nbdkit)
command -v fio >/dev/null || missing+=(fio)
command -v fusermount3 >/dev/null || missing+=(fuse3)
command -v mkfs.ext4 >/dev/null || missing+=(e2fsprogs)
command -v losetup >/dev/null || missing+=(mount)
command -v clang >/dev/null || missing+=(clang)
command -v chromium >/dev/null || missing+=(chromium)
command -v tmux >/dev/null || missing+=(tmux)
command -v openssl >/dev/null || missing+=(openssl)
command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user-static)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# arm64 multiarch: glibc and the static codec archives for the cross-compiled linux-arm64 library, run
# under qemu-user.
if [ ! -f /usr/lib/aarch64-linux-gnu/liblz4.a ] || [ ! -f /usr/lib/aarch64-linux-gnu/libzstd.a ] ||
   [ ! -f /lib/ld-linux-aarch64.so.1 ]; then
  echo "setup: installing arm64 multiarch libc6, liblz4-dev, libzstd-dev (apt)"
  export DEBIAN_FRONTEND=noninteractive
  dpkg --add-architecture arm64
  apt-get update -qq
  apt-get install -y -qq libc6:arm64 liblz4-dev:arm64 libzstd-dev:arm64 >/dev/null
fi

# Zig goes into a project folder (pip --target), so no system or user Python environment is touched;
# scripts/zig runs it from there.
zig_version=$(tr -d ' \n' < zig-version)
if [ "$(scripts/zig version 2>/dev/null || true)" != "$zig_version" ]; then
  echo "setup: installing Zig $zig_version (PyPI ziglang) into .cache/zig"
  rm -rf .cache/zig
  python3 -m pip install --quiet --disable-pip-version-check --target .cache/zig "ziglang==$zig_version"
fi

# Install from the committed lockfile only when it changed since the last install. `npm install` (which
# keeps to the lockfile's versions and leaves it unchanged) rather than `npm ci`: this npm 11 refuses
# `npm ci` because the lockfile it writes omits other platforms' optional Deno binaries.
stamp=node_modules/.setup-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x node_modules/.bin/bun ] || [ ! -x node_modules/.bin/deno ]; then
  echo "setup: installing npm packages from package-lock.json"
  npm install --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
