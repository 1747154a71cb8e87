#!/bin/sh
# Sweep throughput: cases per second of `thirdsite sweep` at -j 1 and -j 2
# (cases in parallel, one thread each), with the threads inside each case
# instead (THIRDSITE_SWEEP_INNER=1 -j 2), and at 1 and 2 MPI ranks of one
# thread each (when mpirun is there), side by side in one run, with the
# scaling efficiency against -j 1 and the peak memory of each process
# (max RSS from /usr/bin/time -v; per rank under mpirun).  Every
# configuration's folder must be the same bytes as -j 1's (checked).
#
#   bench/sweep.sh            BUILD=build  CASES=2 (N: N (k+2) + 2k + 1 cases)
#                             RUNS=1 (repeats of each; the median is kept)
#                             STUDY=studies/uncertainty-2008.yaml
#
# The study is studies/uncertainty-2008.yaml (the shipped scenario over its
# seven disputed parameters, the Europe footprint at 2 deg), or STUDY, with
# `cases` set to CASES (its scenario path made absolute when relative).
# docs/scale.md quotes the figures.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CASES=${CASES:-2}
RUNS=${RUNS:-1}
EXE=$PWD/$BUILD/thirdsite
[ -x "$EXE" ] || { echo "bench/sweep.sh: build $EXE first (make)"; exit 2; }
W=$(mktemp -d /tmp/bench-sweep-XXXXXX)
trap 'rm -rf "$W"' EXIT
STUDY=${STUDY:-studies/uncertainty-2008.yaml}
sdir=$(cd "$(dirname "$STUDY")" && pwd)
sed -e "s/^cases: .*/cases: $CASES/" \
    -e "s#^scenario: \([^/].*\)#scenario: $sdir/\1#" \
    "$STUDY" > "$W/study.yaml"
export OMPI_MCA_btl=self,vader OMPI_MCA_pml=ob1
MPIRUN="mpirun --allow-run-as-root --oversubscribe --bind-to none"

# one timed configuration: NAME WORKERS (threads x ranks computing) then
# the command; appends "NAME WORKERS wall_s cases max_rss_kib" to $W/results
timed() {
    name=$1; ranks=$2; shift 2
    best=""
    i=0
    while [ $i -lt "$RUNS" ]; do
        rm -rf "$W/out-$name" "$W"/rss-*
        t0=$(date +%s.%N)
        "$@" > "$W/log-$name" 2>&1 || { echo "$name failed:"; cat "$W/log-$name"; exit 1; }
        t1=$(date +%s.%N)
        wall=$(awk "BEGIN {print $t1 - $t0}")
        best="$best $wall"
        i=$((i + 1))
    done
    med=$(echo $best | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    rss=$(cat "$W"/rss-* 2>/dev/null | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); if ($2>m) m=$2} END {print m+0}')
    echo "$name $ranks $med - $rss" >> "$W/results"
}

rss_wrap() { # /usr/bin/time -v per process, one file each
    echo "exec /usr/bin/time -v -o $W/rss-\${OMPI_COMM_WORLD_RANK:-0} $EXE sweep $W/study.yaml --quiet \"\$@\""
}

: > "$W/results"
timed j1 1 sh -c "$(rss_wrap)" - -o "$W/out-j1" -j 1
timed j2 2 sh -c "$(rss_wrap)" - -o "$W/out-j2" -j 2
timed inner2 2 env THIRDSITE_SWEEP_INNER=1 sh -c "$(rss_wrap)" - -o "$W/out-inner2" -j 2
if command -v mpirun > /dev/null; then
    timed mpi1 1 $MPIRUN -np 1 sh -c "$(rss_wrap)" - -o "$W/out-mpi1" -j 1
    timed mpi2 2 $MPIRUN -np 2 sh -c "$(rss_wrap)" - -o "$W/out-mpi2" -j 1
fi
# the headline and case count are printed by an unquiet run of each: take
# the counts from the folders instead
n=$(($(wc -l < "$W/out-j1/cases.csv") - 1))
for d in "$W"/out-*; do
    cmp -s "$W/out-j1/report.json" "$d/report.json" && cmp -s "$W/out-j1/cases.csv" "$d/cases.csv" &&
        diff -r "$W/out-j1" "$d" > /dev/null ||
        { echo "bench/sweep.sh: $(basename "$d") differs from out-j1"; exit 1; }
done
echo "sweep of $W/study.yaml: $n cases (N = $CASES), $(nproc) processors, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %8s %9s %9s %11s %22s\n' config workers "wall s" "cases/s" efficiency "max RSS MiB a process"
awk -v n="$n" '
    NR == 1 { base = $3 }
    { printf "%-8s %8d %9.1f %9.3f %10.0f%% %22.0f\n", $1, $2, $3, n / $3, 100 * base / $3 / $2, $5 / 1024 }' "$W/results"
echo "(efficiency: the -j 1 wall time over this one's, per thread or rank; all folders the same bytes)"
