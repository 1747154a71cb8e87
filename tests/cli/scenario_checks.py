#!/usr/bin/env python3
"""Runs the shipped regional scenarios (scenarios/israel-thaad.yaml,
scenarios/north-sea-sm3.yaml) and checks their answers against truths
that do not come from thirdsite.

Usage: scenario_checks.py [THIRDSITE]   (binary as in run_checks.py)

Truths:
  - Region land: the official areas of the region's countries (CIA World
    Factbook, "Area"), against the land of the footprint grid's cells in the
    region (Natural Earth 1:50m, cell-centre rule): within 6%, the grid
    (0.1 and 1 deg cells) and the 1:50m coastline's error.
  - Reach: a city within 1,150 km (great circle, R = 6371.0088 km) of a
    launch site is inside the Shahab-3's published 1,300 km range
    (data/PROVENANCE.md: 1,263 km computed) whatever the Earth's rotation:
    its cell is not unreachable.
  - Shares: defended <= reachable <= land; the share of the reachable land
    is the defended land over the reachable land.
Answers pinned (regressions; the reasons in the scenarios' comments):
  - the Aegis ship on its own SPY-1 (600 km notional) commits too late for
    any flight of the notional ICBM; on Fylingdales' tracks it defends most
    of the North Sea states, the IIA more than the IB.
"""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL: " + msg)
    return cond


def find_binary():
    if len(sys.argv) > 1:
        return os.path.abspath(sys.argv[1])
    if os.environ.get("THIRDSITE_BIN"):
        return os.environ["THIRDSITE_BIN"]
    with open("/proc/%d/cmdline" % os.getppid(), "rb") as f:
        args = [a.decode() for a in f.read().split(b"\0") if a]
    for i, a in enumerate(args):
        if a.endswith("run_golden.py") and i + 1 < len(args):
            return os.path.abspath(args[i + 1])
    sys.exit("scenario_checks.py: no thirdsite binary")


def km(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def run(binary, name, tmp):
    out = os.path.join(tmp, name)
    p = subprocess.run([binary, "run", os.path.join(ROOT, "scenarios", name + ".yaml"), "-o", out,
                        "--quiet", "-j", "2"], capture_output=True, text=True, timeout=900)
    if not check(p.returncode == 0, "%s: exit %d: %s" % (name, p.returncode, p.stderr[:400])):
        return None
    check("warning" not in p.stderr, "%s: warnings: %s" % (name, p.stderr[:400]))
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        return json.load(f)


def shares(fp, name):
    land = fp["land_area_km2"]
    for v in fp["variants"]:
        d, r = v["defended_land_km2"], v["reachable_land_km2"]
        check(0 <= d <= r <= land, "%s %s: defended %s <= reachable %s <= land %s" % (name, v["variant"], d, r, land))
        if r > 0:
            check(abs(v["defended_share_of_reachable_land"] - d / r) < 1e-3,
                  "%s %s: share of reachable %s vs %s" % (name, v["variant"], v["defended_share_of_reachable_land"], d / r))


def main():
    binary = find_binary()
    tmp = tempfile.mkdtemp(prefix="thirdsite-scen-")
    try:
        r = run(binary, "israel-thaad", tmp)
        if r:
            fp = r["footprints"][0]
            shares(fp, "israel")
            # CIA World Factbook: Israel 21,937 km^2 (incl. the Golan as
            # administered: 22,072), West Bank 5,860, Gaza Strip 360
            want = 22072 + 5860 + 360
            check(abs(fp["land_area_km2"] - want) / want < 0.06,
                  "israel: region land %s km^2, want %d within 6%%" % (fp["land_area_km2"], want))
            check(fp["region_countries"] == ["ISR", "PSE"], "israel: countries %s" % fp["region_countries"])
            cities = {c["name"]: c for c in fp["cities"]}
            kermanshah = (34.31, 47.07)
            for c in fp["cities"]:
                if km(kermanshah, (c["lat_deg"], c["lon_deg"])) < 1150:
                    check(all(v != "unreachable" for v in c["verdict"].values()),
                          "israel: %s within 1,150 km of Kermanshah is unreachable" % c["name"])
            for n in ("Tel Aviv", "Jerusalem", "Haifa"):
                check(n in cities, "israel: %s not among the region's cities" % n)
            base = fp["variants"][0]
            arrow = [v for v in fp["variants"] if v["variant"] == "with-arrow-3"][0]
            check(arrow["defended_land_km2"] >= base["defended_land_km2"],
                  "israel: Arrow 3 adds nothing or takes away")
            check(cities.get("Tel Aviv", {}).get("verdict", {}).get("thaad-tpy2") == "defended",
                  "israel: Tel Aviv not defended by THAAD")
            pop = sum(c["population"] for c in fp["cities"] if c["verdict"]["thaad-tpy2"] == "defended")
            check(pop == base["city_population_defended"], "israel: defended population %s vs %s"
                  % (base["city_population_defended"], pop))
        r = run(binary, "north-sea-sm3", tmp)
        if r:
            fp = r["footprints"][0]
            shares(fp, "north-sea")
            # CIA World Factbook land areas: United Kingdom 241,930; Ireland
            # 68,883; Norway 304,282 (Svalbard and Jan Mayen apart); Denmark
            # 42,434; Netherlands 33,893; Belgium 30,278
            want = 241930 + 68883 + 304282 + 42434 + 33893 + 30278
            check(abs(fp["land_area_km2"] - want) / want < 0.08,
                  "north-sea: region land %s km^2, want %d within 8%%" % (fp["land_area_km2"], want))
            v = {x["variant"]: x for x in fp["variants"]}
            check(v["sm3-ib"]["defended_land_km2"] == 0 and v["sm3-iia"]["defended_land_km2"] == 0,
                  "north-sea: the ship on its own SPY-1 defends something")
            check(v["sm3-iia-on-fylingdales"]["defended_land_share"] >= v["sm3-ib-on-fylingdales"]["defended_land_share"] > 0.5,
                  "north-sea: on Fylingdales' tracks: IIA %s, IB %s" %
                  (v["sm3-iia-on-fylingdales"]["defended_land_share"], v["sm3-ib-on-fylingdales"]["defended_land_share"]))
            names = {c["name"] for c in fp["cities"]}
            for n in ("London", "Oslo", "Copenhagen", "Amsterdam", "Dublin", "Brussels"):
                check(n in names, "north-sea: %s not among the region's cities" % n)
            check("Paris" not in names, "north-sea: Paris counted in the North Sea states")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("scenario_checks: %d failures" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
