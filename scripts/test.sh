#!/usr/bin/env bash
# Installs, builds and runs the whole test suite: the release build's ctest, then all of it
# again in the AddressSanitizer + UBSan build (crawler, catalog, decoders on bad input).
# Ends with a line "N passed, N failed".
#
# scripts/test.sh --quick: the loop for working on the code (about 2-3 minutes once built):
# the release build of the binary and the three test programs, the unit, e2e and desktop-app
# tests except the slowest (the shared semantic index, the HNSW recall sweep, the SIGKILL loop,
# the package and the Xvfb screenshot);
# no ASan, no browser, no fuzzing. CI runs the full suite.
set -uo pipefail
cd "$(dirname "$0")/.."
export SHOEBOX_CORPUS="${SHOEBOX_CORPUS:-$(cd .. && pwd)/shared/corpus}"

if [ "${1:-}" = --quick ]; then
  scripts/check_layers.sh || { echo "0 passed, 1 failed"; exit 1; }
  scripts/build.sh release shoebox shoebox_unit_tests shoebox_e2e_tests shoebox_app_tests || { echo "0 passed, 1 failed"; exit 1; }
  log="$(mktemp)"
  ctest --test-dir build/release --output-on-failure -j "$(nproc)" -L 'unit|e2e|app' \
    -E '^(SemanticIndex|HnswIndex\.RecallOnClusteredVectorsAndSaveLoad|CrashSafety\.RandomSigkills.*|Package\..*|AppOnX11\..*)$' 2>&1 | tee "$log"
  line="$(grep -E 'tests passed, [0-9]+ tests? failed out of' "$log" | tail -1)"
  rm -f "$log"
  [ -n "$line" ] || { echo "0 passed, 1 failed"; exit 1; }
  bad="$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')"
  total="$(echo "$line" | sed -E 's/.* failed out of ([0-9]+).*/\1/')"
  echo; echo "$((total - bad)) passed, $bad failed (quick)"
  [ "$bad" -eq 0 ]; exit
fi

scripts/build.sh release || { echo "0 passed, 1 failed"; exit 1; }
scripts/build.sh asan || { echo "0 passed, 1 failed"; exit 1; }
scripts/build.sh fuzz || { echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0
# The C++ sources follow .clang-format (clang-format 14, Debian 12's): one check for the tree.
if git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror > /tmp/shoebox-format.log 2>&1; then
  echo "format: every source follows .clang-format"; passed=$((passed + 1))
else
  echo "format: FAILED (run: git ls-files '*.cc' '*.h' | xargs clang-format -i)"
  grep -E '^[^ ].*: (error|warning):' /tmp/shoebox-format.log | cut -d: -f1 | sort -u | head -20
  failed=$((failed + 1))
fi
# Modules include only the modules below them (docs/architecture.md).
if scripts/check_layers.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
run_ctest() {  # $1 = build dir, $2... extra ctest args
  local dir="$1"; shift
  local log; log="$(mktemp)"
  ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" "$@" 2>&1 | tee "$log"
  # "100% tests passed, 0 tests failed out of 12"
  local line; line="$(grep -E 'tests passed, [0-9]+ tests? failed out of' "$log" | tail -1)"
  if [ -z "$line" ]; then failed=$((failed + 1)); rm -f "$log"; return; fi
  local total bad
  bad="$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')"
  total="$(echo "$line" | sed -E 's/.* failed out of ([0-9]+).*/\1/')"
  passed=$((passed + total - bad)); failed=$((failed + bad))
  rm -f "$log"
}
run_ctest build/release
run_ctest build/asan

# Each fuzz target runs for FUZZ_SECONDS (default 30) from its seed corpus; any crash or
# sanitizer report fails it. Inputs it finds go to a scratch copy, not the repository.
for target in build/fuzz/*_fuzz; do
  name="$(basename "$target" _fuzz)"
  work="$(mktemp -d)"
  cp fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
  if "$target" -max_total_time="${FUZZ_SECONDS:-30}" -max_len=65536 "$work" > "$work.log" 2>&1; then
    echo "fuzz $name: $(grep -Eo 'Done [0-9]+ runs' "$work.log"), no findings"
    passed=$((passed + 1))
  else
    echo "fuzz $name: FAILED"; tail -40 "$work.log"
    failed=$((failed + 1))
  fi
  rm -rf "$work" "$work.log"
done
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
