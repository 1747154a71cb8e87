#!/usr/bin/env python3
"""layers/run.czml of a run against its report.json (docs/report-format.md,
"layers/run.czml"; the CZML Guide and Packet reference of CesiumJS):

  czml_checks.py THIRDSITE SCENARIO

- a JSON array whose first packet is the document (id "document", version
  "1.0", a clock whose interval is two ISO 8601 UTC times and whose
  currentTime is its start), the only one with a clock; ids unique;
- every parent named is a packet of the file; every sample time of every
  time-tagged position lies inside the clock interval;
- each threat flight of report.json (listed engagements, matrix flights)
  has its packet, whose samples are the flight's: SAMPLE_DT_S apart from
  launch (0) to impact (report's flight_time_s), their count from that
  time alone, heights never negative, the greatest height the report's
  apogee; its phase lines meet at the report's burnout and reentry times'
  positions (consecutive phases share their end points);
- every shot of report.json (each battery's shot_times, per variant and
  framing) has its fly-out, whose last sample is the report's intercept
  (time, place, height) and whose first lies flyout_s before;
- the same bytes from -j 1 and -j 2.
"""
import datetime
import json
import math
import os
import re
import subprocess
import sys
import tempfile

SAMPLE_DT_S = 10.0  # src/output/czml.c
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL " + what)


def iso(s):
    check(ISO.match(s) is not None, "not an ISO 8601 UTC time: %r" % s)
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def expected_times(t0, t1):
    """czml.c's sample times of [t0, t1] (multiples of the step between)."""
    out = [t0]
    x = (math.floor(t0 / SAMPLE_DT_S) + 1) * SAMPLE_DT_S
    while x < t1 - 0.5 * SAMPLE_DT_S:
        out.append(x)
        x += SAMPLE_DT_S
    out.append(t1)
    return out


def samples(prop, n=4):
    a = prop["cartographicDegrees"]
    return [a[i:i + n] for i in range(0, len(a), n)]


def main():
    binary, scenario = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        outs = []
        for j in ("1", "2"):
            d = os.path.join(tmp, "j" + j)
            r = subprocess.run([binary, "run", scenario, "-o", d, "-j", j, "--quiet"],
                               capture_output=True, text=True, timeout=600)
            check(r.returncode == 0, "run -j %s failed: %s" % (j, r.stderr))
            outs.append(d)
        raw = [open(os.path.join(d, "layers", "run.czml"), "rb").read() for d in outs]
        check(raw[0] == raw[1], "run.czml differs between -j 1 and -j 2")
        czml = json.loads(raw[0])
        report = json.load(open(os.path.join(outs[0], "report.json")))
        html = open(os.path.join(outs[0], "index.html"), encoding="utf-8").read()
        check('href="globe.html"' in html, "index.html does not link globe.html")
        check(os.path.exists(os.path.join(outs[0], "globe.html")), "globe.html missing")

    # ---- the document ----
    doc = czml[0]
    check(doc.get("id") == "document" and doc.get("version") == "1.0", "first packet is not the document")
    check(bool(doc.get("name")), "document without a name")
    clock = doc.get("clock", {})
    start_s, end_s = clock.get("interval", "/").split("/")
    start, end = iso(start_s), iso(end_s)
    check(start < end, "clock interval empty")
    check(clock.get("currentTime") == start_s, "clock currentTime is not its start")
    check(isinstance(clock.get("multiplier"), (int, float)) and clock["multiplier"] > 0, "clock multiplier")
    span = (end - start).total_seconds()

    ids = {}
    for p in czml:
        check("id" in p, "packet without id")
        check(p["id"] not in ids, "id twice: %s" % p["id"])
        ids[p["id"]] = p
    for p in czml[1:]:
        check("clock" not in p and p["id"] != "document", "a second document or clock: %s" % p["id"])
        if "parent" in p:
            check(p["parent"] in ids, "%s: parent %s is no packet" % (p["id"], p["parent"]))
        pos = p.get("position", {})
        if "epoch" in pos:
            ep = iso(pos["epoch"])
            check(pos.get("referenceFrame") == "FIXED", "%s: frame not FIXED" % p["id"])
            for s in samples(pos):
                t = (ep - start).total_seconds() + s[0]
                check(-1e-6 <= t <= span + 1e-6, "%s: sample at %.3f s outside the clock" % (p["id"], t))
                check(s[3] >= 0, "%s: negative height" % p["id"])

    # ---- threat flights ----
    flights = []
    for e in report["engagements"]:
        if e["flight"]["ok"]:
            flights.append(("flight/" + e["name"], e["flight"], e["to"]))
    for m in report["matrix"]:
        n_to = len(m["to"])  # flights row by row (base and missile), then target
        for i, fl in enumerate(m["flights"]):
            if fl["ok"]:
                flights.append(("matrix/%s/%d-%d" % (m["name"], i // n_to, i % n_to), fl, m["to"][i % n_to]))
    check(len(flights) > 0, "no flight to check")
    for fid, f, to in flights:
        p = ids.get(fid)
        check(p is not None, "no packet for flight %s" % fid)
        if p is None:
            continue
        s = samples(p["position"])
        T = f["flight_time_s"]
        exp = expected_times(0.0, T)
        check(len(s) == len(exp), "%s: %d samples, the flight's %.1f s give %d" % (fid, len(s), T, len(exp)))
        check(s[0][0] == 0 and abs(s[-1][0] - T) <= 0.05 + 1e-9, "%s: samples from %s to %s s, flight %s s"
              % (fid, s[0][0], s[-1][0], T))
        check(all(abs(a[0] - b) < 1e-3 for a, b in zip(s[1:-1], exp[1:-1])), "%s: sample times" % fid)
        top = max(x[3] for x in s)
        # the samples are 10 s apart: at apogee the height changes by well
        # under 1 km in 10 s (vertical speed ~0 there)
        check(abs(top / 1e3 - f["apogee_km"]) < 1.0, "%s: greatest height %.1f km, apogee %.1f km"
              % (fid, top / 1e3, f["apogee_km"]))
        if to is not None:
            d = math.hypot(s[-1][1] - to["lon_deg"], s[-1][2] - to["lat_deg"])
            check(d < 0.01 and s[-1][3] < 50, "%s: impact %.4f deg from the target" % (fid, d))
        phases = [ids.get(fid + "/" + ph) for ph in ("boost", "midcourse", "reentry")]
        check(all(ph is not None and ph.get("parent") == fid for ph in phases), "%s: phase lines" % fid)
        if all(phases):
            lines = [samples(ph["polyline"]["positions"], 3) for ph in phases]
            for a, b in zip(lines, lines[1:]):
                check(a[-1] == b[0], "%s: phases do not meet" % fid)
            check(lines[0][0] == s[0][1:] and lines[2][-1] == s[-1][1:], "%s: phases not launch to impact" % fid)
            check(len(lines[0]) == len(expected_times(0.0, f["burnout_s"])) or
                  abs(len(lines[0]) - len(expected_times(0.0, f["burnout_s"]))) <= 1,
                  "%s: boost line samples" % fid)

    # ---- shots of the listed engagements ----
    n_shots = 0
    for e in report["engagements"]:
        for v in e["variants"]:
            vs = v["variant"]
            for b in v["batteries"]:
                for fr in ("kinematic", "supported"):
                    shots = b[fr]["shot_times"] or []
                    for k, sh in enumerate(shots):
                        x = sh["intercept"]
                        pid = "variant/%s/%s/%s/%s/%d/flyout" % (vs, fr, e["name"], b["battery"], k + 1)
                        p = ids.get(pid)
                        check(p is not None, "no fly-out %s" % pid)
                        if p is None:
                            continue
                        n_shots += 1
                        s = samples(p["position"])
                        check(abs(s[-1][0] - x["time_s"]) <= 0.051, "%s: arrives at %s s, report %s" % (pid, s[-1][0], x["time_s"]))
                        check(abs((s[-1][0] - s[0][0]) - x["flyout_s"]) <= 0.11, "%s: fly-out time" % pid)
                        check(abs(s[-1][1] - x["lon_deg"]) < 1e-4 and abs(s[-1][2] - x["lat_deg"]) < 1e-4
                              and abs(s[-1][3] / 1e3 - x["altitude_km"]) < 0.051, "%s: not at the intercept" % pid)
                        check(pid.replace("/flyout", "/intercept") in ids, "%s: no intercept point" % pid)
    print("czml: %d packets, %d flights, %d shots checked" % (len(czml), len(flights), n_shots))
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all czml checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
