#!/usr/bin/env python3
"""thirdsite compare (docs/analysis-commands.md).

  compare_checks.py THIRDSITE

  1. two variants of one run folder (FOLDER vs FOLDER:fast-gbi, read, not
     recomputed): the cells gained and lost per framing equal a count made
     here, cell by cell, from the folder's tables/footprint-NAME.csv, and
     gained - lost = (B's engaged cells) - (A's); the matrix flights whose
     verdict changed are those whose FRAMING_engaged differs in
     tables/matrix.csv; the engagement's times are report.json's;
  2. a scenario compared with itself: no line changed, nothing gained or
     lost; a scenario's variant against the run folder of the same
     scenario: no change (the two ways in read alike);
  3. the folder (-o): report.json = --json, tables/compare.csv, a difference
     map (PNG and SVG) per footprint and framing, index.html, the marker;
  4. what is not comparable is said: a scenario without the footprint and
     the matrix (tests/scenarios/tiny.yaml) against small.yaml;
  5. bad input is exit 2 naming it: a side that is no file, an unknown
     variant.
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
TINY = os.path.join(ROOT, "tests", "scenarios", "tiny.yaml")
BIN = os.path.abspath(sys.argv[1])
failures = []
ENGAGED = {"defended", "within-reach"}


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    return cond


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=900)


def compare(*args):
    p = run("compare", *args, "--json", "--quiet", "-j", "2")
    if not check(p.returncode == 0, "compare %s: exit %d %s" % (args, p.returncode, p.stderr)):
        return None
    return json.loads(p.stdout)


def case_variants(tmp):
    folder = os.path.join(tmp, "small")
    p = run("run", SMALL, "-o", folder, "--quiet", "-j", "2")
    if not check(p.returncode == 0, "1: run: exit %d %s" % (p.returncode, p.stderr)):
        return None
    out = os.path.join(tmp, "cmp")
    p = run("compare", folder, folder + ":fast-gbi", "-o", out, "--json", "--quiet", "-j", "2")
    if not check(p.returncode == 0, "1: compare: exit %d %s" % (p.returncode, p.stderr)):
        return None
    r = json.loads(p.stdout)
    check(r["a"]["kind"] == "run folder" and r["b"]["variant"] == "fast-gbi", "1: sides %s %s" % (r["a"], r["b"]))
    # cell by cell, from the folder's own table
    with open(os.path.join(folder, "tables", "footprint-eastern-europe.csv")) as f:
        rows = list(csv.DictReader(f))
    fp = [x for x in r["footprints"] if x["name"] == "eastern-europe"]
    if not check(len(fp) == 1 and fp[0]["comparable"], "1: footprint eastern-europe not compared"):
        return None
    any_change = 0
    for fr in ("kinematic", "supported"):
        a = [x["base_%s_status" % fr] in ENGAGED for x in rows]
        b = [x["fast-gbi_%s_status" % fr] in ENGAGED for x in rows]
        gained = sum(1 for u, v in zip(a, b) if v and not u)
        lost = sum(1 for u, v in zip(a, b) if u and not v)
        got = fp[0][fr]
        check((got["gained"], got["lost"]) == (gained, lost), "1: %s gained/lost %s/%s, table %s/%s"
              % (fr, got["gained"], got["lost"], gained, lost))
        check(got["gained"] - got["lost"] == sum(b) - sum(a) == got["cells_b"] - got["cells_a"],
              "1: %s gained - lost %d, cells B - A %d (table %d)"
              % (fr, got["gained"] - got["lost"], got["cells_b"] - got["cells_a"], sum(b) - sum(a)))
        land_g = sum(1 for u, v, x in zip(a, b, rows) if v and not u and x["land"] == "1")
        check(got["land_gained"] == land_g, "1: %s land gained %s, table %s" % (fr, got["land_gained"], land_g))
        any_change += gained + lost
    check(any_change > 0, "1: the faster GBI changes no cell: the case tests nothing")
    # matrix flights whose verdict changed, from tables/matrix.csv
    with open(os.path.join(folder, "tables", "matrix.csv")) as f:
        mrows = list(csv.DictReader(f))
    for fr in ("kinematic", "supported"):
        va = {(x["from"], x["to"], x["missile"]): x["%s_engaged" % fr] for x in mrows if x["variant"] == "base"}
        vb = {(x["from"], x["to"], x["missile"]): x["%s_engaged" % fr] for x in mrows if x["variant"] == "fast-gbi"}
        want = sum(1 for k in va if va[k] != vb.get(k))
        got = [x for x in r["lines"] if x["kind"] == "matrix" and x["framing"] == fr and x["item"] != "flights engaged"]
        check(len(got) == want, "1: %s: %d matrix flights changed, table %d" % (fr, len(got), want))
        eng = [x for x in r["lines"] if x["kind"] == "matrix" and x["framing"] == fr and x["item"] == "flights engaged"]
        check(len(eng) == 1 and eng[0]["a"] == sum(v == "1" for v in va.values())
              and eng[0]["b"] == sum(v == "1" for v in vb.values()), "1: %s flights engaged %s" % (fr, eng))
    # the engagement's commit time, from report.json
    with open(os.path.join(folder, "report.json")) as f:
        rep = json.load(f)
    e = rep["engagements"][0]
    commit = [x for x in r["lines"] if x["kind"] == "engagement" and x["item"] == "commit_s"]
    check(len(commit) == 1 and commit[0]["a"] == e["variants"][0]["commit_s"]
          and commit[0]["b"] == e["variants"][1]["commit_s"], "1: commit %s" % commit)
    return folder, out, r, p.stdout


def case_same(folder):
    r = compare(SMALL, SMALL)
    if r:
        check(r["changes"] == 0 and not any(x["changed"] for x in r["lines"]), "2: itself: %d changes" % r["changes"])
        for fp in r["footprints"]:
            for fr in ("kinematic", "supported"):
                check(fp[fr]["gained"] == 0 and fp[fr]["lost"] == 0, "2: itself: cells gained or lost")
        check(r["not_comparable"] == [], "2: itself: %s" % r["not_comparable"])
    r = compare(SMALL + ":fast-gbi", folder + ":fast-gbi")
    if r:
        check(r["changes"] == 0, "2: scenario vs its run folder: %d changes %s"
              % (r["changes"], [x for x in r["lines"] if x["changed"]][:3]))


def case_folder(out, r, stdout):
    for rel in ("report.json", "tables/compare.csv", "index.html", ".thirdsite-run",
                "maps/diff-eastern-europe-kinematic.png", "maps/diff-eastern-europe-kinematic.svg",
                "maps/diff-eastern-europe-supported.png", "maps/diff-eastern-europe-supported.svg"):
        check(os.path.isfile(os.path.join(out, rel)), "3: %s missing" % rel)
    with open(os.path.join(out, "report.json")) as f:
        check(json.load(f) == json.loads(stdout), "3: report.json differs from --json")
    with open(os.path.join(out, "tables", "compare.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == len(r["lines"]), "3: %d CSV rows, %d lines" % (len(rows), len(r["lines"])))
    check(sum(x["changed"] == "1" for x in rows) == r["changes"], "3: CSV changed count")


def case_not_comparable():
    r = compare(TINY, SMALL)
    if r:
        notes = " | ".join(r["not_comparable"])
        check("footprint eastern-europe: only in B" in notes and "matrix russian: only in B" in notes,
              "4: notes %s" % notes)


def case_refusals(folder):
    p = run("compare", "/nonexistent/x.yaml", SMALL)
    check(p.returncode == 2 and "A" in p.stderr and "x.yaml" in p.stderr, "5: no file: exit %d %s"
          % (p.returncode, p.stderr))
    p = run("compare", folder, folder + ":nosuch")
    check(p.returncode == 2 and "nosuch" in p.stderr and "B" in p.stderr, "5: unknown variant: exit %d %s"
          % (p.returncode, p.stderr))
    p = run("compare", SMALL)
    check(p.returncode == 2, "5: one side: exit %d" % p.returncode)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        got = case_variants(tmp)
        if got:
            folder, out, r, stdout = got
            case_folder(out, r, stdout)
            case_same(folder)
            case_refusals(folder)
        case_not_comparable()
    print("compare_checks: %d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
