#!/usr/bin/env bash
# The libFuzzer targets of tests/fuzz, built with Debian's clang under ASan + UBSan
# (-fsanitize=fuzzer,address,undefined), each checking an oracle (liblz4 / libzstd, the single-page
# decoder, the CPU path for the GPU step). See README "Fuzzing".
#   scripts/fuzz.sh                      every target for a short fixed budget (15 s each); the test suite
#   scripts/fuzz.sh --budget S [TARGET..] S seconds per target (e.g. --budget 14400 for 4 hours)
#   scripts/fuzz.sh --long [TARGET..]    4 hours per target, random seed, keeping what it learns in
#                                        .cache/fuzz/work between runs
# Before fuzzing, every file under tests/fuzz/regressions/<target>/ (past findings) is replayed.
# Prints one line per target and `fuzz: N passed, N failed`; exits non-zero on any finding, which is
# left in .cache/fuzz/findings/<target>/ (add it to tests/fuzz/regressions/<target>/ once fixed).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

budget=15
seed=1
keep=0
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --budget) budget=$2; shift 2 ;;
    --long) budget=14400; seed=0; keep=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
all=$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
[ ${#targets[@]} -eq 0 ] && read -r -a targets <<< "$(echo $all)"

out=.cache/fuzz
build=$out/build
mkdir -p "$build/obj"
flags=(-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all -Icsrc/include -Icsrc/internal)
lib_sanitize=-fsanitize=fuzzer-no-link,address,undefined
link_libs=(-llz4 -lzstd -lpthread -lm)

# The library's C sources (not the CUDA kernels) instrumented once; rebuilt when any source, header,
# fuzz file or this script changes.
sources=$(find csrc -name '*.c' -not -path 'csrc/cuda/*' | sort)
stamp=$( { cat $(find csrc tests/fuzz tests/native/support -type f | sort) "$0"; clang --version; } | sha256sum | cut -c1-16)
if [ "$(cat "$build/stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "fuzz: building the library and targets with clang ($lib_sanitize)"
  rm -f "$build"/obj/*.o
  if ! echo "$sources" | xargs -P "$(nproc)" -I{} sh -c \
      'clang "$@" -c {} -o "'"$build"'/obj/$(echo {} | tr / _).o"' _ "${flags[@]}" "$lib_sanitize"; then
    echo "fuzz: the library does not build"; echo "fuzz: 0 passed, 1 failed"; exit 1
  fi
  for t in $all; do
    clang "${flags[@]}" -fsanitize=fuzzer,address,undefined "tests/fuzz/$t.c" "$build"/obj/*.o "${link_libs[@]}" \
      -o "$build/$t" || { echo "fuzz: $t does not build"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
  done
  clang "${flags[@]}" -O2 tests/fuzz/make_seeds.c tests/native/support/corpus.c "${link_libs[@]}" -o "$build/make_seeds" ||
    { echo "fuzz: make_seeds does not build"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
  rm -rf "$out/seeds"
  echo "$stamp" > "$build/stamp"
fi
if [ ! -d "$out/seeds" ]; then
  mkdir -p "$out/seeds.tmp" && "$build/make_seeds" ../shared/corpus "$out/seeds.tmp" && mv "$out/seeds.tmp" "$out/seeds" ||
    { echo "fuzz: seed generation failed"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
pass=0
fail=0
for t in "${targets[@]}"; do
  bin=$build/$t
  if [ ! -x "$bin" ]; then
    echo "$t: FAILED, no such target (known: $(echo $all))"; fail=$((fail + 1)); continue
  fi
  log=$out/logs/$t.log
  findings=$out/findings/$t
  work=$out/work/$t
  mkdir -p "$out/logs" "$findings" "$out/seeds/$t"
  [ "$keep" -eq 1 ] || rm -rf "$work"
  mkdir -p "$work"
  regressions=tests/fuzz/regressions/$t
  if [ -d "$regressions" ] && ! timeout 300 "$bin" -runs=1 "$regressions"/* > "$log" 2>&1; then
    echo "$t: FAILED, a regression input fails again (see $log)"; fail=$((fail + 1)); continue
  fi
  timeout $((budget + 120)) "$bin" -max_total_time="$budget" -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
    -max_len=20000 -artifact_prefix="$findings/" "$work" "$out/seeds/$t" > "$log" 2>&1
  rc=$?
  runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | cut -d' ' -f2)
  if [ "$rc" -eq 0 ]; then
    echo "$t: ok, ${runs:-?} inputs in ${budget} s"; pass=$((pass + 1))
  else
    echo "$t: FAILED (exit $rc), finding in $findings/:"
    grep -E 'ERROR|fuzz oracle failed|runtime error|SUMMARY' "$log" | head -5
    fail=$((fail + 1))
  fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
