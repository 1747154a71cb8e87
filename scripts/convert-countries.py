#!/usr/bin/env python3
"""Converts world-atlas TopoJSON countries (Natural Earth Admin 0) into
thirdsite's country polygons for regions by country (src/region.c).

Usage: convert-countries.py COUNTRIES.json ISO_3166-1.json OUT.bin

Input: countries-50m.json of the npm package world-atlas (Natural Earth
Admin 0 countries: a name and the ISO 3166-1 numeric code as the id), and
iso_3166-1.json of Debian's iso-codes package (/usr/share/iso-codes/json/),
which gives each numeric code its alpha-2 and alpha-3 codes and its names.
Five Natural Earth units have no ISO code; they get Natural Earth's own
ADM0_A3 codes (KOS Kosovo, SOL Somaliland, CYN N. Cyprus, IOA Indian Ocean
Ter., KAS Siachen Glacier) and no alpha-2.  Two units sharing a numeric code
(Australia, Ashmore and Cartier Is.) stay two entries with the same codes.

Rings are made planar exactly as the map data's (convert-natural-earth.py:
unwrapped, closed through a pole, cut at the antimeridian); membership is
the even-odd rule over all rings of a country, so orientation is not kept.

Output (little-endian), coordinates as int32 microdegrees:
  char[8]  "TSNECTY1"
  u32      number of countries n
  n records: u16 name bytes, the names (UTF-8, '|'-separated: the Natural
             Earth name first, then the ISO names that differ from it),
             char[3] alpha-3, char[2] alpha-2 (two NULs if none),
             u16 numeric (0 if none), u32 rings, u32 points
  then per country: u32 points per ring [rings], i32 lon, lat [2 points]
"""
import importlib.util
import json
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("ne", os.path.join(here, "convert-natural-earth.py"))
ne = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ne)

NO_ISO = {"Kosovo": "KOS", "Somaliland": "SOL", "N. Cyprus": "CYN",
          "Indian Ocean Ter.": "IOA", "Siachen Glacier": "KAS"}


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        topo = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        iso = {e["numeric"]: e for e in json.load(f)["3166-1"]}
    arcs = ne.decode_arcs(topo)
    countries = []
    for geom in topo["objects"]["countries"]["geometries"]:
        name = geom["properties"]["name"]
        num = geom.get("id")
        if num is None:
            a3, a2, n = NO_ISO[name], "", 0
            names = [name]
        else:
            e = iso[num]
            a3, a2, n = e["alpha_3"], e["alpha_2"], int(num)
            names = [name]
            for k in ("name", "common_name", "official_name"):
                if k in e and e[k] not in names:
                    names.append(e[k])
        rings = []
        for poly in ne.polygons_of(geom):
            for ri, refs in enumerate(poly):
                ring = ne.ring_points(arcs, refs)
                if len(ring) < 3:
                    continue
                if ri > 0 and all(abs(abs(lat) - 90.0) < 0.01 for _, lat in ring):
                    continue  # pole stitching artefact (convert-natural-earth.py)
                try:
                    rings.extend(ne.planar_pieces(ring, ri > 0))
                except SystemExit:
                    # a hole that winds round a pole (one in Antarctica's
                    # 50m geometry, along its coast): dropped, so that the
                    # even-odd rule keeps the continent whole
                    print("%s: hole %d winds round a pole: dropped" % (name, ri),
                          file=sys.stderr)
        countries.append(("|".join(names), a3, a2, n, rings))
    out = bytearray(b"TSNECTY1")
    out += struct.pack("<I", len(countries))
    for names, a3, a2, n, rings in countries:
        b = names.encode("utf-8")
        out += struct.pack("<H", len(b)) + b
        out += a3.encode("ascii") + a2.encode("ascii").ljust(2, b"\0")
        out += struct.pack("<HII", n, len(rings), sum(len(r) for r in rings))
    for names, a3, a2, n, rings in countries:
        out += struct.pack("<%dI" % len(rings), *[len(r) for r in rings])
        for r in rings:
            for x, y in r:
                out += struct.pack("<ii", ne.q(x), ne.q(y))
    with open(sys.argv[3], "wb") as f:
        f.write(out)
    print("%s: %d countries, %d rings, %d points, %d bytes"
          % (sys.argv[3], len(countries), sum(len(c[4]) for c in countries),
             sum(len(r) for c in countries for r in c[4]), len(out)))


if __name__ == "__main__":
    main()
