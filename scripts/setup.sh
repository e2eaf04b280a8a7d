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
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
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
