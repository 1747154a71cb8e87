#!/usr/bin/env python3
"""thirdsite threshold (docs/analysis-commands.md).

  threshold_checks.py THIRDSITE

  1. the threshold of the GBI burnout speed at which no Russian flight of
     tests/scenarios/small.yaml is within reach any more: --json has the
     fields promised, the bracket is at most the tolerance wide, and the
     threshold is verified by direct runs just below and just above it
     (`thirdsite run --set PATH=VALUE`, its report.json answers): the
     independent truth is the run, not the search;
  2. the folder (-o): report.json = --json, the curve's CSV has every
     point evaluated, the chart's PNG and SVG, index.html, the run-folder
     marker; the same bytes with -j 1 (determinism);
  3. bad input is exit 2 and names the option: an unknown path (--vary),
     an unknown variant (--variant, the known ones listed),
     a unit the key does not take and a text that is no quantity
     (--between), a condition on an unknown answer or analysis (--until),
     a condition that holds at both ends or at neither (--until, the
     values shown).  The non-monotone refusal (ends differ, more than one
     change) cannot be reached with a monotone answer and one comparison
     (the changes of such a condition are at most two, and ends that
     differ need an odd number); its decision is tested in
     tests/unit/test_threshold.c.
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
PATH = "batteries.redzikowo.burnout_speed"
UNTIL = "russian.kinematic.engaged == 0"
KEEP = "eastern-europe.supported.defended_land_share >= 0.5"
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    return cond


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=900)


def direct_answers(tmp, value_si, name):
    """The answers of a direct run with PATH = value_si m/s."""
    out = os.path.join(tmp, "direct-%d" % round(value_si * 1000))
    p = run("run", SMALL, "--set", "%s=%.10g m/s" % (PATH, value_si), "-o", out, "--quiet", "-j", "2")
    if not check(p.returncode == 0, "direct run at %g m/s: exit %d %s" % (value_si, p.returncode, p.stderr)):
        return None
    with open(os.path.join(out, "report.json")) as f:
        r = json.load(f)
    return {k: v["value"] for k, v in r["answers"][name].items()}


def holds(value, op, ref):
    if value is None:
        return False
    return {"==": value == ref, "!=": value != ref, "<": value < ref, "<=": value <= ref,
            ">": value > ref, ">=": value >= ref}[op]


def case_threshold(tmp):
    out = os.path.join(tmp, "thr")
    p = run("threshold", SMALL, "--vary", PATH, "--between", "4 km/s", "9 km/s", "--until", UNTIL,
            "--keep", KEEP, "--tol", "0.25 km/s", "-j", "2", "-o", out, "--json", "--quiet")
    if not check(p.returncode == 0, "1: threshold exit %d: %s" % (p.returncode, p.stderr)):
        return None
    r = json.loads(p.stdout)
    for k in ("parameter", "threshold", "unit", "tolerance", "below", "above"):
        check(k in r, "1: --json lacks %s" % k)
    check(r["parameter"] == PATH and r["unit"] == "m/s", "1: parameter/unit %s %s" % (r["parameter"], r["unit"]))
    check(abs(r["tolerance"] - 250.0) < 1e-9, "1: tolerance %s m/s, want 250" % r["tolerance"])
    lo, hi = r["below"]["value"], r["above"]["value"]
    check(4000 <= lo < r["threshold"] < hi <= 9000, "1: bracket %s %s %s" % (lo, r["threshold"], hi))
    check(hi - lo <= 250.0 + 1e-9, "1: bracket %g wider than the tolerance" % (hi - lo))
    check(r["below"]["until"] != r["above"]["until"], "1: --until the same on both sides")
    # the direct runs: independent truth
    base = "base"
    for side, v in (("below", lo), ("above", hi)):
        a = direct_answers(tmp, v, base)
        if a is None:
            continue
        got = holds(a["russian.kinematic.engaged"], "==", 0)
        check(got == r[side]["until"], "1: direct run %s (%g m/s): engaged %s, --until %s, search said %s"
              % (side, v, a["russian.kinematic.engaged"], got, r[side]["until"]))
        share = a["eastern-europe.supported.defended_land_share"]
        check(holds(share, ">=", 0.5) == r[side]["keep"],
              "1: direct run %s: share %s, --keep said %s" % (side, share, r[side]["keep"]))
        check(abs(a["russian.kinematic.engaged"] - r[side]["answers"]["russian.kinematic.engaged"]) < 1e-9,
              "1: direct run %s: answers differ from the search's" % side)
    # at the low end the interceptor is slow: no Russian flight within reach
    check(r["until"]["holds"] == "below", "1: --until should hold below (slow interceptors)")
    print("threshold %.1f m/s (bracket %.1f..%.1f), %d evaluations" % (r["threshold"], lo, hi, r["evaluations"]))
    return out, r, p.stdout


def case_folder(tmp, out, r, stdout):
    for rel in ("report.json", "tables/curve.csv", "charts/curve.png", "charts/curve.svg", "index.html",
                ".thirdsite-run"):
        check(os.path.isfile(os.path.join(out, rel)), "2: %s missing" % rel)
    with open(os.path.join(out, "report.json")) as f:
        check(json.load(f) == json.loads(stdout), "2: report.json differs from --json")
    with open(os.path.join(out, "tables", "curve.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == len(r["points"]) == r["evaluations"], "2: %d curve rows, %d points, %d evaluations"
          % (len(rows), len(r["points"]), r["evaluations"]))
    xs = [float(x["value_m/s"]) for x in rows]
    check(xs == sorted(xs) and len(set(xs)) == len(xs), "2: curve not in increasing value")
    with open(os.path.join(out, "charts", "curve.png"), "rb") as f:
        head = f.read(24)
    check(head[:8] == b"\x89PNG\r\n\x1a\n", "2: curve.png is not a PNG")
    w, h = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    check((w, h) == (1920, 1200), "2: curve.png %dx%d" % (w, h))
    with open(os.path.join(out, "charts", "curve.svg")) as f:
        svg = f.read()
    check("<text" in svg and "threshold" in svg, "2: SVG text not kept as <text>")
    out1 = os.path.join(tmp, "thr-j1")
    p = run("threshold", SMALL, "--vary", PATH, "--between", "4 km/s", "9 km/s", "--until", UNTIL,
            "--keep", KEEP, "--tol", "0.25 km/s", "-j", "1", "-o", out1, "--quiet")
    if check(p.returncode == 0, "2: -j 1 exit %d %s" % (p.returncode, p.stderr)):
        for rel in ("report.json", "tables/curve.csv", "charts/curve.png", "charts/curve.svg", "index.html"):
            with open(os.path.join(out, rel), "rb") as a, open(os.path.join(out1, rel), "rb") as b:
                check(a.read() == b.read(), "2: %s differs between -j 2 and -j 1" % rel)


def refused(args, opt, what, also=None):
    p = run("threshold", SMALL, *args)
    check(p.returncode == 2, "3: %s: exit %d, want 2 (%s)" % (what, p.returncode, p.stderr.strip()[:300]))
    check(opt in p.stderr, "3: %s: message does not name %s: %s" % (what, opt, p.stderr.strip()[:300]))
    if also:
        check(also in p.stderr, "3: %s: message lacks %r: %s" % (what, also, p.stderr.strip()[:300]))
    return p


def case_refusals():
    good = ["--between", "4 km/s", "9 km/s", "--until", UNTIL, "-j", "2"]
    refused(["--vary", "batteries.nosuch.burnout_speed"] + good, "--vary", "unknown battery", "nosuch")
    refused(["--vary", "batteries.redzikowo.nosuch_key"] + good, "--vary", "unknown key", "nosuch_key")
    refused(["--vary", PATH, "--between", "4 km", "9 km", "--until", UNTIL], "--between", "a length for a speed")
    refused(["--vary", PATH, "--between", "4 furlongs", "9 km/s", "--until", UNTIL], "--between", "no quantity")
    refused(["--vary", PATH, "--between", "9 km/s", "4 km/s", "--until", UNTIL], "--between", "LO above HI")
    refused(["--vary", PATH, "--between", "4 km/s", "9 km/s", "--until", "russian.kinematic.nosuch == 0"],
            "--until", "unknown answer", "nosuch")
    refused(["--vary", PATH, "--between", "4 km/s", "9 km/s", "--until", "nosuch.kinematic.engaged == 0"],
            "--until", "unknown analysis", "nosuch")
    refused(["--vary", PATH, "--between", "4 km/s", "9 km/s", "--until", "russian.kinematic.engaged = 0"],
            "--until", "bad operator")
    refused(["--vary", PATH, "--variant", "nosuch"] + good, "--variant", "unknown variant", "fast-gbi")
    refused(["--vary", PATH, "--between", "4 km/s", "9 km/s", "--until", UNTIL, "--tol", "5 s"],
            "--tol", "tolerance of another kind")
    p = refused(["--vary", PATH, "--between", "4 km/s", "9 km/s", "--until", "russian.kinematic.engaged >= 0"],
                "--until", "holds at both ends", "both ends")
    check("4 km/s" in p.stderr and "9 km/s" in p.stderr, "3: both ends: values not shown: %s" % p.stderr)
    refused(["--vary", PATH, "--between", "4 km/s", "9 km/s", "--until", "russian.kinematic.engaged > 99"],
            "--until", "holds at neither end", "neither end")
    p = run("threshold", SMALL, "--vary", PATH, "--between", "4 km/s", "--until", UNTIL)
    check(p.returncode == 2, "3: --between with one value: exit %d" % p.returncode)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        got = case_threshold(tmp)
        if got:
            case_folder(tmp, *got)
        case_refusals()
    print("threshold_checks: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
