#!/usr/bin/env python3
"""Converts world-atlas TopoJSON (Natural Earth) into thirdsite's map data.

Usage: convert-natural-earth.py COUNTRIES.json LAKES.geojson OUT.bin

Input: countries-50m.json or countries-110m.json of the npm package
world-atlas (Natural Earth Admin 0 countries, with the merged "land" object),
and the Natural Earth lakes of the same scale (ne_50m_lakes.geojson or
ne_110m_lakes.geojson, "Lakes and Reservoirs"), which world-atlas lacks: its
land polygons cover lakes, the Great Lakes included.
TopoJSON decoding follows the TopoJSON specification (quantized, delta-encoded
arcs; a negative arc index ~i means arc i reversed).

world-atlas polygons are spherical (d3-geo convention): rings may cross the
antimeridian, Antarctica winds around the south pole without closing through
it, and exterior rings run clockwise (interior on the right).  The map code
reads planar (lon, lat) polygons instead, so each ring is
  1. unwrapped (longitude steps kept within +-180 deg),
  2. closed through the pole when it winds round one (interior on the right:
     an eastward ring encloses the south pole, a westward one the north),
  3. cut into the strips [-180 + 360 k, 180 + 360 k] (Sutherland-Hodgman
     against each strip's two edges) and shifted back into [-180, 180],
and oriented like RFC 7946 sec. 3.1.6: exteriors counterclockwise, holes
clockwise in the (lon, lat) plane.  Edges that lie on lon = +-180 or on a
pole are artefacts of the cut; the renderer leaves them out of coastlines.
A hole made only of points within 0.01 deg of a pole (a stitching artefact
of the 50m Antarctica) is dropped.

Borders: the arcs of the "countries" object that two different countries
share (land boundaries between countries; coasts are the land rings).

Lakes: planar (lon, lat) polygons already (Natural Earth shapefile
geometry); only oriented like the land (islands are holes).

Output (little-endian), coordinates as int32 microdegrees:
  char[8]  "TSNEGEO1"
  u32      number of layers (3): land, borders, lakes
  a polygon layer:   u32 kind = 1, u32 n_polys, u32 n_rings, u32 n_points,
                     u32 rings per polygon [n_polys] (first ring: exterior),
                     u32 points per ring [n_rings], i32 lon, lat [2 n_points]
  a line layer:      u32 kind = 2, u32 n_lines, u32 n_points,
                     u32 points per line [n_lines], i32 lon, lat [2 n_points]
Rings are not closed (the last point is not the first repeated).
"""
import json
import struct
import sys

UDEG = 1_000_000


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring_points(arcs, refs):
    out = []
    for r in refs:
        pts = arcs[r] if r >= 0 else arcs[~r][::-1]
        out.extend(pts if not out else pts[1:])
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def area2(ring):
    """Twice the signed shoelace area in the (lon, lat) plane (> 0: ccw)."""
    s = 0.0
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i]
        x1, y1 = ring[(i + 1) % n]
        s += x0 * y1 - x1 * y0
    return s


def unwrap(ring):
    out = [ring[0]]
    for lon, lat in ring[1:]:
        prev = out[-1][0]
        while lon - prev > 180.0:
            lon -= 360.0
        while lon - prev < -180.0:
            lon += 360.0
        out.append((lon, lat))
    return out


def clip_half(ring, inside, cut):
    """Sutherland-Hodgman against one half-plane: inside(p) -> bool,
    cut(p, q) -> the crossing point of edge p-q with the boundary."""
    out = []
    n = len(ring)
    for i in range(n):
        p, q = ring[i], ring[(i + 1) % n]
        ip, iq = inside(p), inside(q)
        if ip:
            out.append(p)
            if not iq:
                out.append(cut(p, q))
        elif iq:
            out.append(cut(p, q))
    return out


def cut_lon(x):
    def f(p, q):
        t = (x - p[0]) / (q[0] - p[0])
        return (x, p[1] + t * (q[1] - p[1]))
    return f


def clean(ring):
    out = []
    for p in ring:
        if not out or (abs(p[0] - out[-1][0]) > 1e-9 or abs(p[1] - out[-1][1]) > 1e-9):
            out.append(p)
    while len(out) > 1 and abs(out[0][0] - out[-1][0]) < 1e-9 and abs(out[0][1] - out[-1][1]) < 1e-9:
        out.pop()
    return out


def planar_pieces(ring, is_hole):
    """Spherical ring -> list of planar rings within [-180, 180]."""
    u = unwrap(ring)
    # the closing step, last point back to the first, unwrapped likewise
    step = u[0][0] - u[-1][0]
    while step > 180.0:
        step -= 360.0
    while step < -180.0:
        step += 360.0
    total = (u[-1][0] + step) - u[0][0]  # 0, or +-360 round a pole
    if abs(total) > 180.0:
        if is_hole:
            raise SystemExit("a hole winds round a pole: unsupported")
        # interior on the right (d3): eastward -> the south pole is inside.
        # Close: on to the first point shifted by 360 deg, down its meridian
        # to the pole, along the pole back to the first meridian, and up.
        pole = -90.0 if total > 0 else 90.0
        end_lon = u[0][0] + total
        u = u + [(end_lon, u[0][1]), (end_lon, pole), (u[0][0], pole)]
    lo = min(p[0] for p in u)
    hi = max(p[0] for p in u)
    pieces = []
    k = -1
    while -180.0 + 360.0 * k < hi + 1e-9 and k <= 2:
        a = -180.0 + 360.0 * k
        b = a + 360.0
        if b > lo and a < hi:
            r = clip_half(u, lambda p: p[0] >= a, cut_lon(a))
            if r:
                r = clip_half(r, lambda p: p[0] <= b, cut_lon(b))
            r = clean([(x - 360.0 * k, y) for x, y in r])
            if len(r) >= 3 and abs(area2(r)) > 1e-12:
                pieces.append(r)
        k += 1
    return pieces


def orient(ring, ccw):
    a = area2(ring)
    if (a > 0) != ccw:
        ring = ring[::-1]
    return ring


def polygons_of(geom):
    if geom["type"] == "Polygon":
        return [geom["arcs"]]
    if geom["type"] == "MultiPolygon":
        return geom["arcs"]
    return []


def pack_polys(polys):
    rings = [r for p in polys for r in p]
    out = bytearray()
    out += struct.pack("<IIII", 1, len(polys), len(rings), sum(len(r) for r in rings))
    out += struct.pack("<%dI" % len(polys), *[len(p) for p in polys])
    out += struct.pack("<%dI" % len(rings), *[len(r) for r in rings])
    for r in rings:
        for x, y in r:
            out += struct.pack("<ii", q(x), q(y))
    return out


def pack_lines(lines):
    out = bytearray()
    out += struct.pack("<III", 2, len(lines), sum(len(l) for l in lines))
    out += struct.pack("<%dI" % len(lines), *[len(l) for l in lines])
    for l in lines:
        for x, y in l:
            out += struct.pack("<ii", q(x), q(y))
    return out


def q(v):
    return int(round(v * UDEG))


def read_lakes(path):
    with open(path, encoding="utf-8") as f:
        gj = json.load(f)
    polys = []
    for feat in gj["features"]:
        g = feat["geometry"]
        parts = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for part in parts:
            rings = []
            for ri, ring in enumerate(part):
                r = clean([(float(x), float(y)) for x, y in ring])
                if len(r) < 3 or abs(area2(r)) < 1e-12:
                    continue
                rings.append(orient(r, ri == 0))
            if rings and abs(area2(part[0])) >= 1e-12:
                polys.append(rings)
    return polys


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        topo = json.load(f)
    arcs = decode_arcs(topo)

    polys = []  # each: list of rings, first exterior
    for geom in topo["objects"]["land"]["geometries"]:
        for poly in polygons_of(geom):
            ext = None
            holes = []
            for ri, refs in enumerate(poly):
                ring = ring_points(arcs, refs)
                if len(ring) < 3:
                    continue
                if ri > 0 and all(abs(abs(lat) - 90.0) < 0.01 for _, lat in ring):
                    continue  # pole stitching artefact (see the docstring)
                pieces = planar_pieces(ring, ri > 0)
                if ri == 0:
                    ext = pieces
                else:
                    holes.extend(pieces)
            if not ext:
                continue
            # A hole belongs to the exterior piece that contains its first point.
            for e in ext:
                polys.append([orient(e, True)])
            for h in holes:
                x, y = h[0]
                home = None
                for p in polys[len(polys) - len(ext):]:
                    if contains(p[0], x, y):
                        home = p
                        break
                if home is None:
                    raise SystemExit("a hole outside its polygon")
                home.append(orient(h, False))

    used = {}
    for gi, geom in enumerate(topo["objects"]["countries"]["geometries"]):
        for poly in polygons_of(geom):
            for refs in poly:
                for r in refs:
                    used.setdefault(r if r >= 0 else ~r, set()).add(gi)
    lines = []
    for a in sorted(k for k, s in used.items() if len(s) > 1):
        pts = arcs[a]
        # split where the arc steps across the antimeridian
        cur = [pts[0]]
        for p in pts[1:]:
            if abs(p[0] - cur[-1][0]) > 180.0:
                if len(cur) > 1:
                    lines.append(cur)
                cur = [p]
            else:
                cur.append(p)
        if len(cur) > 1:
            lines.append(cur)

    lakes = read_lakes(sys.argv[2])

    out = bytearray(b"TSNEGEO1")
    out += struct.pack("<I", 3)
    out += pack_polys(polys)
    out += pack_lines(lines)
    out += pack_polys(lakes)
    with open(sys.argv[3], "wb") as f:
        f.write(out)
    print("%s: land %d polygons, %d points; borders %d lines, %d points; "
          "lakes %d polygons, %d points; %d bytes"
          % (sys.argv[3], len(polys), sum(len(r) for p in polys for r in p), len(lines),
             sum(len(l) for l in lines), len(lakes), sum(len(r) for p in lakes for r in p),
             len(out)))


def contains(ring, x, y):
    inside = False
    n = len(ring)
    for i in range(n):
        x0, y0 = ring[i]
        x1, y1 = ring[(i + 1) % n]
        if (y0 > y) != (y1 > y):
            xc = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            if xc > x:
                inside = not inside
    return inside


if __name__ == "__main__":
    main()
