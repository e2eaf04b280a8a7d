#!/usr/bin/env bash
# Builds a standalone trueno-zram executable with `bun build --compile`, and copies the native library
# beside it: the executable loads libtrueno_zram.so from its own folder unless TRUENO_ZRAM_LIB is set.
# The library itself still needs the system liblz4 and libzstd (liblz4-1, libzstd1) at run time.
#   bash scripts/compile-exe.sh [OUT_DIR]        default OUT_DIR: dist
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out_dir=${1:-dist}

# Only the library build: set-up (scripts/setup.sh) is the README commands' job, and this script runs
# inside the test suite, where it must not install anything.
scripts/zig build -Doptimize=ReleaseFast
mkdir -p "$out_dir"
node_modules/.bin/bun build --compile lib/cli/main.ts --outfile "$out_dir/trueno-zram"
cp zig-out/lib/libtrueno_zram.so "$out_dir/libtrueno_zram.so"
echo "built $out_dir/trueno-zram (with $out_dir/libtrueno_zram.so beside it)"
