#!/usr/bin/env python3
"""thirdsite sensitivity (docs/analysis-commands.md).

  sensitivity_checks.py THIRDSITE

  1. the answer at each end of each range equals a direct run with that
     setting (`thirdsite run --set`, its report.json answers), and the base
     a run without: the independent truth is the run; the ranking is by the
     swing |at_high - at_low|; a parameter that cannot move the answer (the
     notional SSPK for a count of flights within reach) has swing 0; an
     entry the scenario lacks (a Gabala radar) is skipped with a note;
  2. the folder (-o): report.json = --json, the ranked CSV, the tornado
     chart's PNG and SVG, index.html, the run-folder marker;
  3. the shipped data/uncertainty.yaml is read (every entry valid for
     tests/scenarios/small.yaml or skipped), and no interceptor or doctrine
     parameter moves the first detection;
  4. bad input is exit 2 naming it: a ranges file's bad unit and unknown key
     (file:line:col), an unknown answer (--answer), no --answer.
Python 3 standard library only.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SMALL = os.path.join(ROOT, "tests", "scenarios", "small.yaml")
BIN = os.path.abspath(sys.argv[1])
ANSWER = "russian.kinematic.engaged"
failures = []

RANGES = """parameters:
  doctrine.sspk:
    low: 0.7
    high: 0.9
    what: single-shot kill probability
    sources: "test: notional"
  batteries.redzikowo.burnout_speed:
    low: 5 km/s
    high: 9 km/s
    what: GBI burnout speed
    sources: "test: SOURCES.md's disputed span, widened"
  sensors.gabala.ref_range:
    low: 6000 km
    high: 7200 km
    sources: "test: not in this scenario"
"""


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    return cond


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=900)


def direct(tmp, tag, *sets):
    out = os.path.join(tmp, "direct-" + tag)
    args = ["run", SMALL, "-o", out, "--quiet", "-j", "2"]
    for s in sets:
        args += ["--set", s]
    p = run(*args)
    if not check(p.returncode == 0, "direct run %s: exit %d %s" % (tag, p.returncode, p.stderr)):
        return None
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f)["answers"]["base"][ANSWER]["value"]


def case_sensitivity(tmp):
    ranges = os.path.join(tmp, "ranges.yaml")
    with open(ranges, "w") as f:
        f.write(RANGES)
    out = os.path.join(tmp, "sens")
    p = run("sensitivity", SMALL, "--answer", ANSWER, "--ranges", ranges, "-j", "2", "-o", out,
            "--json", "--quiet")
    if not check(p.returncode == 0, "1: exit %d %s" % (p.returncode, p.stderr)):
        return
    r = json.loads(p.stdout)
    items = {i["parameter"]: i for i in r["parameters"]}
    check(set(items) == {"doctrine.sspk", "batteries.redzikowo.burnout_speed"}, "1: items %s" % sorted(items))
    check(len(r["skipped"]) == 1 and "gabala" in r["skipped"][0], "1: skipped %s" % r["skipped"])
    check(r["evaluations"] == 5, "1: %d evaluations, want 5 (base + 2 x 2)" % r["evaluations"])
    base = direct(tmp, "base")
    check(base == r["base"], "1: base %s, direct run %s" % (r["base"], base))
    for path, ends in (("batteries.redzikowo.burnout_speed", ("5 km/s", "9 km/s")), ("doctrine.sspk", ("0.7", "0.9"))):
        it = items.get(path)
        if not it:
            continue
        for end, val in zip(("at_low", "at_high"), ends):
            d = direct(tmp, path + end, "%s=%s" % (path, val))
            check(d == it[end], "1: %s %s: %s, direct run %s" % (path, end, it[end], d))
        check(abs(it["swing"] - abs(it["at_high"] - it["at_low"])) < 1e-12, "1: %s swing" % path)
    check(r["parameters"][0]["parameter"] == "batteries.redzikowo.burnout_speed", "1: ranking %s"
          % [i["parameter"] for i in r["parameters"]])
    check(items["doctrine.sspk"]["swing"] == 0, "1: SSPK moves a count within reach: %s" % items["doctrine.sspk"])
    check(items["batteries.redzikowo.burnout_speed"]["swing"] > 0, "1: burnout speed does not move the count")
    for rel in ("report.json", "tables/sensitivity.csv", "charts/tornado.png", "charts/tornado.svg",
                "index.html", ".thirdsite-run"):
        check(os.path.isfile(os.path.join(out, rel)), "2: %s missing" % rel)
    with open(os.path.join(out, "report.json")) as f:
        check(json.load(f) == r, "2: report.json differs from --json")
    with open(os.path.join(out, "tables", "sensitivity.csv")) as f:
        rows = list(csv.DictReader(f))
    check([x["parameter"] for x in rows] == [i["parameter"] for i in r["parameters"]], "2: CSV order")
    with open(os.path.join(out, "charts", "tornado.png"), "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", "2: tornado.png is not a PNG")


def case_shipped():
    p = run("sensitivity", SMALL, "--answer", "semnan-london.detection", "-j", "2", "--json", "--quiet")
    if not check(p.returncode == 0, "3: shipped ranges: exit %d %s" % (p.returncode, p.stderr)):
        return
    r = json.loads(p.stdout)
    check(len(r["parameters"]) >= 5, "3: %d parameters read" % len(r["parameters"]))
    check(all(i["sources"] for i in r["parameters"]), "3: an entry without sources")
    # the first detection is the sensors': the interceptors and the doctrine
    # cannot move it
    for i in r["parameters"]:
        check(i["at_low"] is not None and i["at_high"] is not None, "3: no detection: %s" % i)
        if i["parameter"].startswith(("batteries.", "doctrine.")):
            check(i["swing"] == 0, "3: %s moved the detection: %s" % (i["parameter"], i))


def case_refusals(tmp):
    bad = os.path.join(tmp, "bad.yaml")
    with open(bad, "w") as f:
        f.write("parameters:\n  batteries.redzikowo.burnout_speed:\n    low: 5 km\n    high: 9 km\n"
                "    sources: x\n")
    p = run("sensitivity", SMALL, "--answer", ANSWER, "--ranges", bad)
    check(p.returncode == 2, "4: bad unit in ranges: exit %d %s" % (p.returncode, p.stderr))
    check(bad + ":2:3:" in p.stderr, "4: bad unit not at file:line:col: %s" % p.stderr)
    with open(bad, "w") as f:
        f.write("parameters:\n  doctrine.sspk:\n    low: 0.7\n    hihg: 0.9\n    sources: x\n")
    p = run("sensitivity", SMALL, "--answer", ANSWER, "--ranges", bad)
    check(p.returncode == 2 and bad + ":4:5:" in p.stderr, "4: unknown key: exit %d %s" % (p.returncode, p.stderr))
    p = run("sensitivity", SMALL, "--answer", "russian.kinematic.nosuch", "--ranges", bad)
    check(p.returncode == 2, "4: unknown answer (with a bad file): exit %d" % p.returncode)
    ok = os.path.join(tmp, "ok.yaml")
    with open(ok, "w") as f:
        f.write("parameters:\n  doctrine.sspk: {low: 0.7, high: 0.9, sources: x}\n")
    p = run("sensitivity", SMALL, "--answer", "russian.kinematic.nosuch", "--ranges", ok)
    check(p.returncode == 2 and "--answer" in p.stderr and "nosuch" in p.stderr,
          "4: unknown answer: exit %d %s" % (p.returncode, p.stderr))
    p = run("sensitivity", SMALL, "--answer", "nosuch.kinematic.engaged", "--ranges", ok)
    check(p.returncode == 2 and "--answer" in p.stderr, "4: unknown analysis: exit %d %s" % (p.returncode, p.stderr))
    p = run("sensitivity", SMALL)
    check(p.returncode == 2 and "--answer" in p.stderr, "4: no --answer: exit %d %s" % (p.returncode, p.stderr))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        case_sensitivity(tmp)
        case_shipped()
        case_refusals(tmp)
    print("sensitivity_checks: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
