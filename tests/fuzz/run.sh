#!/bin/sh
# Builds the libFuzzer target for the scenario loader and runs it.
#   tests/fuzz/run.sh SECONDS [BUILD_DIR]
# SECONDS: how long to fuzz (make test: a short run; make fuzz: longer).
# BUILD_DIR: where the binary and the working corpus go (default
# build-fuzz at the top of the tree).  The seed corpus (tests/fuzz/corpus:
# the shipped scenarios and a few malformed ones) is read, never written.
# FUZZ_SEED: libFuzzer's seed (0, the default, draws one; `make test` fixes
# it so that CI's short run is repeatable).
# Exit status: 0 when no crash, hang (10 s per input) or leak was found;
# otherwise libFuzzer's, with the reproducer in BUILD_DIR.
set -eu
SECONDS_="${1:?usage: tests/fuzz/run.sh SECONDS [BUILD_DIR]}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${2:-$ROOT/build-fuzz}"
CC="${FUZZ_CC:-clang}"
mkdir -p "$BUILD/corpus"
PKGS="gsl proj libfyaml jansson cairo"
CFLAGS="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
-fno-omit-frame-pointer -fopenmp -ffp-contract=off -D_POSIX_C_SOURCE=200809L \
-DTS_SOURCE_DIR=\"$ROOT\" -DTS_VERSION=\"fuzz\" -I$ROOT/include -I$ROOT/src \
$(pkg-config --cflags $PKGS)"
BIN="$BUILD/fuzz_scenario"
# rebuild when a source is newer than the binary
if [ ! -x "$BIN" ] || [ -n "$(find "$ROOT/src" "$ROOT/include" "$ROOT/tests/fuzz" \
        -name '*.[ch]' -newer "$BIN" 2>/dev/null | head -n 1)" ]; then
    echo "fuzz: building $BIN"
    # shellcheck disable=SC2086
    $CC $CFLAGS -o "$BIN" "$ROOT"/src/*.c "$ROOT"/src/output/*.c \
        "$ROOT/tests/fuzz/fuzz_scenario.c" $(pkg-config --libs $PKGS) -lm
fi
export THIRDSITE_DATA="$ROOT/data"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$BUILD"
echo "fuzz: $SECONDS_ s on the scenario loader"
# libFuzzer's running commentary goes to fuzz.log; the summary, or the
# log's tail on a failure, to the terminal.
status=0
"$BIN" -max_total_time="$SECONDS_" -seed="${FUZZ_SEED:-0}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -dict="$ROOT/tests/fuzz/scenario.dict" -print_final_stats=1 \
    "$BUILD/corpus" "$ROOT/tests/fuzz/corpus" > "$BUILD/fuzz.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    tail -n 60 "$BUILD/fuzz.log"
    echo "fuzz: FAILED (exit $status); full log in $BUILD/fuzz.log"
    exit "$status"
fi
grep -E '^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' \
    "$BUILD/fuzz.log" || true
echo "fuzz: no crash, hang or leak in $SECONDS_ s"
