#!/bin/sh
# Installs the Debian packages thirdsite needs (DESIGN.md, "The stack").
# Idempotent and quiet when everything is already there.
set -e
PKGS="build-essential cmake pkg-config libgsl-dev libproj-dev proj-data valgrind gcovr
libcriterion-dev libfyaml-dev libjansson-dev libcairo2-dev libmicrohttpd-dev python3
python3-scipy python3-numpy hyperfine clang libclang-rt-14-dev
libopenmpi-dev openmpi-bin"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
# The browser views (viewer/, docs/viewer.md): node and npm to build them,
# chromium for their tests.  By command, not package: a node from another
# source that brings its own npm is kept.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
if [ -n "$missing" ]; then
    echo "install-deps: installing$missing"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
# viewer/'s npm packages as package-lock.json pins them; again only when
# the lock file differs from the one of the last install (a stamp).
viewer=$(dirname "$0")/../viewer
if ! cmp -s "$viewer/package-lock.json" "$viewer/node_modules/.thirdsite-lock" 2>/dev/null; then
    echo "install-deps: npm ci in viewer/"
    (cd "$viewer" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$viewer/package-lock.json" "$viewer/node_modules/.thirdsite-lock"
fi
exit 0
