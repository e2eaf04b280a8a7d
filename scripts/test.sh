#!/usr/bin/env bash
# THE test command (README): set-up, build, then every suite: native (plain and under ASan + UBSan),
# Bun and Deno. Prints one line per suite and a final `N passed, N failed` summing them all; exits
# non-zero if any test failed or any suite did not report.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh || { echo "set-up failed"; echo "0 passed, 1 failed"; exit 1; }
bash scripts/build.sh || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

logs=$(mktemp -d)
total_pass=0
total_fail=0
broken=0

# Adds one suite's counts; a suite whose counts cannot be read, or that exited non-zero with no
# failures reported, counts as one failure so that it cannot pass silently.
record() {
  local name=$1 rc=$2 pass=$3 fail=$4
  if [ -z "$pass" ] || [ -z "$fail" ]; then
    echo "$name: no test counts found (exit $rc); see output above"
    pass=0; fail=1; broken=1
  elif [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
    echo "$name: exited $rc with no failed test reported"
    fail=1; broken=1
  fi
  echo "$name: $pass passed, $fail failed"
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
}

# Native runners each print `<name>: N passed, N failed`; sum them.
native_counts() {
  awk '/^[A-Za-z0-9 _-]+: [0-9]+ passed, [0-9]+ failed$/ { split($0, a, ": "); split(a[2], b, " "); p += b[1]; f += b[3]; n++ }
       END { if (n) print p, f }' "$1"
}

run_native() {
  local name=$1 step=$2; shift 2
  echo "== $name: scripts/zig build $step $*"
  scripts/zig build "$step" --summary none "$@" 2>&1 | tee "$logs/$name.log"
  local rc=${PIPESTATUS[0]}
  read -r pass fail < <(native_counts "$logs/$name.log"; echo)
  record "$name" "$rc" "${pass:-}" "${fail:-}"
}

run_native zig-test test
run_native zig-test-sanitized test -Dsanitize=true
# The npm packages' release libraries (build/release.zig): x86-64 natively, arm64 under qemu-user.
run_native zig-test-release test-release

# Every libFuzzer target for a short fixed budget (scripts/fuzz.sh): one test per target.
echo "== fuzz: scripts/fuzz.sh"
bash scripts/fuzz.sh 2>&1 | tee "$logs/fuzz.log"
rc=${PIPESTATUS[0]}
read -r pass fail < <(native_counts "$logs/fuzz.log"; echo)
record fuzz "$rc" "${pass:-}" "${fail:-}"

echo "== bun: bun test tests/"
node_modules/.bin/bun test tests/ 2>&1 | tee "$logs/bun.log"
rc=${PIPESTATUS[0]}
record bun "$rc" "$(sed -n 's/^ *\([0-9]\+\) pass$/\1/p' "$logs/bun.log" | tail -1)" \
  "$(sed -n 's/^ *\([0-9]\+\) fail$/\1/p' "$logs/bun.log" | tail -1)"

echo "== deno: deno test -A tests/"
NO_COLOR=1 node_modules/.bin/deno test -A tests/ 2>&1 | tee "$logs/deno.log"
rc=${PIPESTATUS[0]}
summary=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$logs/deno.log" | tail -1)
record deno "$rc" "$(echo "$summary" | sed -n 's/.*| \([0-9]\+\) passed.*/\1/p')" \
  "$(echo "$summary" | sed -n 's/.*| \([0-9]\+\) failed.*/\1/p')"

rm -rf "$logs"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$broken" -eq 0 ]
