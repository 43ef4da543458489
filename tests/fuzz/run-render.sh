#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the render fuzzer (docs/fuzzing.md):
#   run-render.sh [BUILD] [SECONDS] [OUT] [LIBFUZZER FLAG or more SEED DIRECTORIES...]
# One job at low priority, going on after a crash, a timeout or an out-of-memory (fork mode);
# findings land in OUT/artifacts, the grown corpus in OUT/corpus. Leak detection is off:
# look for leaks afterwards by replaying the corpus (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-fuzz}
seconds=${2:-600}
out=${3:-/tmp/fuzz-render}
shift $(($# < 3 ? $# : 3))
mkdir -p "$out/corpus" "$out/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec nice -n 10 "$build/tests/fuzz/fuzz-render" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
	-ignore_ooms=1 -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
	-malloc_limit_mb=1024 -max_len=131072 -dict=tests/fuzz/json.dict \
	-artifact_prefix="$out/artifacts/" "$out/corpus" "$@" tests/fuzz/corpus-render/hostile \
	tests/fuzz/corpus-render/examples tests/fuzz/corpus-render/findings tests/fuzz/corpus \
	pipelines/examples
