#!/usr/bin/env python3
"""Hostile and unlucky input at the command line (issue 13, "silently wrong"
and "errors that point at the cause").

  hostile_checks.py THIRDSITE

  1. a scenario path that is not UTF-8 is escaped (\\xNN) in report.json
     (a string, never null) and index.html (never the raw byte);
  2. no control character from a path or a file reaches the terminal raw;
  3. propagate: an --out that cannot be written is exit 2, whatever fails;
  4. a full disk: the run says why ("No space left on device") with the
     whole path, exit 1, and leaves nothing (needs a 64 KiB tmpfs: root);
  5. check is linear in the size of the scenario: 200k engagements, which
     took 84 s when names were checked against all earlier ones, in 40 s
     with a sanitizer build's slowness to spare;
  6. the file-size cap stated in yamlutil.c (16 MiB) is the one enforced.
Python 3 standard library only.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
TINY = os.path.join(ROOT, "tests", "scenarios", "tiny.yaml")
SMALL = os.path.join(ROOT, "tests", "scenarios", "small.yaml")
BIN = os.fsencode(os.path.abspath(sys.argv[1]))
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    return cond


def run(*args, timeout=600):
    return subprocess.run([BIN] + [a if isinstance(a, bytes) else os.fsencode(a) for a in args],
                          capture_output=True, timeout=timeout)


def no_raw_controls(data, what):
    bad = [b for b in data if (b < 0x20 and b not in (9, 10)) or b == 0x7F]
    check(not bad, "%s: raw control bytes %s on the terminal" % (what, sorted(set(bad))))


def case_paths(tmp):
    d = os.path.join(os.fsencode(tmp), b"bad\xffdir\x1b[31m")
    os.makedirs(d)
    sc = os.path.join(d, b"s\xe9.yaml")
    shutil.copy(TINY, sc)
    out = os.path.join(os.fsencode(tmp), b"out")
    p = run("run", sc, "-o", out, "--quiet")
    if not check(p.returncode == 0, "1: run of a non-UTF-8 path: exit %d %r" % (p.returncode, p.stderr[:300])):
        return
    r = json.load(open(os.path.join(out, b"report.json"), encoding="utf-8"))
    path = r["scenario"]["path"]
    check(isinstance(path, str) and "\\xFF" in path and "\\xE9" in path and "\\x1B" in path,
          "1: report.json scenario.path: %r" % path)
    html = open(os.path.join(out, b"index.html"), "rb").read()
    check(b"\xff" not in html and b"\x1b" not in html and b"bad\\xFFdir\\x1B[31m" in html,
          "1: index.html shows the path raw or not at all")
    # 2. the same path in an error, and a file's control characters
    p = run("check", os.path.join(d, b"missing\x07.yaml"))
    check(p.returncode == 2, "2: check of a missing file: exit %d" % p.returncode)
    no_raw_controls(p.stderr, "2: check of a path with ESC and BEL")
    check(b"\\x1B[31m" in p.stderr and b"\\xFF" in p.stderr and b"\\x07" in p.stderr,
          "2: the path is not shown escaped: %r" % p.stderr[:200])
    csv = os.path.join(os.fsencode(tmp), b"h.csv")
    with open(csv, "wb") as f:
        f.write(b"id,x\x1b]0;pwned\x07,y,z,vx,vy,vz\n1,2,3,4,5,6,7\n")
    p = run("propagate", "--in", csv, "--out", os.path.join(os.fsencode(tmp), b"o.csv"))
    check(p.returncode == 2, "2: bad CSV header: exit %d" % p.returncode)
    no_raw_controls(p.stderr, "2: a CSV header with an OSC sequence")


def case_propagate_out(tmp):
    src = os.path.join(tmp, "s.csv")
    with open(src, "w") as f:
        f.write("id,x,y,z,vx,vy,vz\n1,6478137,0,0,0,5000,3000\n")
    folder = os.path.join(tmp, "a-folder")
    os.makedirs(folder)
    for out, what in ((folder, "a folder"), (os.path.join(tmp, "no", "such", "x.csv"), "a missing folder"),
                      ("/proc/thirdsite-x.csv", "/proc")):
        p = run("propagate", "--in", src, "--out", out)
        check(p.returncode == 2, "3: --out %s: exit %d, want 2 (%r)" % (what, p.returncode, p.stderr[:200]))
        check(os.fsencode(out) in p.stderr, "3: --out %s: the path is not named" % what)
    with open("/dev/full", "wb") as full:
        p = subprocess.run([BIN, b"propagate", b"--in", os.fsencode(src), b"--out", b"-"],
                           stdout=full, stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 2 and b"No space left on device" in p.stderr,
          "3: --out - to /dev/full: exit %d %r" % (p.returncode, p.stderr[:200]))


def case_full_disk(tmp):
    mnt = os.path.join(tmp, "tiny-fs")
    os.makedirs(mnt)
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt], capture_output=True)
    if m.returncode != 0:
        print("hostile_checks: 4 skipped: cannot mount a tmpfs here (%s)" % m.stderr.decode().strip())
        return
    try:
        out = os.path.join(mnt, "out")
        p = run("run", TINY, "-o", out, "--quiet")
        err = p.stderr.decode("utf-8", "replace")
        check(p.returncode == 1, "4: full disk: exit %d, want 1" % p.returncode)
        check("No space left on device" in err and (mnt + "/.out.tmp-") in err,
              "4: full disk: the message lacks the reason or the whole path: %r" % err[:300])
        check(os.listdir(mnt) == [], "4: full disk: left %s" % os.listdir(mnt))
    finally:
        subprocess.run(["umount", mnt])


def case_linear(tmp):
    base = open(SMALL).read()
    i, j = base.index("  engagements:"), base.index("  footprints:")
    path = os.path.join(tmp, "engagements-200k.yaml")
    with open(path, "w") as f:
        f.write(base[:i] + "  engagements:\n")
        for k in range(200000):
            f.write("    - {name: e%d, threat: iran-icbm, to: london}\n" % k)
        f.write(base[j:])
    t0 = time.monotonic()
    p = run("check", path, timeout=300)
    dt = time.monotonic() - t0
    check(p.returncode == 0, "5: 200k engagements: exit %d %r" % (p.returncode, p.stderr[:200]))
    check(dt < 40, "5: check of 200k engagements took %.1f s (quadratic?)" % dt)
    # the duplicate check still works, through the index
    dup = os.path.join(tmp, "dup.yaml")
    with open(dup, "w") as f:
        f.write(base[:i] + "  engagements:\n")
        for k in range(1000):
            f.write("    - {name: e%d, threat: iran-icbm, to: london}\n" % k)
        f.write("    - {name: e517, threat: iran-icbm, to: london}\n")
        f.write(base[j:])
    p = run("check", dup)
    line = base[:i].count("\n") + 1 + 1000 + 1  # the header, 1000 entries, then the repeat
    check(p.returncode == 2 and (b":%d:" % line) in p.stderr
          and b"duplicate engagement name 'e517'" in p.stderr,
          "5: duplicate name: exit %d %r" % (p.returncode, p.stderr[:300]))


def case_cap(tmp):
    cap = 16 << 20
    for size, want in ((cap, 2), (cap + 1, 2)):
        path = os.path.join(tmp, "cap-%d.yaml" % size)
        with open(path, "w") as f:
            head = "name: x\n#"
            f.write(head + "a" * (size - len(head) - 1) + "\n")
        check(os.path.getsize(path) == size, "6: file size")
        p = run("check", path)
        too_big = b"larger than 16777216 bytes" in p.stderr
        check(p.returncode == want and too_big == (size > cap),
              "6: a file of %d bytes: exit %d, %r" % (size, p.returncode, p.stderr[:160]))
        os.remove(path)


def main():
    tmp = tempfile.mkdtemp(prefix="thirdsite-hostile-")
    try:
        for case in (case_paths, case_propagate_out, case_full_disk, case_linear, case_cap):
            d = os.path.join(tmp, case.__name__)
            os.makedirs(d)
            try:
                case(d)
            except (OSError, ValueError, KeyError, subprocess.SubprocessError) as e:
                check(False, "%s: %s" % (case.__name__, e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("hostile_checks: %d failures" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
