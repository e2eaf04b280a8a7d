#!/usr/bin/env bash
# Builds the standalone trueno-zram executable with `bun build --compile`: one file that carries the
# release library of this machine's platform (zig-out/release/<platform>, liblz4/libzstd linked in, glibc
# 2.17+) inside it, so it runs with nothing beside it. TRUENO_ZRAM_LIB still overrides the embedded copy.
#   bash scripts/compile-exe.sh [OUT_DIR]        default OUT_DIR: dist
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out_dir=${1:-dist}

case "$(uname -m)" in
  x86_64) platform=linux-x64-gnu ;;
  aarch64) platform=linux-arm64-gnu ;;
  *) echo "compile-exe: no release library for $(uname -m)" >&2; exit 1 ;;
esac

# Only the library build: set-up (scripts/setup.sh) is the README commands' job, and this script runs
# inside the test suite, where it must not install anything.
scripts/zig build release
library="$root/zig-out/release/$platform/libtrueno_zram.so"

# The entry imports the library as a file, which is what makes the compiler embed it (the same
# useEmbeddedLibrary a user's app calls: docs/INSTALL.md).
entry_dir="$root/.cache/compile-exe"
mkdir -p "$entry_dir" "$out_dir"
cat >"$entry_dir/entry.ts" <<ENTRY
import process from "node:process";
import library from "$library" with { type: "file" };
import { useEmbeddedLibrary } from "$root/mod.ts";
import { main } from "$root/lib/cli/main.ts";

useEmbeddedLibrary(library);
process.exitCode = await main(process.argv.slice(2));
ENTRY
node_modules/.bin/bun build --compile "$entry_dir/entry.ts" --outfile "$out_dir/trueno-zram"
echo "built $out_dir/trueno-zram (with the $platform library inside)"
