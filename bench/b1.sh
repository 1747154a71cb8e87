#!/bin/sh
# Benchmark B1 (shared/bench/B1-propagate.md): ballistic states to impact,
# `thirdsite propagate` against the GSL baseline, whole process, side by side.
#
#   bench/b1.sh            (or: make bench)
#
# 1. builds the baseline b1_gsl from shared/bench/baseline into $BUILD/bench/
#    with that folder's own Makefile and flags (shared/ stays read-only);
# 2. generates the 100,000-state input with gen_states.py and checks its
#    SHA-256 against the spec;
# 3. makes the tight reference once (b1_gsl --tight, kept in $BUILD/bench/);
# 4. times thirdsite and the baseline in alternating pairs (A B, B A, ...),
#    at 1 thread and at 2, and prints the median wall times and the median of
#    the pairwise ratios candidate/baseline;
# 5. checks thirdsite's output from those runs with check_b1.py, and that the
#    1- and 2-thread outputs are the same bytes;
# 6. prints the work per trajectory and the propagation-only rate beside the
#    compute limit of the spec.
#
# Environment: BUILD (default build), B1_RUNS (timed pairs per thread count,
# default 11), B1_SHARED (the spec's folder; default shared/bench or
# ../shared/bench beside the project), B1_N (states, default 100000; the
# checksum is checked only for 100000).
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT="$BUILD/bench"
RUNS=${B1_RUNS:-11}
N=${B1_N:-100000}
SHA_SPEC=40c1b0cc9244fc769f30a205941f49fb651b46c6d338440bb33751d540f108cd
PY=/usr/bin/python3 # Debian's, for the spec's scripts (standard library only)
[ -x "$PY" ] || PY=python3

if [ -n "${B1_SHARED:-}" ]; then
    SPEC="$B1_SHARED"
elif [ -f "$ROOT/shared/bench/B1-propagate.md" ]; then
    SPEC="$ROOT/shared/bench"
else
    SPEC="$ROOT/../shared/bench"
fi
[ -f "$SPEC/B1-propagate.md" ] || { echo "b1: no B1 spec at $SPEC (set B1_SHARED)" >&2; exit 2; }
SPEC=$(cd "$SPEC" && pwd)
BASE="$SPEC/baseline"
mkdir -p "$OUT"

echo "b1: machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. the candidate and the baseline
if [ ! -x "$BUILD/thirdsite" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j 2 --target thirdsite >/dev/null
fi
TS="$BUILD/thirdsite"
# The baseline's Makefile, run in our folder with VPATH pointing at its
# sources: the same compiler flags, nothing written under shared/.
make -s -C "$OUT" -f "$BASE/Makefile" VPATH="$BASE" b1_gsl >/dev/null
GSL="$OUT/b1_gsl"

# 2. the input
IN="$OUT/b1_states_$N.csv"
if [ ! -f "$IN" ]; then
    "$PY" "$SPEC/gen_states.py" -n "$N" -o "$IN.part" 2>/dev/null
    mv "$IN.part" "$IN"
fi
SHA=$(sha256sum "$IN" | cut -d' ' -f1)
if [ "$N" = 100000 ]; then
    grep -q "$SHA_SPEC" "$SPEC/B1-propagate.md" ||
        echo "b1: warning: the spec no longer quotes $SHA_SPEC" >&2
    if [ "$SHA" != "$SHA_SPEC" ]; then
        echo "b1: $IN: SHA-256 $SHA, the spec says $SHA_SPEC" >&2
        exit 1
    fi
    echo "b1: input $IN: $N states, SHA-256 matches the spec"
fi

# 3. the tight reference, once
REF="$OUT/b1_ref_tight_$N.csv"
if [ ! -f "$REF" ] || [ "$REF" -ot "$IN" ] || [ "$REF" -ot "$GSL" ]; then
    echo "b1: making the tight reference (b1_gsl --tight) ..."
    "$GSL" --tight -t 2 "$IN" "$REF.part"
    mv "$REF.part" "$REF"
fi

# 4. paired timing
TS1="$OUT/b1_thirdsite_j1.csv"
TS2="$OUT/b1_thirdsite_j2.csv"
"$PY" - "$RUNS" "$TS" "$GSL" "$IN" "$TS1" "$TS2" "$OUT/b1_gsl_out.csv" <<'EOF'
import os, statistics, subprocess, sys, time
runs = int(sys.argv[1])
ts, gsl, inp, ts1, ts2, gout = sys.argv[2:8]

def run(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.perf_counter()
    if r.returncode != 0:
        sys.exit("b1: %s failed (%d): %s" % (cmd[0], r.returncode, r.stderr.decode()))
    return t1 - t0

print("b1: %d alternating pairs per thread count after one warm-up pair; "
      "whole-process wall time, s" % runs)
for threads, tout in ((1, ts1), (2, ts2)):
    cand = [ts, "propagate", "--in", inp, "--out", tout, "-j", str(threads)]
    base = [gsl, "-t", str(threads), inp, gout]
    run(cand); run(base)
    tc, tb, ratio = [], [], []
    for i in range(runs):
        if i % 2 == 0:
            a = run(cand); b = run(base)
        else:
            b = run(base); a = run(cand)
        tc.append(a); tb.append(b); ratio.append(a / b)
    med = statistics.median
    print("b1: %d thread%s: thirdsite median %.4f (min %.4f max %.4f), baseline median "
          "%.4f (min %.4f max %.4f)" % (threads, "s" if threads > 1 else " ", med(tc), min(tc),
                                        max(tc), med(tb), min(tb), max(tb)))
    print("b1: RATIO %d thread%s: %.3f (median of pairwise candidate/baseline; "
          "%.1fx faster; target <= 0.333)" % (threads, "s" if threads > 1 else " ",
                                             med(ratio), 1.0 / med(ratio)))
EOF

# 5. accuracy of the timed runs' output, and determinism across threads
echo "b1: check_b1.py on thirdsite's output (1 thread):"
"$PY" "$SPEC/check_b1.py" "$TS1" "$REF" | sed 's/^/b1:   /'
if cmp -s "$TS1" "$TS2"; then
    echo "b1: outputs at 1 and 2 threads are identical"
else
    echo "b1: outputs at 1 and 2 threads differ" >&2
    exit 1
fi
echo "b1: check_b1.py on the baseline's output (for comparison):"
"$PY" "$SPEC/check_b1.py" "$OUT/b1_gsl_out.csv" "$REF" | sed 's/^/b1:   /' | grep -E "error|PASS|FAIL"

# 6. work and the propagation-only rate beside the spec's compute limit
for j in 1 2; do
    "$TS" propagate --in "$IN" --out "$OUT/b1_stats.csv" -j $j --stats 2>"$OUT/b1_stats_j$j.txt"
done
"$PY" - "$OUT/b1_stats_j1.txt" "$OUT/b1_stats_j2.txt" <<'EOF'
import re, sys
def parse(path):
    t = open(path).read()
    ev = float(re.search(r"([\d.]+) evaluations", t).group(1))
    steps = float(re.search(r"per state ([\d.]+) steps", t).group(1))
    rate = float(re.search(r"propagation alone: ([\d.e+]+) states/s", t).group(1))
    return ev, steps, rate
ev, steps, r1 = parse(sys.argv[1])
_, _, r2 = parse(sys.argv[2])
# Spec: ~23 flops per right-hand side; 23.6 GFLOP/s scalar and 176.8 GFLOP/s
# AVX-512 FMA peak on the 2 cores of the reference machine.
lim_s, lim_v = 23.6e9 / (23 * ev), 176.8e9 / (23 * ev)
print("b1: work: %.2f steps, %.1f right-hand-side evaluations per trajectory "
      "(baseline 50.3)" % (steps, ev))
print("b1: propagation only: %.3g traj/s on 1 thread, %.3g on 2 (states / the busiest "
      "thread's propagation time)" % (r1, r2))
print("b1: compute limit of the spec at %.1f evaluations (right-hand sides only, 2 cores): "
      "%.2g traj/s scalar, %.2g SIMD; with the baseline's 50.3: 2e7 and 1.5e8"
      % (ev, lim_s, lim_v))
EOF
