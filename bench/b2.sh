#!/bin/sh
# Benchmark B2 (shared/bench/B2-footprint.md): defended-area footprint
# throughput (workload W) and what-if update latency (workload U), every
# figure also in GSL propagation equivalents (gpe) measured in the same run.
#
#   bench/b2.sh            (or: make bench, after B1)
#
# 1. builds thirdsite, the in-process driver build/bench/b2_driver and the
#    GSL baseline b1_gsl (from shared/bench/baseline, into $BUILD/bench/);
#    generates B1's 100,000-state file (checked by its SHA-256) when absent;
# 2. writes the derived scenarios into $BUILD/bench/: W (the shipped
#    third-site-2008 with one footprint, iran-icbm over Europe at 0.25 deg,
#    its two variants mda-2007 and lewis-postol-2007), U (the same at
#    0.5 deg, the base defense only) and L (W at 1 deg, for the land share);
# 3. times, alternating, `b1_gsl -t 1` on the 100,000 states (the
#    yardstick), `thirdsite run W -j 1` and `thirdsite run W -j 2`, whole
#    process (wall and CPU seconds); the GSL time is the median of its runs;
#    prints the cost of one aim-point evaluation (aim point x variant) in
#    gpe at 1 and 2 threads, the speed-up, and the footprint stage of each
#    run's run.log;
# 4. workload U through the library (b2_driver update): a footprint session,
#    then B2_UPDATES updates of each kind at 2 threads; median per update,
#    in ms and in gpe per aim point;
# 5. accuracy: the slow exact path at B2_SAMPLE aim points of W drawn with a
#    fixed seed (b2_driver exact) against the run's own table, with the
#    spec's check_b2.py; the defended land share of each variant, fast and
#    exact over the whole 1 deg grid (b2_driver land);
# 6. the main job `thirdsite run scenarios/third-site-2008.yaml -j 2`: wall
#    time, CPU time and peak memory (/usr/bin/time), its stage times, and
#    its ratio to the GSL time at 2 threads.
#
# Environment: BUILD (default build), B2_RUNS (timed rounds, default 3),
# B2_UPDATES (updates of each kind, default 21), B2_SAMPLE (aim points of
# the accuracy sample, default 600), B2_SKIP (space-separated steps to
# skip: w u acc main), B1_SHARED (the spec's folder).
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/bench"
RUNS=${B2_RUNS:-3}
UPDATES=${B2_UPDATES:-21}
SAMPLE=${B2_SAMPLE:-600}
SKIP=" ${B2_SKIP:-} "
SHA_SPEC=40c1b0cc9244fc769f30a205941f49fb651b46c6d338440bb33751d540f108cd
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ -n "${B1_SHARED:-}" ]; then
    SPEC="$B1_SHARED"
elif [ -f "$ROOT/shared/bench/B2-footprint.md" ]; then
    SPEC="$ROOT/shared/bench"
else
    SPEC="$ROOT/../shared/bench"
fi
[ -f "$SPEC/B2-footprint.md" ] || { echo "b2: no B2 spec at $SPEC (set B1_SHARED)" >&2; exit 2; }
SPEC=$(cd "$SPEC" && pwd)
BASE="$SPEC/baseline"
mkdir -p "$OUT"
echo "b2: machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. builds and the yardstick's input
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j 2 --target thirdsite b2_driver >/dev/null
TS="$BUILD/thirdsite"
DRV="$BUILD/bench/b2_driver"
make -s -C "$OUT" -f "$BASE/Makefile" VPATH="$BASE" b1_gsl >/dev/null
GSL="$OUT/b1_gsl"
IN="$OUT/b1_states_100000.csv"
if [ ! -f "$IN" ]; then
    "$PY" "$SPEC/gen_states.py" -n 100000 -o "$IN.part" 2>/dev/null
    mv "$IN.part" "$IN"
fi
[ "$(sha256sum "$IN" | cut -d' ' -f1)" = "$SHA_SPEC" ] ||
    { echo "b2: $IN: not the spec's state file" >&2; exit 1; }

# 2. the derived scenarios
"$PY" - "$ROOT/scenarios/third-site-2008.yaml" "$OUT" <<'EOF'
import sys
src, out = sys.argv[1], sys.argv[2]
lines = open(src).read().split("\n")
head = lines[:next(i for i, l in enumerate(lines) if l.startswith("analyses:"))]
def drop_block(ls, key):
    """Drops the two-space-indented key and its deeper lines."""
    res, skip = [], False
    for l in ls:
        if l.startswith("  " + key + ":"):
            skip = True
            continue
        if skip and (l.startswith("   ") or not l.strip()):
            continue
        skip = False
        res.append(l)
    return res
def drop_top(ls, key):
    res, skip = [], False
    for l in ls:
        if l.startswith(key + ":"):
            skip = True
            continue
        if skip and (l.startswith(" ") or l.startswith("#") or not l.strip()):
            continue
        skip = False
        res.append(l)
    return res
w = drop_block(head, "emr-2000km-at-0.1m2")
u = drop_top(head, "variants")
def fp(step):
    return ["analyses:", "  footprints:",
            "    - {name: europe, threat: iran-icbm, region: europe, step: %s}" % step, ""]
for name, body, step in (("w", w, "0.25 deg"), ("u", u, "0.5 deg"), ("l", w, "1 deg")):
    with open("%s/b2_%s.yaml" % (out, name), "w") as f:
        f.write("# B2 workload %s, derived by bench/b2.sh from "
                "scenarios/third-site-2008.yaml\n" % name.upper())
        f.write("\n".join(body + fp(step)))
EOF
W="$OUT/b2_w.yaml"
U="$OUT/b2_u.yaml"
L="$OUT/b2_l.yaml"
"$TS" check "$W" >/dev/null && "$TS" check "$U" >/dev/null && "$TS" check "$L" >/dev/null

# 3. W against the yardstick, alternating
GSLT="$OUT/b2_gsl.txt"
case "$SKIP" in *" w "*) ;; *)
"$PY" - "$RUNS" "$TS" "$GSL" "$IN" "$W" "$OUT" "$GSLT" <<'EOF'
import os, re, resource, statistics, subprocess, sys, time
runs = int(sys.argv[1])
ts, gsl, inp, w, out, gslt = sys.argv[2:8]
N_EVAL = 42560 * 2  # aim points x variants of W
def run(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit("b2: %s failed (%d): %s" % (cmd[0], r.returncode, r.stderr.decode()))
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return t1 - t0, cpu
def stage(d):
    m = re.search(r"^footprint europe +([\d.]+) s", open(os.path.join(d, "run.log")).read(), re.M)
    return float(m.group(1))
base = [gsl, "-t", "1", inp, os.path.join(out, "b2_gsl_out.csv")]
cand = {j: [ts, "run", w, "-o", os.path.join(out, "b2_w_j%d" % j), "-j", str(j), "--quiet"]
        for j in (1, 2)}
run(base)  # warm-up
g, c, st = [], {1: [], 2: []}, {1: [], 2: []}
g.append(run(base))
for i in range(runs):
    for j in ((1, 2) if i % 2 == 0 else (2, 1)):
        c[j].append(run(cand[j]))
        st[j].append(stage(os.path.join(out, "b2_w_j%d" % j)))
        g.append(run(base))
med = statistics.median
gw, gc = med(x[0] for x in g), med(x[1] for x in g)
per_w, per_c = gw / 1e5, gc / 1e5
open(gslt, "w").write("%.9g %.9g\n" % (per_w, per_c))
print("b2: yardstick: b1_gsl -t 1 on 100,000 states, %d runs: median %.3f s wall, %.3f s cpu "
      "(%.3g traj/s; 1 gpe = %.3g us)" % (len(g), gw, gc, 1e5 / gw, 1e6 * per_w))
for j in (1, 2):
    tw, tc = med(x[0] for x in c[j]), med(x[1] for x in c[j])
    print("b2: W -j %d, %d runs: whole process median %.2f s wall (min %.2f max %.2f), %.2f s cpu; "
          "footprint stage %.2f s" % (j, len(c[j]), tw, min(x[0] for x in c[j]),
                                      max(x[0] for x in c[j]), tc, med(st[j])))
    print("b2: W -j %d: %.1f gpe per aim-point evaluation (wall; %.1f by cpu seconds), "
          "%.3g aim-point evaluations/s" % (j, tw / N_EVAL / per_w, tc / N_EVAL / per_c, N_EVAL / tw))
s = [a[0] / b[0] for a, b in zip(c[1], c[2])]
print("b2: W speed-up at 2 threads: %.2fx (median of rounds; goal >= 1.9x)" % med(s))
EOF
cmp -s "$OUT/b2_w_j1/tables/footprint-europe.csv" "$OUT/b2_w_j2/tables/footprint-europe.csv" &&
    echo "b2: W tables at 1 and 2 threads are the same bytes" ||
    { echo "b2: W tables at 1 and 2 threads differ" >&2; exit 1; }
;; esac
[ -f "$GSLT" ] || { echo "b2: no yardstick yet (run without B2_SKIP=w once)" >&2; exit 1; }
PER_W=$(cut -d' ' -f1 "$GSLT")

# 4. U through the library
case "$SKIP" in *" u "*) ;; *)
"$DRV" update "$U" 2 "$UPDATES" | tee "$OUT/b2_u.txt"
"$PY" - "$PER_W" "$OUT/b2_u.txt" <<'EOF'
import re, sys
per = float(sys.argv[1])
n = 76 * 140
for l in open(sys.argv[2]):
    m = re.match(r"b2: U (\S+) .*median ([\d.]+) ms.*engage only ([\d.]+) ms", l)
    if m:
        a, b = float(m.group(2)) / 1e3, float(m.group(3)) / 1e3
        print("b2: U %s: %.2f gpe per aim point (%.2f without the changed plan's fly-out "
              "tables; goal <= 0.5)" % (m.group(1), a / n / per, b / n / per))
EOF
;; esac

# 5. accuracy against the slow exact path
case "$SKIP" in *" acc "*) ;; *)
"$DRV" exact "$W" "$SAMPLE" 1 2 "$OUT/b2_exact.csv"
echo "b2: check_b2.py, the run's table (W -j 1) against the exact path:"
"$PY" "$SPEC/check_b2.py" "$OUT/b2_w_j1/tables/footprint-europe.csv" "$OUT/b2_exact.csv" |
    sed 's/^/b2:   /'
"$DRV" land "$L" 2
;; esac

# 6. the main job
case "$SKIP" in *" main "*) ;; *)
MAIN="$OUT/b2_main"
/usr/bin/time -f "%e %U %S %M" -o "$OUT/b2_main_time.txt" \
    "$TS" run "$ROOT/scenarios/third-site-2008.yaml" -o "$MAIN" -j 2 --quiet
read -r e u s m <"$OUT/b2_main_time.txt"
"$PY" - "$e" "$u" "$s" "$m" "$PER_W" <<'EOF'
import sys
e, u, s, m, per = map(float, sys.argv[1:6])
print("b2: main job -j 2: %.2f s wall, %.2f s cpu, %.0f MB peak; %.1fx the GSL whole-process "
      "time (goal <= 1.0 s, 128 MB)" % (e, u + s, m / 1024, e / (per * 1e5)))
EOF
sed -n '/^defense/,/^total/p' "$MAIN/run.log" | sed 's/^/b2:   /'
;; esac
