#!/bin/sh
# Fails when the library exports a symbol without the ts_ prefix.
lib="$1"
bad=$(nm -g --defined-only "$lib" | awk 'NF==3 && $2 ~ /[TDBR]/ {print $3}' \
      | grep -v -e '^ts_' -e '^__odr_asan' -e '^__asan' -e '^__ubsan' || true)
if [ -n "$bad" ]; then
    echo "exported symbols without the ts_ prefix:"; echo "$bad"; exit 1
fi
echo "1 passed, 0 failed"
