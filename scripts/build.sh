#!/usr/bin/env bash
# Set-up (idempotent) and the release build of the shared library: zig-out/lib/libtrueno_zram.so.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
scripts/zig build -Doptimize=ReleaseFast "$@"
