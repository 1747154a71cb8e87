#!/bin/sh
# Builds the browser views into viewer/dist/ (docs/viewer.md), offline:
# the npm packages must be installed already (`npm ci` here, which
# scripts/install-deps.sh runs).  Nothing is fetched at build or run time.
#
#   dist/cesium/        CesiumJS's own prebuilt build (Build/Cesium of the
#                       `cesium` package: Cesium.js, Workers, Assets with the
#                       NaturalEarthII imagery, Widgets, ThirdParty)
#   dist/globe.html     the 3D globe (?czml=URL), dist/globe/globe.js
#                       bundled by esbuild from globe/*.js, globe/globe.css
#
# Another view adds itself by a line in VIEWS below (its entry globe-like:
# VIEW/VIEW.js bundled to dist/VIEW/VIEW.js; VIEW/*.html and *.css copied).
# Usage: viewer/build.sh [OUTDIR]   (default viewer/dist)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/dist}
VIEWS="globe map"
esbuild=$here/node_modules/.bin/esbuild
cesium=$here/node_modules/cesium/Build/Cesium
if [ ! -x "$esbuild" ] || [ ! -f "$cesium/Cesium.js" ]; then
    echo "viewer/build.sh: npm packages missing: run scripts/install-deps.sh (or npm ci in viewer/)" >&2
    exit 1
fi
mkdir -p "$out"
# Cesium: copied once per version (a stamp file), without the npm module
# entry points (index.js, index.cjs: 9 MB not used by a classic script).
ver=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$here/node_modules/cesium/package.json" | head -n 1)
if [ "$(cat "$out/cesium/.version" 2>/dev/null || true)" != "$ver" ]; then
    rm -rf "$out/cesium" "$out/cesium.tmp"
    mkdir -p "$out/cesium.tmp"
    for d in Cesium.js Assets Workers Widgets ThirdParty; do
        cp -R "$cesium/$d" "$out/cesium.tmp/"
    done
    echo "$ver" > "$out/cesium.tmp/.version"
    mv "$out/cesium.tmp" "$out/cesium"
fi
for v in $VIEWS; do
    mkdir -p "$out/$v"
    "$esbuild" "$here/$v/$v.js" --bundle --format=iife --target=es2020 \
        --log-level=warning --outfile="$out/$v/$v.js"
    for f in "$here/$v"/*.css; do
        [ -f "$f" ] && cp "$f" "$out/$v/"
    done
    for f in "$here/$v"/*.html; do
        [ -f "$f" ] && cp "$f" "$out/"
    done
done
exit 0
