#!/usr/bin/env python3
"""thirdsite sweep: a study's errors, its output bytes for any -j and any
number of MPI ranks, and kill -9 then --resume (single process and a whole
mpirun job): the resumed folder equals an uninterrupted run byte for byte,
and the journal (docs/study-format.md, "Crash safety") never holds a case
twice.

usage: sweep_checks.py THIRDSITE [--quick]
--quick (the sanitizer build, ten times slower): a study of one parameter
(9 and 15 cases instead of 17 and 27), MPI at 3 ranks only, the study killed
once, not twice, and no MPI job killed.
Truth: the uninterrupted -j 1 run of the same study (the contract is
byte-identity); the journal's layout as documented, read with Python's
zlib.crc32 (the same CRC-32 as zlib's: the check value of "123456789" is
0xCBF43926)."""
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

EXE = os.path.abspath(sys.argv[1])
QUICK = "--quick" in sys.argv[2:]
FAILS = []


def mpi_env(work):
    """Open MPI on one box.  Under the sanitizers, Open MPI's own
    allocations that live until exit are reported by LeakSanitizer from
    plugins it has unloaded at MPI_Finalize (frames of "<unknown module>",
    which no suppression can name): leak detection is off for the MPI runs
    only (memory errors are still caught; the engine's leaks are checked by
    the one-process runs, the same code); the library-name suppressions
    stay for a build whose plugins are kept loaded."""
    env = dict(os.environ, OMPI_MCA_btl="self,vader", OMPI_MCA_pml="ob1",
               OMPI_MCA_rmaps_base_oversubscribe="1",
               OMPI_MCA_mca_base_component_disable_dlclose="1")
    if "ASAN_OPTIONS" in env:
        env["ASAN_OPTIONS"] = ":".join([p for p in env["ASAN_OPTIONS"].split(":")
                                        if p and not p.startswith("detect_leaks")]
                                       + ["detect_leaks=0"])
    lsan = env.get("LSAN_OPTIONS", "")
    supp = ""
    for part in lsan.split(":"):
        if part.startswith("suppressions="):
            with open(part.split("=", 1)[1]) as f:
                supp = f.read()
    path = os.path.join(work, "lsan-mpi.supp")
    with open(path, "w") as f:
        f.write(supp + "\n")
        for lib in ("libmpi.so", "libopen-pal.so", "libopen-rte.so", "libpmix.so", "libhwloc.so",
                    "libevent", "mca_", "libucs", "libucp"):
            f.write("leak:%s\n" % lib)
    opts = [p for p in lsan.split(":") if p and not p.startswith("suppressions=")]
    env["LSAN_OPTIONS"] = ":".join(opts + ["suppressions=" + path])
    return env

SCENARIO = """\
name: sweep-test
title: Sweep test scenario
question: Do sweeps give the same bytes however they are run?
sources: "tests only: catalogue entries as shipped"
defense:
  name: base
  sensors:
    - use: emr
    - use: sbirs
  batteries:
    - {id: redzikowo, use: gbi-2stage-mda, at: redzikowo, inventory: 2, readiness: 30 s,
       fire_control: [emr], hears: [sbirs]}
  doctrine: {mode: shoot-look-shoot, salvo: 1, sspk: 0.8, decision: 60 s, kill_assessment: 60 s}
threats:
  iran-icbm: {missile: iran-icbm-notional, payload: 700 kg, from: [semnan], rcs: 0.1 m^2}
analyses:
  engagements:
    - {name: semnan-london, threat: iran-icbm, from: semnan, to: london}
  footprints:
    - {name: west, threat: iran-icbm, region: "48N..56N 4W..12E", step: 4 deg}
"""

STUDY = """\
name: t
scenario: sweep-test.yaml
cases: {cases}
seed: 11
answers:
  - semnan-london.supported.engaged
  - semnan-london.kinematic.margin
  - west.supported.defended_land_share
parameters:
  batteries.redzikowo.burnout_speed: {{uniform: [5.4 km/s, 9 km/s], sources: test}}
  doctrine.decision: {{normal: {{mean: 60 s, sd: 15 s, truncate: [20 s, 100 s]}}, sources: test}}
  sensors.emr.ref_rcs: {{choice: [0.01 m^2, 0.1 m^2], sources: test}}
"""


def study_text(cases):
    t = STUDY.format(cases=cases)
    if QUICK:  # one parameter: N (k+2) + 2k + 1 = 3N + 3 cases
        t = t[:t.index("  doctrine.decision")]
    return t


def n_cases(n):
    k = 1 if QUICK else 3
    return n * (k + 2) + 2 * k + 1


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what, flush=True)
    else:
        print("ok:", what, flush=True)


def run(args, **kw):
    return subprocess.run([EXE] + args, capture_output=True, text=True, **kw)


def tree(d):
    """Every file under d with its bytes (the marker's listing included)."""
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def same(a, b, what):
    ta, tb = tree(a), tree(b)
    diff = sorted(k for k in set(ta) | set(tb) if ta.get(k) != tb.get(k))
    check(not diff and ta, "%s (differs: %s)" % (what, ", ".join(diff[:5])))


def journal_cases(path):
    """Case indices of the intact records, and the bytes after them."""
    with open(path, "rb") as f:
        b = f.read()
    if len(b) < 16:
        return [], len(b)
    assert b[:4] == b"TSJH" and struct.unpack("<I", b[12:16])[0] == zlib.crc32(b[:12])
    at, cases = 16, []
    while at + 20 <= len(b) and b[at:at + 4] == b"TSJR":
        (n,) = struct.unpack("<I", b[at + 12:at + 16])
        if at + 20 + n > len(b):
            break
        (crc,) = struct.unpack("<I", b[at + 16 + n:at + 20 + n])
        if crc != zlib.crc32(b[at:at + 16 + n]):
            break
        cases.append(struct.unpack("<Q", b[at + 4:at + 12])[0])
        at += 20 + n
    return cases, len(b) - at


def descendants(pid):
    """Every process below pid (from /proc), deepest last."""
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def kill_job(proc):
    """SIGKILL mpirun and every rank at once (a rank may sit in a process
    group of its own), then wait until none is left."""
    pids = [proc.pid] + descendants(proc.pid)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    proc.wait()
    def alive(pid):
        try:
            with open("/proc/%d/stat" % pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    t0 = time.time()
    while time.time() - t0 < 30 and any(alive(pid) for pid in pids):
        time.sleep(0.05)


def wait_records(path, n, proc, limit=300):
    t0 = time.time()
    while time.time() - t0 < limit:
        if proc.poll() is not None:
            return False
        if os.path.exists(path) and len(journal_cases(path)[0]) >= n:
            return True
        time.sleep(0.05)
    return False


def main():
    work = tempfile.mkdtemp(prefix="sweep-checks-")
    try:
        with open(os.path.join(work, "sweep-test.yaml"), "w") as f:
            f.write(SCENARIO)
        study = os.path.join(work, "t.yaml")
        with open(study, "w") as f:
            f.write(study_text(2))

        # ---- bad studies: file:line:col, exit 2, nothing written ----------
        bad = os.path.join(work, "bad.yaml")
        with open(bad, "w") as f:
            f.write(STUDY.format(cases=4).replace("[5.4 km/s, 9 km/s]", "[9 km/s, 5.4 km/s]"))
        r = run(["sweep", bad, "-o", os.path.join(work, "bad-out")])
        check(r.returncode == 2 and "bad.yaml:10:48: error: uniform: impossible distribution: "
              "low 9 km/s is above high 5.4 km/s" in r.stderr,
              "low > high refused at its line:col, exit 2 (%d: %s)" % (r.returncode, r.stderr.strip()))
        check(not os.path.exists(os.path.join(work, "bad-out")), "a bad study writes nothing")
        with open(bad, "w") as f:
            f.write(STUDY.format(cases=4).replace("supported.engaged", "supported.engagd"))
        r = run(["sweep", bad, "-o", os.path.join(work, "bad-out")])
        check(r.returncode == 2 and "bad.yaml:6:5: error: answers: no answer "
              "'semnan-london.supported.engagd'" in r.stderr and "did you mean "
              "'semnan-london.supported.engaged'" in r.stderr,
              "an unknown answer named at its line:col with a did-you-mean (%s)" % r.stderr.strip())
        with open(bad, "w") as f:
            f.write(STUDY.format(cases=4).replace("sensors.emr.ref_rcs", "sensors.emr.ref_rc"))
        r = run(["sweep", bad, "-o", os.path.join(work, "bad-out")])
        check(r.returncode == 2 and "bad.yaml:12:3: error: parameter 'sensors.emr.ref_rc' at 0.01 m^2" in r.stderr
              and "ref_rcs" in r.stderr,
              "a path the scenario does not have is refused at the parameter (%s)" % r.stderr.strip()[:300])
        check(not os.path.exists(os.path.join(work, "bad-out")), "still nothing written")

        # ---- the same bytes for -j 1 and -j 2 ---------------------------------
        ref = os.path.join(work, "ref")
        r = run(["sweep", study, "-o", ref, "-j", "1"])
        check(r.returncode == 0, "sweep -j 1 (%s)" % r.stderr.strip()[:300])
        print(r.stdout.strip())
        for f in ["cases.csv", "report.json", "index.html", ".thirdsite-run",
                  "maps/probability-west-supported.png", "maps/probability-west-kinematic.svg",
                  "charts/tornado-semnan-london-supported-engaged.png",
                  "charts/histogram-west-supported-defended-land-share.svg"]:
            check(os.path.exists(os.path.join(ref, f)), "wrote " + f)
        with open(os.path.join(ref, "cases.csv")) as f:
            rows = f.read().splitlines()
        check(len(rows) == 1 + n_cases(2), "cases.csv: N(k+2) + 2k + 1 = %d cases (%d rows)"
              % (n_cases(2), len(rows) - 1))
        check(not os.path.exists(os.path.join(work, ".ref.sweep-journal")),
              "the journal is removed once the folder is in place")
        j2 = os.path.join(work, "j2")
        r = run(["sweep", study, "-o", j2, "-j", "2", "--quiet"])
        check(r.returncode == 0, "sweep -j 2")
        same(ref, j2, "-j 2 gives the bytes of -j 1")

        # ---- MPI: 1, 2 and 3 ranks ---------------------------------------------
        mpirun = shutil.which("mpirun")
        if mpirun:
            env = mpi_env(work)
            for n in ((3,) if QUICK else (1, 2, 3)):
                d = os.path.join(work, "mpi%d" % n)
                p = subprocess.run([mpirun, "--allow-run-as-root", "--oversubscribe", "-np", str(n),
                                    "--bind-to", "none", EXE, "sweep", study, "-o", d, "-j", "1"],
                                   capture_output=True, text=True, env=env)
                check(p.returncode == 0 and ("on %d process" % n) in p.stdout,
                      "mpirun -np %d (%s)" % (n, (p.stdout + p.stderr).strip()[-300:]))
                check(p.stdout.count("written to") == 1, "rank 0 alone speaks (np %d)" % n)
                same(ref, d, "mpirun -np %d gives the bytes of the one-process run" % n)
        else:
            print("skip: no mpirun (scripts/install-deps.sh installs Open MPI)")

        # ---- kill -9 and --resume, one process ------------------------------------
        big = os.path.join(work, "big.yaml")
        with open(big, "w") as f:
            f.write(study_text(4))
        bref = os.path.join(work, "bref")
        r = run(["sweep", big, "-o", bref, "-j", "2", "--quiet"])
        check(r.returncode == 0, "the uninterrupted study")
        out = os.path.join(work, "killed")
        jpath = os.path.join(work, ".killed.sweep-journal")
        p = subprocess.Popen([EXE, "sweep", big, "-o", out, "-j", "1", "--quiet"])
        ok = wait_records(jpath, 4, p)
        p.send_signal(signal.SIGKILL)
        p.wait()
        check(ok, "the journal grew while the study ran")
        cases1, tail = journal_cases(jpath)
        check(not os.path.exists(out), "a killed study leaves no folder")
        check(len(cases1) == len(set(cases1)), "journal: no case twice (%s)" % cases1)
        # a torn last record, as a kill in the middle of a write leaves it
        with open(jpath, "ab") as f:
            f.write(b"TSJR" + struct.pack("<Q", 40) + b"\x00\x00")
        # resumed, and killed again part-way
        if not QUICK:
            p = subprocess.Popen([EXE, "sweep", big, "-o", out, "-j", "1", "--quiet", "--resume"])
            ok = wait_records(jpath, len(cases1) + 3, p)
            p.send_signal(signal.SIGKILL)
            p.wait()
        cases2, tail = journal_cases(jpath)
        check(QUICK or (ok and cases2[:len(cases1)] == cases1 and len(cases2) > len(cases1)),
              "the resumed study kept the journal's records and added its own")
        check(len(cases2) == len(set(cases2)),
              "journal: the resumed study redid no finished case (%s)" % cases2)
        r = run(["sweep", big, "-o", out, "-j", "2", "--resume"])
        check(r.returncode == 0 and ("(%d from the journal)" % len(cases2)) in r.stdout,
              "--resume finishes, reading %d cases back (%s)" % (len(cases2), r.stdout.strip()))
        same(bref, out, "killed twice and resumed: the bytes of the uninterrupted run")
        check(not [n for n in os.listdir(work) if n.startswith(".killed.tmp-")],
              "the killed runs' temporary folders are gone")
        check(not os.path.exists(jpath), "the journal is removed after the resumed study")

        # a journal of another study is refused on --resume
        if QUICK:
            return
        p = subprocess.Popen([EXE, "sweep", big, "-o", out, "-j", "1", "--quiet"])
        wait_records(jpath, 2, p)
        p.send_signal(signal.SIGKILL)
        p.wait()
        r = run(["sweep", study, "-o", out, "--resume"])
        check(r.returncode == 2 and "another study" in r.stderr,
              "--resume refuses the journal of another study (%s)" % r.stderr.strip())
        r = run(["sweep", study, "-o", out, "-j", "2", "--quiet"])
        check(r.returncode == 0, "without --resume a study starts afresh over another's journal")
        same(ref, out, "... with the bytes of its uninterrupted run")

        # ---- kill -9 of a whole mpirun job, resumed ---------------------------------
        if mpirun:
            out = os.path.join(work, "mkilled")
            jpath = os.path.join(work, ".mkilled.sweep-journal")
            p = subprocess.Popen([mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "3",
                                  "--bind-to", "none", EXE, "sweep", big, "-o", out, "-j", "1",
                                  "--quiet"], env=env, start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ok = wait_records(jpath, 4, p)
            kill_job(p)  # mpirun and every rank, at once
            check(ok, "the MPI job's journal grew")
            cases1, _ = journal_cases(jpath)
            check(len(cases1) == len(set(cases1)), "MPI journal: no case twice")
            p = subprocess.run([mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "2",
                                "--bind-to", "none", EXE, "sweep", big, "-o", out, "-j", "1",
                                "--resume"], capture_output=True, text=True, env=env)
            check(p.returncode == 0 and ("(%d from the journal)" % len(cases1)) in p.stdout,
                  "the killed MPI job resumed on 2 ranks (%s)" % (p.stdout + p.stderr).strip()[-300:])
            same(bref, out, "killed MPI job, resumed: the bytes of the uninterrupted run")
    finally:
        shutil.rmtree(work, ignore_errors=True)


main()
if FAILS:
    print("%d check(s) failed" % len(FAILS))
    sys.exit(1)
print("all sweep checks passed")
