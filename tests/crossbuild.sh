#!/bin/sh
# Same bytes on any x86-64 (issue 13): runs every shipped scenario with the
# native build (-march=native), the portable build (TS_NATIVE=OFF: plain
# x86-64) and the native build again with glibc's libm restricted to its
# baseline variants (GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F,-AVX,
# the names glibc 2.36 honours), and compares the run folders byte for byte
# (run.log, the timings, aside).
#   tests/crossbuild.sh NATIVE_THIRDSITE PORTABLE_THIRDSITE
# Exit status 0 when all agree; 1 with the differing files named.
set -eu
NATIVE="$1"
PORTABLE="$2"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export THIRDSITE_DATA="$ROOT/data"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/thirdsite-crossbuild-XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
status=0
for sc in "$ROOT"/scenarios/*.yaml; do
    name="$(basename "$sc" .yaml)"
    "$NATIVE" run "$sc" -o "$TMP/native-$name" --quiet -j 2
    "$PORTABLE" run "$sc" -o "$TMP/portable-$name" --quiet -j 2
    GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F,-AVX \
        "$NATIVE" run "$sc" -o "$TMP/baseline-libm-$name" --quiet -j 2
    for other in portable baseline-libm; do
        if ! diff -rq -x run.log "$TMP/native-$name" "$TMP/$other-$name"; then
            echo "crossbuild: $name: the native and the $other run differ"
            status=1
        fi
    done
    n="$(find "$TMP/native-$name" -type f ! -name run.log | wc -l)"
    echo "crossbuild: $name: $n files identical in the native, portable and baseline-libm runs"
done
exit "$status"
