#!/usr/bin/env bash
# Installs, builds and runs the whole test suite: the release build's ctest, then all of it
# again in the AddressSanitizer + UBSan build (crawler, catalog, decoders on bad input).
# Ends with a line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export SHOEBOX_CORPUS="${SHOEBOX_CORPUS:-$(cd .. && pwd)/shared/corpus}"

scripts/build.sh release || { echo "0 passed, 1 failed"; exit 1; }
scripts/build.sh asan || { echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0
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
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
