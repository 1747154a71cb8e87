#!/bin/sh
# check, engage and a small run under valgrind (memcheck) with zero errors:
# no invalid read or write, no use of an uninitialised value, no definite
# or indirect leak.  The portable build only: valgrind 3.19 stops with
# SIGILL on the AVX-512 instructions of a -march=native build.
# Suppressions (tests/valgrind.supp): fontconfig's caches, by name.
#   tests/valgrind.sh PORTABLE_THIRDSITE
set -eu
BIN="$1"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export THIRDSITE_DATA="$ROOT/data"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/thirdsite-valgrind-XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
--errors-for-leak-kinds=definite,indirect --suppressions=$ROOT/tests/valgrind.supp"
status=0
vg() {
    what="$1"
    shift
    # shellcheck disable=SC2086
    if $VG "$BIN" "$@" > "$TMP/out" 2> "$TMP/err"; then
        echo "valgrind: $what: 0 errors"
    else
        echo "valgrind: $what: exit $?"
        tail -n 40 "$TMP/err"
        status=1
    fi
}
vg "check" check "$ROOT/tests/scenarios/small.yaml"
vg "engage" engage "$ROOT/scenarios/third-site-2008.yaml" --from kozelsk --to new-york \
    --missile topol-m
vg "run" run "$ROOT/tests/scenarios/tiny.yaml" -o "$TMP/run" -j 2 --quiet
[ -f "$TMP/run/report.json" ] && [ -f "$TMP/run/index.html" ] || {
    echo "valgrind: the run wrote no report.json/index.html"
    status=1
}
exit "$status"
