#!/usr/bin/env bash
# Builds every npm package tarball into DIST/packages/ (DIST: the argument, default dist):
#   trueno-zram-<version>.tgz                      compiled JavaScript + .d.ts, README, LICENSE, docs
#   trueno-zram-linux-x64-gnu-<version>.tgz        @trueno-zram/linux-x64-gnu: the prebuilt library
#   trueno-zram-linux-arm64-gnu-<version>.tgz      @trueno-zram/linux-arm64-gnu
# and checks each against its file list and size budget (scripts/pack/stage.ts).
#   bash scripts/pack.sh [DIST]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dist=$(realpath -m "${1:-dist}")

# The release libraries: cross-compiled, codecs linked statically, oldest glibc (build/release.zig).
scripts/zig build release
rm -rf "$dist/stage" "$dist/packages"
node_modules/.bin/tsc -p scripts/pack/tsconfig.json --outDir "$dist/stage/trueno-zram"
node_modules/.bin/bun scripts/pack/stage.ts "$dist"
