#!/usr/bin/env python3
"""Checks of `thirdsite run` that golden cases cannot express: the files a
run writes, read back by real parsers, and the guarantees of the run folder.

Usage: run_checks.py [THIRDSITE]

THIRDSITE defaults to $THIRDSITE_BIN, else the binary that run_golden.py
was given (this script is called from tests/cli/run.test, so its parent
process is run_golden.py THIRDSITE run.test).  Every check runs in a fresh
temporary folder.  Exit 0 when all pass; otherwise each failure is printed
with what was expected and what was found.

Checks (each names its independent source):
  1. files: the documented layout (docs/report-format.md) is all there.
  2. report.json: parsed by Python's json; schema keys; key numbers of
     tests/scenarios/small.yaml pinned (regressions) and consistency
     (histogram sums, shares in 0..1, defended <= reachable <= land).
  3. GeoJSON (RFC 7946): Python's json; FeatureCollection; geometry types;
     positions [lon, lat(, h)] within range; rings closed with >= 4
     positions; exteriors counterclockwise and holes clockwise (sec.
     3.1.6, shoelace formula); nothing crosses the antimeridian (sec.
     3.1.9: no segment spans more than 180 deg of longitude).
  4. KML 2.2: Python's xml.etree; namespace; every Placemark named;
     coordinates lon,lat[,alt] within range; LinearRings closed.
  5. CSV: Python's csv; a header and rows of its width; no NaN.
  5b. the two framings in the tables and layers, read back against
     report.json (the writer of record): every framing column of the
     tables, every first-intercept point, every matrix line's verdicts,
     every footprint layer's areas; every supported intercept point and
     every supported cell is also a kinematic one (docs/models-defense.md,
     "Framings"); the kinematic framing is never called "defended".
  6. determinism: -j 1, -j 2 and a repeat give the same bytes (run.log aside).
  7. malformed scenarios (tests/scenarios/bad, their "# expect:" lines):
     exit 2, each expected "line:col: message" on stderr, no folder made.
  8. the run folder: an earlier run is replaced only by a complete run; a
     folder that is not a run's is refused (exit 1) and left alone; an
     interrupted run (SIGINT) leaves nothing, not even its temporary folder;
     its mode is that of a plain mkdir, 0777 & ~umask (POSIX mkdir), under
     the caller's umask and under 027.
"""
import csv
import filecmp
import glob
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SMALL = os.path.join(ROOT, "tests", "scenarios", "small.yaml")
BIG = os.path.join(ROOT, "scenarios", "third-site-2008.yaml")
BAD = os.path.join(ROOT, "tests", "scenarios", "bad")

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def find_binary():
    if len(sys.argv) > 1:
        return os.path.abspath(sys.argv[1])
    if os.environ.get("THIRDSITE_BIN"):
        return os.environ["THIRDSITE_BIN"]
    try:  # the parent: run_golden.py THIRDSITE CASES.test
        with open("/proc/%d/cmdline" % os.getppid(), "rb") as f:
            args = [a.decode() for a in f.read().split(b"\0") if a]
        for i, a in enumerate(args):
            if a.endswith("run_golden.py") and i + 1 < len(args):
                return os.path.abspath(args[i + 1])
    except OSError:
        pass
    sys.exit("run_checks.py: no thirdsite binary (give it, or set THIRDSITE_BIN)")


BIN = find_binary()


def run(args, timeout=900, **kw):
    return subprocess.run([BIN, "run"] + args, capture_output=True, text=True, timeout=timeout, **kw)


# ---- 1. files -------------------------------------------------------------

EXPECTED_FILES = [
    "index.html", "report.json", "run.log",
    "tables/engagements.csv", "tables/engagement-batteries.csv", "tables/detections.csv",
    "tables/footprints.csv", "tables/footprint-eastern-europe.csv", "tables/footprint-cities.csv",
    "tables/matrix.csv", "tables/intercepts.csv",
    "layers/sites.geojson", "layers/sites.kml", "layers/coverage.geojson", "layers/coverage.kml",
    "layers/trajectories.geojson", "layers/trajectories.kml",
    "layers/footprint-eastern-europe-base.geojson", "layers/footprint-eastern-europe-base.kml",
    "layers/footprint-eastern-europe-fast-gbi.geojson",
    "layers/footprint-eastern-europe-fast-gbi.kml",
    "layers/footprint-eastern-europe-base-kinematic.geojson",
    "layers/footprint-eastern-europe-base-kinematic.kml",
    "layers/footprint-eastern-europe-base-supported.geojson",
    "layers/footprint-eastern-europe-base-supported.kml",
    "layers/footprint-eastern-europe-fast-gbi-kinematic.geojson",
    "layers/footprint-eastern-europe-fast-gbi-kinematic.kml",
    "layers/footprint-eastern-europe-fast-gbi-supported.geojson",
    "layers/footprint-eastern-europe-fast-gbi-supported.kml",
    "layers/intercepts.geojson", "layers/intercepts.kml",
    "layers/matrix-russian-base.geojson", "layers/matrix-russian-base.kml",
    "layers/matrix-russian-fast-gbi.geojson", "layers/matrix-russian-fast-gbi.kml",
    "maps/footprint-eastern-europe-base.png", "maps/footprint-eastern-europe-base.svg",
    "maps/footprint-eastern-europe-fast-gbi.png", "maps/footprint-eastern-europe-fast-gbi.svg",
    "maps/matrix-russian-base.png", "maps/matrix-russian-base.svg",
    "maps/matrix-russian-fast-gbi.png", "maps/matrix-russian-fast-gbi.svg",
    "maps/coverage.png", "maps/coverage.svg",
    "timelines/semnan-london-base.png", "timelines/semnan-london-base.svg",
    "timelines/semnan-london-fast-gbi.png", "timelines/semnan-london-fast-gbi.svg",
]


def all_files(d):
    out = []
    for root, _, files in os.walk(d):
        for f in files:
            out.append(os.path.relpath(os.path.join(root, f), d))
    return sorted(out)


def check_files(d):
    have = set(all_files(d))
    for f in EXPECTED_FILES:
        check(f in have, "missing file %s" % f)
    for f in have:
        check(f == ".thirdsite-run" or (not f.startswith(".") and "/." not in f),
              "hidden file left in the run folder: %s" % f)
        if f.endswith(".png"):
            with open(os.path.join(d, f), "rb") as fh:
                check(fh.read(8) == b"\x89PNG\r\n\x1a\n", "%s is not a PNG" % f)
        if f.endswith(".svg"):
            try:
                ET.parse(os.path.join(d, f))
            except ET.ParseError as e:
                fail("%s is not well-formed XML: %s" % (f, e))
    # index.html: relative links only, each to a file of the folder
    html = open(os.path.join(d, "index.html"), encoding="utf-8").read()
    check("<!DOCTYPE html>" in html, "index.html: no doctype")
    check("<script" not in html.lower(), "index.html: has a script")
    for link in re.findall(r'(?:href|src)="([^"]+)"', html):
        check(not re.match(r"[a-z]+:|/", link), "index.html: external or absolute link %s" % link)
        check(os.path.exists(os.path.join(d, link)), "index.html: broken link %s" % link)
    # the text a reader sees (tags dropped, entities kept): no space before
    # a comma; the lead names both framings; a P(kill) is said to be notional
    text = re.sub(r"<[^>]*>", "", html)
    for m in re.finditer(r".{0,30}\s,.{0,30}", text):
        fail("index.html: space before a comma: %r" % m.group())
    check("within reach (kinematic)" in text and "engageable with sensor support" in text,
          "index.html: the two framings are not named")
    for m in re.finditer(r"P\(kill\) [0-9.]+(.{0,20})", text):
        check("notional" in m.group(1), "index.html: a P(kill) without 'notional': %r" % m.group())
    check(" defended, kill probability" not in text, "index.html: 'defended' as a headline verdict")


# ---- 2. report.json -----------------------------------------------------------

def near(got, want, tol, what):
    return check(got is not None and abs(got - want) <= tol,
                 "%s: want %s +- %s, got %s" % (what, want, tol, got))


def check_report(d):
    r = json.load(open(os.path.join(d, "report.json"), encoding="utf-8"))
    check(r.get("format") == "thirdsite-report" and r.get("format_version") == 1,
          "report.json: format/format_version")
    for k in ("thirdsite_version", "scenario", "engagements", "footprints", "matrix", "coverage"):
        check(k in r, "report.json: no key %s" % k)
    sc = r["scenario"]
    check(sc["name"] == "small" and len(sc["variants"]) == 2, "report.json: scenario name/variants")
    check([v["name"] for v in sc["variants"]] == ["base", "fast-gbi"], "report.json: variant names")
    bat = sc["variants"][1]["defense"]["batteries"][0]
    check(bat["interceptor"]["id"] == "gbi-2stage-lewis-postol", "report.json: variant override")
    check(bat["interceptor"]["sources"] != "", "report.json: interceptor without sources")
    for t in sc["threats"]:
        check(t["missile"]["sources"] != "", "report.json: missile without sources")
    # engagements: Semnan -> London, both variants
    e = r["engagements"][0]
    check(e["name"] == "semnan-london", "report.json: engagement name")
    f = e["flight"]
    check(f["ok"] is True, "report.json: Semnan-London not flown")
    near(f["range_km"], 4612.0, 5.0, "Semnan-London range (geodesic, Karney; Semnan and London of data/sites.yaml)")
    # regressions: the values of the first complete run (Nov 2008 catalogue),
    # loose enough for model refinements, tight enough to catch a broken chain
    near(f["flight_time_s"], 1219.4, 15.0, "Semnan-London flight time, s (regression)")
    near(f["apogee_km"], 886.3, 15.0, "Semnan-London apogee, km (regression)")
    check(f["miss_m"] < 1000.0, "Semnan-London miss %s m (ts_fly: under 1 km)" % f["miss_m"])
    check(0 < f["burnout_s"] < f["apogee_s"] < f["reentry_s"] < f["flight_time_s"],
          "Semnan-London: events out of order")
    for v in e["variants"]:
        check(isinstance(v["defended"], bool), "engagement %s: defended" % v["variant"])
        for b in v["batteries"]:
            lw, iw = b["launch_window_s"], b["intercept_window_s"]
            if lw:
                check(lw[0] <= lw[1], "launch window reversed")
            if iw:
                check(iw[0] <= iw[1] <= f["flight_time_s"], "intercept window outside the flight")
            check(len(b["shot_times"]) == b["shots"], "shot_times and shots disagree")
            for s in b["shot_times"]:
                check(s["launch_s"] < s["intercept_s"], "a shot intercepts before launch")
    # footprints
    fp = r["footprints"][0]
    check(fp["name"] == "eastern-europe", "footprint name")
    g = fp["grid"]
    check((g["n_lat"], g["n_lon"]) == (4, 6), "footprint grid %sx%s, want 4x6" % (g["n_lat"], g["n_lon"]))
    # region 44N..52N 22E..34E on WGS-84: (a^2/2) [q(52N) - q(44N)] x 12 deg in rad with
    # Snyder's q (USGS PP 1395, 1987, eq. 3-12), computed apart: 795903.5 km^2
    near(fp["region_area_km2"], 795903.5, 1.0, "eastern-europe region area")
    check(0 < fp["land_area_km2"] <= fp["region_area_km2"], "land area out of range")
    for v in fp["variants"]:
        h = v["shots_histogram"]
        check(sum(h) == v["cells_reachable"], "histogram sums to %d, want %d" % (sum(h), v["cells_reachable"]))
        check(sum(h[1:]) == v["cells_defended"], "histogram defended cells")
        check(0 <= v["defended_land_share"] <= 1, "defended share out of 0..1")
        check(v["defended_land_km2"] <= v["reachable_land_km2"] <= fp["land_area_km2"] + 1,
              "defended <= reachable <= land")
        check(v["failed_cells"] == 0, "failed cells in the footprint")
    v0, v1 = fp["variants"]
    # regressions (first complete run): the edge of the defended area runs
    # through the box, so both kinds of cells are there
    # (0.726 and 0.814 before the EMR's el_min went from 0 to 2 deg, a later
    # first detection: data/sensors.yaml)
    near(v0["defended_land_share"], 0.543, 0.08, "base: defended share of the land (regression)")
    near(v1["defended_land_share"], 0.631, 0.08, "fast-gbi: defended share of the land (regression)")
    check(v0["shots_histogram"][0] > 0 and v0["cells_defended"] > 0,
          "base: want defended and undefended cells, got %s" % v0["shots_histogram"])
    # a faster interceptor never defends less (DESIGN: property of the models)
    v0, v1 = fp["variants"]
    check(v1["defended_land_km2"] >= v0["defended_land_km2"],
          "the faster GBI defends less land (%s < %s)" % (v1["defended_land_km2"], v0["defended_land_km2"]))
    # matrix
    m = r["matrix"][0]
    check(m["name"] == "russian" and len(m["flights"]) == 4, "matrix shape")
    # each row flies its own base's missile (small.yaml: SS-19 from Kozelsk,
    # Topol-M from Tatishchevo), rows in the order of `threats`
    got = [(f["from"], f["to"], f["missile"]) for f in m["flights"]]
    check(got == [("kozelsk", "new-york", "ss-19"), ("kozelsk", "chicago", "ss-19"),
                  ("tatishchevo", "new-york", "topol-m"), ("tatishchevo", "chicago", "topol-m")],
          "matrix rows %s" % got)
    check(m["threats"] == ["russian-ss19", "russian-topol-m"], "matrix threats %s" % m["threats"])
    for v in m["variants"]:
        check(v["flights_flown"] == 4, "matrix flights flown")
        check(v["flights_engaged"] <= v["flights_flown"], "matrix engaged > flown")
        for c in v["cells"]:
            if c["engaged"]:
                check(c["intercept_window_s"] is not None and c["battery"], "engaged without a window")
    check(m["variants"][1]["flights_engaged"] >= m["variants"][0]["flights_engaged"],
          "the faster GBI engages fewer ICBM flights")
    # both framings on every cell; every supported engagement is also a
    # kinematic one (docs/models-defense.md, "Framings")
    for v in m["variants"]:
        for c in v["cells"]:
            k, sp = c["kinematic"], c["supported"]
            check(not sp["engaged"] or k["engaged"], "supported without kinematic")
            if k["engaged"] and not sp["engaged"]:
                check(sp["refused"], "a refused supported cell names its rule")
            if k["engaged"]:
                x = k["intercept"]
                check(x is not None and 100 <= x["altitude_km"] <= 2000 and x["closing_speed_mps"] > 0,
                      "kinematic intercept geometry")
        check(v["kinematic"]["engaged"] >= v["supported"]["engaged"], "framing counts")
    # regressions (the rotating fly-out, each base's own missile, the
    # notional hit-to-kill limits of data/interceptors.yaml): kinematic reach
    # for Tatishchevo's Topol-M -> New York at the MDA speed, all four at the
    # fast GBI; none with sensor support (closing speed, tail chase)
    got = [[c["kinematic"]["engaged"] for c in v["cells"]] for v in m["variants"]]
    want = [[False, False, True, False], [True, True, True, True]]
    check(got == want, "matrix within reach %s, want %s (regression)" % (got, want))
    got = [[c["supported"]["engaged"] for c in v["cells"]] for v in m["variants"]]
    want = [[False] * 4, [False] * 4]
    check(got == want, "matrix with sensor support %s, want %s (regression)" % (got, want))
    return r


# ---- 3. GeoJSON -------------------------------------------------------------

def area2(ring):
    s = 0.0
    for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:]):
        s += x0 * y1 - x1 * y0
    return s


def check_position(p, where):
    ok = isinstance(p, list) and len(p) in (2, 3) and all(isinstance(x, (int, float)) for x in p)
    if check(ok, "%s: bad position %r" % (where, p)):
        check(-180 <= p[0] <= 180 and -90 <= p[1] <= 90, "%s: position out of range %r (lon, lat order?)" % (where, p))


def check_line(coords, where):
    check(len(coords) >= 2, "%s: a line of %d positions" % (where, len(coords)))
    for a, b in zip(coords, coords[1:]):
        check_position(a, where)
        check(abs(b[0] - a[0]) <= 180, "%s: a segment crosses the antimeridian" % where)
    if coords:
        check_position(coords[-1], where)


def check_polygon(rings, where):
    check(len(rings) >= 1, "%s: polygon without rings" % where)
    for i, ring in enumerate(rings):
        check(len(ring) >= 4, "%s: ring of %d positions" % (where, len(ring)))
        check(ring[0] == ring[-1], "%s: ring not closed" % where)
        check_line(ring, where)
        a = area2(ring)
        if i == 0:
            check(a > 0, "%s: exterior ring not counterclockwise (area %g)" % (where, a))
        else:
            check(a < 0, "%s: hole not clockwise (area %g)" % (where, a))


def check_geojson(path):
    where = os.path.basename(path)
    try:
        d = json.load(open(path, encoding="utf-8"))
    except ValueError as e:
        fail("%s: not JSON: %s" % (where, e))
        return 0
    check(d.get("type") == "FeatureCollection", "%s: not a FeatureCollection" % where)
    n = 0
    for f in d.get("features", []):
        n += 1
        check(f.get("type") == "Feature" and isinstance(f.get("properties"), dict), "%s: bad feature" % where)
        g = f.get("geometry", {})
        t, c = g.get("type"), g.get("coordinates")
        if t == "Point":
            check_position(c, where)
        elif t == "LineString":
            check_line(c, where)
        elif t == "MultiLineString":
            for line in c:
                check_line(line, where)
        elif t == "Polygon":
            check_polygon(c, where)
        elif t == "MultiPolygon":
            for poly in c:
                check_polygon(poly, where)
        else:
            fail("%s: geometry type %s" % (where, t))
    return n


# ---- 4. KML -------------------------------------------------------------------

KML = "{http://www.opengis.net/kml/2.2}"


def check_kml(path):
    where = os.path.basename(path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail("%s: not XML: %s" % (where, e))
        return 0
    check(root.tag == KML + "kml", "%s: root is %s" % (where, root.tag))
    n = 0
    for pm in root.iter(KML + "Placemark"):
        n += 1
        name = pm.find(KML + "name")
        check(name is not None and name.text, "%s: a Placemark without a name" % where)
    for el in root.iter(KML + "coordinates"):
        pts = []
        for tok in el.text.split():
            parts = tok.split(",")
            if not check(len(parts) in (2, 3), "%s: bad tuple %s" % (where, tok)):
                continue
            x = [float(p) for p in parts]
            check(-180 <= x[0] <= 180 and -90 <= x[1] <= 90, "%s: out of range %s" % (where, tok))
            pts.append(x)
    for ring in root.iter(KML + "LinearRing"):
        c = ring.find(KML + "coordinates").text.split()
        check(len(c) >= 4 and c[0] == c[-1], "%s: LinearRing not closed" % where)
    return n


# ---- 5. CSV -------------------------------------------------------------------

def check_csv(path):
    where = os.path.basename(path)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    check(len(rows) >= 2, "%s: no rows" % where)
    if rows:
        w = len(rows[0])
        for i, r in enumerate(rows[1:], 2):
            check(len(r) == w, "%s:%d: %d fields, header has %d" % (where, i, len(r), w))
            for x in r:
                check(x.lower() not in ("nan", "-nan", "inf", "-inf"), "%s:%d: %s" % (where, i, x))


# ---- 5b. the two framings in the tables and layers ----------------------------

FRAMINGS = ("kinematic", "supported")
# the status words of a cell under each framing (docs/report-format.md)
STATUS_WORDS = {"kinematic": ("within-reach", "not-within-reach", "unreachable"),
                "supported": ("defended", "undefended", "unreachable")}
# report.json's intercept keys and the tables' columns, with the unit each is rounded to
INTERCEPT_COLS = (("time_s", "intercept_time_s", 0.1), ("lat_deg", "intercept_lat_deg", 1e-5),
                  ("lon_deg", "intercept_lon_deg", 1e-5), ("altitude_km", "intercept_altitude_km", 0.1),
                  ("ground_range_km", "intercept_ground_range_km", 0.1),
                  ("flyout_s", "intercept_flyout_s", 0.1),
                  ("closing_speed_mps", "intercept_closing_speed_mps", 1),
                  ("aspect_deg", "intercept_aspect_deg", 0.1))


def read_rows(d, rel):
    with open(os.path.join(d, rel), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def same_num(csv_text, json_value, unit, what):
    if json_value is None:
        return check(csv_text == "", "%s: %r in the table, null in report.json" % (what, csv_text))
    return check(csv_text != "" and abs(float(csv_text) - json_value) <= 1.01 * unit,
                 "%s: %r in the table, %s in report.json" % (what, csv_text, json_value))


def check_verdict_cols(row, fr, want, what, battery=None):
    """The columns FR_* of a table row against report.json's framing object."""
    p = fr + "_"
    check(row[p + "engaged"] == ("1" if want["engaged"] else "0"), "%s: %sengaged" % (what, p))
    if battery is not None:
        check(row[p + "battery"] == (battery or ""), "%s: %sbattery %r, want %r"
              % (what, p, row[p + "battery"], battery))
    same_num(row[p + "margin_s"], want["margin_s"], 0.1, what + " " + p + "margin_s")
    check(int(row[p + "shots"]) == want["shots"], "%s: %sshots" % (what, p))
    same_num(row[p + "p_kill"], want["p_kill"], 1e-4, what + " " + p + "p_kill")
    x = want["intercept"]
    for key, col, unit in INTERCEPT_COLS:
        same_num(row[p + col], x[key] if x else None, unit, what + " " + p + col)
    check(row[p + "intercept_supported_by"] == (";".join(x["supported_by"]) if x else ""),
          "%s: %sintercept_supported_by" % (what, p))
    check(row[p + "refused"] == (want["refused"] or ""), "%s: %srefused" % (what, p))


def check_framing_tables(d, r):
    variants = [v["name"] for v in r["scenario"]["variants"]]
    # engagements.csv and engagement-batteries.csv
    rows = {(x["engagement"], x["variant"]): x for x in read_rows(d, "tables/engagements.csv")}
    brows = {(x["engagement"], x["variant"], x["battery"]): x
             for x in read_rows(d, "tables/engagement-batteries.csv")}
    n_b = 0
    for e in r["engagements"]:
        for v in e["variants"]:
            if "kinematic" not in v:
                continue
            row = rows[(e["name"], v["variant"])]
            check(row["headline_framing"] == v["headline_framing"], "engagements.csv: headline_framing")
            for fr in FRAMINGS:
                best = None
                for b in v["batteries"]:
                    bf = b[fr]
                    if bf["shots"] > 0 and (best is None or bf["margin_s"] > best[1]["margin_s"]):
                        best = (b["battery"], bf)
                check_verdict_cols(row, fr, v[fr], "engagements.csv %s %s" % (e["name"], v["variant"]),
                                   battery=best[0] if best else "")
            for b in v["batteries"]:
                n_b += 1
                brow = brows[(e["name"], v["variant"], b["battery"])]
                for fr in FRAMINGS:
                    check_verdict_cols(brow, fr, b[fr], "engagement-batteries.csv %s %s %s"
                                       % (e["name"], v["variant"], b["battery"]))
                    check(not b["supported"]["engaged"] or b["kinematic"]["engaged"],
                          "battery engaged with sensor support but not within reach")
    check(n_b == len(brows), "engagement-batteries.csv: %d rows, report.json %d" % (len(brows), n_b))
    # intercepts.csv: every shot of report.json, in its order
    want = []
    for e in r["engagements"]:
        for v in e["variants"]:
            for b in v.get("batteries", []):
                for fr in FRAMINGS:
                    for i, sh in enumerate(b[fr]["shot_times"]):
                        want.append((e["name"], v["variant"], b["battery"], fr, i + 1, sh))
    irows = read_rows(d, "tables/intercepts.csv")
    check(len(irows) == len(want), "intercepts.csv: %d rows, report.json %d shots" % (len(irows), len(want)))
    for row, (name, var, bat, fr, i, sh) in zip(irows, want):
        what = "intercepts.csv %s %s %s %s shot %d" % (name, var, bat, fr, i)
        check((row["engagement"], row["variant"], row["battery"], row["framing"], row["shot"])
              == (name, var, bat, fr, str(i)), what + ": row order")
        same_num(row["launch_s"], sh["launch_s"], 0.1, what + " launch_s")
        same_num(row["intercept_time_s"], sh["intercept_s"], 0.1, what + " intercept_s")
        for key, col, unit in INTERCEPT_COLS:
            same_num(row[col], sh["intercept"][key], unit, what + " " + col)
        check(row["intercept_supported_by"] == ";".join(sh["intercept"]["supported_by"]), what + ": supported_by")
    # matrix.csv
    mrows = {(x["matrix"], x["variant"], x["from"], x["to"], x["missile"]): x
             for x in read_rows(d, "tables/matrix.csv")}
    for m in r["matrix"]:
        for v in m["variants"]:
            for c, fl in zip(v["cells"], m["flights"]):
                row = mrows[(m["name"], v["variant"], c["from"], c["to"], fl["missile"])]
                if c["engaged"] is None:
                    check(row["kinematic_engaged"] == "" and row["supported_engaged"] == "",
                          "matrix.csv: verdicts on a flight not flown")
                    continue
                for fr in FRAMINGS:
                    check_verdict_cols(row, fr, c[fr], "matrix.csv %s %s %s-%s"
                                       % (m["name"], v["variant"], c["from"], c["to"]))
    # footprints.csv and the cells
    frows = {(x["footprint"], x["variant"]): x for x in read_rows(d, "tables/footprints.csv")}
    for fp in r["footprints"]:
        cells = read_rows(d, fp["cells_table"])
        slugs = [s["slug"] for s in r["scenario"]["variants"]]
        for v, slug in zip(fp["variants"], slugs):
            row = frows[(fp["name"], v["variant"])]
            for fr in FRAMINGS:
                want = v[fr]
                check(int(row[fr + "_cells_engaged"]) == want["cells_defended"], "footprints.csv: cells")
                same_num(row[fr + "_engaged_area_km2"], want["defended_area_km2"], 1, "footprints.csv area")
                same_num(row[fr + "_engaged_land_km2"], want["defended_land_km2"], 1, "footprints.csv land")
                same_num(row[fr + "_engaged_land_share"], want["defended_land_share"], 1e-4,
                         "footprints.csv share")
                got = sum(c["%s_%s_status" % (slug, fr)] == STATUS_WORDS[fr][0] for c in cells)
                check(got == want["cells_defended"], "%s: %d cells %s under %s, report.json %d"
                      % (fp["cells_table"], got, STATUS_WORDS[fr][0], fr, want["cells_defended"]))
            hl = v["headline_framing"]
            for c in cells:
                where = "%s %s,%s %s" % (fp["cells_table"], c["lat_deg"], c["lon_deg"], slug)
                for fr in FRAMINGS:
                    check(c["%s_%s_status" % (slug, fr)] in STATUS_WORDS[fr], where + ": status word")
                # the headline columns (bench B2) are the headline framing's
                for col in ("status", "shots", "p_kill", "margin_s"):
                    check(c["%s_%s" % (slug, col)] == c["%s_%s_%s" % (slug, hl, col)],
                          where + ": headline %s is not the %s framing's" % (col, hl))
                if c[slug + "_supported_status"] == "defended":
                    check(c[slug + "_kinematic_status"] == "within-reach",
                          where + ": defended with sensor support, not within reach")
                check((c[slug + "_supported_status"] == "unreachable")
                      == (c[slug + "_kinematic_status"] == "unreachable"), where + ": unreachable differs")
    return len(variants)


def load_features(d, rel):
    return json.load(open(os.path.join(d, rel), encoding="utf-8"))["features"]


def check_intercept_points(d, r):
    feats = load_features(d, "layers/intercepts.geojson")
    got = {}
    for f in feats:
        p = f["properties"]
        key = (p["kind"], p["name"], p["variant"], p["from"], p["to"], p["missile"], p["framing"])
        check(key not in got, "intercepts.geojson: %s twice" % (key,))
        got[key] = f
        lon, lat, h = f["geometry"]["coordinates"]
        near(h / 1e3, p["altitude_km"], 0.06, "intercepts.geojson %s: height" % (key,))
        check(p["framing_words"] == ("within reach (kinematic)" if p["framing"] == "kinematic"
                                     else "engageable with sensor support"), "intercept words")
        check("defended" not in json.dumps(p), "intercepts.geojson: \"defended\" in %s" % (key,))
    for key in got:  # every supported intercept is also a kinematic one
        if key[6] == "supported":
            check(key[:6] + ("kinematic",) in got, "supported intercept %s not within reach" % (key,))
    want = {}
    missile = {t["id"]: t["missile"]["id"] for t in r["scenario"]["threats"]}
    for e in r["engagements"]:
        for v in e["variants"]:
            for fr in FRAMINGS:
                if fr in v and v[fr]["intercept"] is not None:
                    want[("engagement", e["name"], v["variant"], e["from"]["name"], e["to"]["name"],
                          missile[e["threat"]], fr)] = v[fr]
    for m in r["matrix"]:
        for v in m["variants"]:
            for c, fl in zip(v["cells"], m["flights"]):
                for fr in FRAMINGS:
                    if c["engaged"] is not None and c[fr]["engaged"]:
                        want[("matrix", m["name"], v["variant"], c["from"], c["to"], fl["missile"], fr)] = c[fr]
    check(set(got) == set(want), "intercepts.geojson: points %s, report.json %s"
          % (sorted(set(got) - set(want))[:3], sorted(set(want) - set(got))[:3]))
    for key in set(got) & set(want):
        p, x = got[key]["properties"], want[key]["intercept"]
        lon, lat, _ = got[key]["geometry"]["coordinates"]
        near(lon, x["lon_deg"], 1.01e-5, "%s lon" % (key,))
        near(lat, x["lat_deg"], 1.01e-5, "%s lat" % (key,))
        for k in ("time_s", "altitude_km", "ground_range_km", "flyout_s", "closing_speed_mps", "aspect_deg"):
            near(p[k], x[k], 1e-9, "%s %s" % (key, k))
        check(p["supported_by"] == x["supported_by"], "%s supported_by" % (key,))
    return len(got)


def check_matrix_layers(d, r):
    slugs = {s["name"]: s["slug"] for s in r["scenario"]["variants"]}
    for m in r["matrix"]:
        for v in m["variants"]:
            check(v["layer"] == "layers/matrix-%s-%s.geojson" % (m["name"], slugs[v["variant"]]),
                  "matrix layer name %s" % v["layer"])
            feats = load_features(d, v["layer"])
            flown = [c for c in v["cells"] if c["engaged"] is not None]
            check(len(feats) == len(flown), "%s: %d lines, %d flights" % (v["layer"], len(feats), len(flown)))
            for f, c in zip(feats, flown):
                p = f["properties"]
                check((p["from"], p["to"]) == (c["from"], c["to"]), "%s: line order" % v["layer"])
                for fr in FRAMINGS:
                    check(p[fr + "_engaged"] == c[fr]["engaged"], "%s: %s verdict" % (v["layer"], fr))
                    check(p[fr + "_refused"] == c[fr]["refused"], "%s: %s refused" % (v["layer"], fr))
                    check(p[fr + "_margin_s"] == c[fr]["margin_s"], "%s: %s margin" % (v["layer"], fr))
                want = ("supported" if c["supported"]["engaged"] else
                        "kinematic-only" if c["kinematic"]["engaged"] else "none")
                check(p["class"] == want, "%s: class %s, want %s" % (v["layer"], p["class"], want))


def check_footprint_layers(d, r):
    for fp in r["footprints"]:
        for v in fp["variants"]:
            for fr in FRAMINGS:
                rel = v[fr]["layer"]
                check(rel == v["layer"].replace(".geojson", "-%s.geojson" % fr), "footprint layer %s" % rel)
                feats = load_features(d, rel)
                yes, no, _ = STATUS_WORDS[fr]
                area = 0
                for f in feats:
                    p = f["properties"]
                    check(p["framing"] == fr and p["variant"] == v["variant"], "%s: framing/variant" % rel)
                    check(p["status"] in (yes, no), "%s: status %s" % (rel, p["status"]))
                    if p["status"] == yes:
                        area += p["area_km2"]
                near(area, v[fr]["defended_area_km2"], len(feats) + 1, "%s: %s area" % (rel, yes))
                if fr == "kinematic":  # "within reach", never "defended"
                    for ext in (".geojson", ".kml"):
                        text = open(os.path.join(d, rel.replace(".geojson", ext)), encoding="utf-8").read()
                        check("defended" not in text, "%s: the kinematic framing called defended" % rel)
            hl = v["headline_framing"]
            a = open(os.path.join(d, v["layer"]), "rb").read()
            b = open(os.path.join(d, v[hl]["layer"]), "rb").read()
            check(a == b, "%s is not the %s framing's layer" % (v["layer"], hl))


def check_framings(d, r):
    check_framing_tables(d, r)
    n = check_intercept_points(d, r)
    check(n > 0, "no intercept points")
    check_matrix_layers(d, r)
    check_footprint_layers(d, r)


# ---- 6. determinism -------------------------------------------------------------

def same_tree(a, b):
    fa, fb = all_files(a), all_files(b)
    check(fa == fb, "file lists differ: %s" % sorted(set(fa) ^ set(fb)))
    for f in fa:
        if f == "run.log" or f not in fb:
            continue
        check(filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False),
              "%s differs between %s and %s" % (f, os.path.basename(a), os.path.basename(b)))


# ---- 7. malformed scenarios ---------------------------------------------------------

def check_bad(tmp):
    files = sorted(glob.glob(os.path.join(BAD, "*.yaml")))
    check(len(files) >= 25, "only %d malformed scenarios in tests/scenarios/bad" % len(files))
    for path in files:
        expects = []
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.match(r"#\s*expect:\s*(\d+):(\d+):\s*(.*)", line)
                if m:
                    expects.append(m.groups())
        out = os.path.join(tmp, "bad-out")
        p = run([path, "-o", out, "--quiet"], timeout=120)
        name = os.path.basename(path)
        check(p.returncode == 2, "%s: exit %d, want 2 (stderr: %s)" % (name, p.returncode, p.stderr[:300]))
        for line, col, msg in expects:
            pat = re.escape(path) + ":" + line + ":" + col + ": error: "
            check(re.search(pat, p.stderr) is not None,
                  "%s: stderr lacks %s:%s (got: %s)" % (name, line, col, p.stderr[:300]))
        check(not os.path.exists(out), "%s: a folder was made" % name)
        check(os.listdir(tmp) == [], "%s: left %s" % (name, os.listdir(tmp)))


# ---- 8. the run folder -----------------------------------------------------------------

def check_folder_rules(tmp):
    out = os.path.join(tmp, "out")
    # a folder that is not a run's is refused and left alone
    os.makedirs(out)
    with open(os.path.join(out, "precious.txt"), "w") as f:
        f.write("mine")
    p = run([SMALL, "-o", out, "--quiet", "-j", "2"])
    check(p.returncode == 2, "run into a foreign folder: exit %d, want 2" % p.returncode)
    check(os.listdir(out) == ["precious.txt"], "the foreign folder was touched: %s" % os.listdir(out))
    check(sorted(os.listdir(tmp)) == ["out"], "left %s beside it" % os.listdir(tmp))
    shutil.rmtree(out)
    # an earlier run is replaced by a complete one (its own files only: a
    # user's file in it is refused, tests/cli/runfolder_checks.py)
    p = run([SMALL, "-o", out, "--quiet", "-j", "2"])
    check(p.returncode == 0, "first run: exit %d (%s)" % (p.returncode, p.stderr[:300]))
    os.utime(os.path.join(out, "report.json"), (1, 1))
    p = run([SMALL, "-o", out, "--quiet", "-j", "2"])
    check(p.returncode == 0, "second run: exit %d" % p.returncode)
    check(os.stat(os.path.join(out, "report.json")).st_mtime > 1, "the earlier folder was not replaced")
    check(sorted(os.listdir(tmp)) == ["out"], "left %s beside the folder" % os.listdir(tmp))
    # an interrupted run leaves nothing, and the earlier folder stays
    os.utime(os.path.join(out, "report.json"), (1, 1))
    proc = subprocess.Popen([BIN, "run", BIG, "-o", out, "--quiet", "-j", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("the interrupted run did not stop within 120 s")
        return
    check(proc.returncode in (-signal.SIGINT, 130), "interrupted run: exit %s" % proc.returncode)
    check(os.stat(os.path.join(out, "report.json")).st_mtime == 1,
          "the interrupted run replaced the earlier folder")
    check(sorted(os.listdir(tmp)) == ["out"], "the interrupted run left %s" % os.listdir(tmp))
    # a new folder: an interrupted run leaves no folder at all
    fresh = os.path.join(tmp, "fresh", "deeper")
    proc = subprocess.Popen([BIN, "run", BIG, "-o", fresh, "--quiet", "-j", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    check(not os.path.exists(os.path.join(tmp, "fresh")), "the interrupted run left a folder")
    # SIGTERM is reported as such and re-raised as SIGTERM (not SIGINT)
    check(proc.returncode == -signal.SIGTERM, "SIGTERM: exit %s, want -%d" % (proc.returncode, signal.SIGTERM))
    check("interrupted by SIGTERM" in err, "SIGTERM not reported: %r" % err[:200])


def check_mode(tmp):
    for mask in (None, 0o027):
        out = os.path.join(tmp, "mode-%s" % ("caller" if mask is None else "%03o" % mask))
        pre = None if mask is None else (lambda m=mask: os.umask(m))
        p = run([SMALL, "-o", out, "--quiet", "-j", "2"], preexec_fn=pre)
        if not check(p.returncode == 0, "run for the mode: exit %d (%s)" % (p.returncode, p.stderr[:300])):
            continue
        if mask is None:
            mask = os.umask(0o022)
            os.umask(mask)
        got = os.stat(out).st_mode & 0o7777
        check(got == 0o777 & ~mask, "run folder mode under umask %03o: want %03o, got %03o"
              % (mask, 0o777 & ~mask, got))
        shutil.rmtree(out)


def main():
    tmp = tempfile.mkdtemp(prefix="thirdsite-run-")
    try:
        dirs = {}
        for name, args in (("j1", ["-j", "1"]), ("j2", ["-j", "2"]), ("repeat", ["-j", "2"])):
            d = os.path.join(tmp, name)
            p = run([SMALL, "-o", d, "--quiet"] + args)
            if not check(p.returncode == 0, "run %s: exit %d (%s)" % (name, p.returncode, p.stderr[:500])):
                return
            # LeakSanitizer's summary of suppressions (sanitizer builds) aside
            err = re.sub(r"-+\nSuppressions used:\n(.*\n)*?-+\n\n?", "", p.stderr)
            check(p.stdout == "" and err == "", "run --quiet %s printed: %r %r" % (name, p.stdout, err))
            dirs[name] = d
        d = dirs["j1"]
        check_files(d)
        r = check_report(d)
        n_geo = sum(check_geojson(p) for p in sorted(glob.glob(os.path.join(d, "layers", "*.geojson"))))
        n_kml = sum(check_kml(p) for p in sorted(glob.glob(os.path.join(d, "layers", "*.kml"))))
        check(n_geo > 10 and n_kml > 10, "few features: %d GeoJSON, %d KML" % (n_geo, n_kml))
        for p in sorted(glob.glob(os.path.join(d, "tables", "*.csv"))):
            check_csv(p)
        check_framings(d, r)
        same_tree(dirs["j1"], dirs["j2"])
        same_tree(dirs["j2"], dirs["repeat"])
        for name in dirs:
            shutil.rmtree(dirs[name])
        bad = os.path.join(tmp, "bad")
        os.makedirs(bad)
        check_bad(bad)
        shutil.rmtree(bad)
        rules = os.path.join(tmp, "rules")
        os.makedirs(rules)
        check_folder_rules(rules)
        check_mode(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("run_checks: %d failures" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
