#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every test: install, build, run the suite, then build and run it again under
# AddressSanitizer + UndefinedBehaviorSanitizer. Prints "N passed, M failed" at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 2

summary() { # testlog.json -> "passed failed"
  /usr/bin/python3 - "$1" <<'PY'
import json, sys
ok = bad = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["result"] in ("OK", "EXPECTEDFAIL"):
        ok += 1
    else:
        bad += 1
print(ok, bad)
PY
}

status=0
passed=0
failed=0
run_suite() { # DIR
  meson test -C "$1" --print-errorlogs --num-processes 2 || status=1
  read -r p f < <(summary "$1/meson-logs/testlog.json")
  passed=$((passed + p))
  failed=$((failed + f))
}

bash scripts/build.sh build -Dwerror=true || exit 1
run_suite build

# The sanitizer pass: the same tests with ASan + UBSan (fewer oracle cases, same checks).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
bash scripts/build.sh build-sanitize -Dwerror=true -Db_sanitize=address,undefined \
  -Db_lundef=false -Dbuildtype=debug -Doracle_cases=600 || exit 1
run_suite build-sanitize

echo "${passed} passed, ${failed} failed"
exit $status
