#!/bin/sh
# Builds the libFuzzer targets and runs each of them in turn.
#   tests/fuzz/run.sh SECONDS [BUILD_DIR] [TARGET...]
# SECONDS: how long to fuzz each target (make test: a short run; make fuzz:
# longer).  BUILD_DIR: where the binaries and the working corpora go
# (default build-fuzz at the top of the tree).  TARGET: scenario, quantity,
# position, csv (default: all of them):
#   scenario  the scenario loader (tests/fuzz/fuzz_scenario.c)
#   quantity  the quantity parser ("7.2 km/s"; fuzz_quantity.c)
#   position  the position parser ("54.48N 17.11E"; fuzz_position.c)
#   csv       the propagate CSV reader (cli/cmd_propagate.c; fuzz_csv.c)
# The seed corpora (tests/fuzz/corpus for the scenario loader,
# tests/fuzz/corpus-TARGET for the others) are read, never written.
# FUZZ_SEED: libFuzzer's seed (0, the default, draws one; `make test` fixes
# it so that CI's short run is repeatable).
# Exit status: 0 when no crash, hang (10 s per input) or leak was found;
# otherwise libFuzzer's, with the reproducer in BUILD_DIR.
set -eu
SECONDS_="${1:?usage: tests/fuzz/run.sh SECONDS [BUILD_DIR] [TARGET...]}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${2:-$ROOT/build-fuzz}"
[ $# -ge 2 ] && shift 2 || shift $#
TARGETS="${*:-scenario quantity position csv}"
CC="${FUZZ_CC:-clang}"
mkdir -p "$BUILD/obj"
BUILD="$(cd "$BUILD" && pwd)"
PKGS="gsl proj libfyaml jansson cairo zlib"
CFLAGS="-std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
-fno-omit-frame-pointer -fopenmp -ffp-contract=off -D_POSIX_C_SOURCE=200809L \
-DTS_SOURCE_DIR=\"$ROOT\" -DTS_VERSION=\"fuzz\" -I$ROOT/include -I$ROOT/src -I$ROOT/cli \
$(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lm"

# The library, instrumented for coverage, compiled once into objects
# (rebuilt when a source or header is newer than its object).
newest_h="$(ls -t "$ROOT"/include/*.h "$ROOT"/src/*.h "$ROOT"/src/output/*.h | head -n 1)"
OBJS=""
for src in "$ROOT"/src/*.c "$ROOT"/src/output/*.c; do
    obj="$BUILD/obj/$(echo "${src#"$ROOT"/}" | tr / _).o"
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_h" -nt "$obj" ]; then
        echo "fuzz: compiling ${src#"$ROOT"/}"
        # shellcheck disable=SC2086
        $CC $CFLAGS -fsanitize=fuzzer-no-link -c -o "$obj" "$src"
    fi
    OBJS="$OBJS $obj"
done

export THIRDSITE_DATA="$ROOT/data"
# No suppressions: the one libfyaml 0.7.12 leak the fuzzer found (single-quoted
# scalars with four or more escapes) is avoided in yamlutil.c, not hidden.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"

export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$BUILD"
for t in $TARGETS; do
    BIN="$BUILD/fuzz_$t"
    SRC="$ROOT/tests/fuzz/fuzz_$t.c"
    [ -f "$SRC" ] || { echo "fuzz: no target '$t' ($SRC)"; exit 2; }
    if [ ! -x "$BIN" ] || [ -n "$(find $OBJS "$SRC" "$ROOT/cli" -newer "$BIN" | head -n 1)" ]; then
        echo "fuzz: linking $BIN"
        extra=""
        [ "$t" = csv ] && extra="$ROOT/cli/util.c"
        # shellcheck disable=SC2086
        $CC $CFLAGS -fsanitize=fuzzer -o "$BIN" "$SRC" $extra $OBJS $LIBS
    fi
    if [ "$t" = scenario ]; then
        seeds="$ROOT/tests/fuzz/corpus" dict="-dict=$ROOT/tests/fuzz/scenario.dict" max=65536
    else
        seeds="$ROOT/tests/fuzz/corpus-$t" dict="" max=4096
    fi
    mkdir -p "$BUILD/corpus-$t"
    echo "fuzz: $SECONDS_ s on $t"
    # libFuzzer's running commentary goes to fuzz-TARGET.log; the summary,
    # or the log's tail on a failure, to the terminal.
    status=0
    # shellcheck disable=SC2086
    "$BIN" -max_total_time="$SECONDS_" -seed="${FUZZ_SEED:-0}" -timeout=10 -rss_limit_mb=2048 \
        -max_len=$max $dict -print_final_stats=1 -artifact_prefix="$BUILD/$t-" \
        "$BUILD/corpus-$t" "$seeds" > "$BUILD/fuzz-$t.log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        tail -n 60 "$BUILD/fuzz-$t.log"
        echo "fuzz: $t FAILED (exit $status); full log in $BUILD/fuzz-$t.log"
        exit "$status"
    fi
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' \
        "$BUILD/fuzz-$t.log" || true
    grep -E '#[0-9]+.*(DONE|pulse).*cov:' "$BUILD/fuzz-$t.log" | tail -n 1 || true
    echo "fuzz: $t: no crash, hang or leak in $SECONDS_ s"
done
