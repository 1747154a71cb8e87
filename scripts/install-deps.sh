#!/bin/sh
# Installs the Debian packages thirdsite needs (DESIGN.md, "The stack").
# Idempotent and quiet when everything is already there.
set -e
PKGS="build-essential cmake pkg-config libgsl-dev libproj-dev proj-data valgrind gcovr
libcriterion-dev libfyaml-dev libjansson-dev libcairo2-dev python3
python3-scipy python3-numpy hyperfine clang libclang-rt-14-dev
libopenmpi-dev openmpi-bin"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
