#!/usr/bin/env python3
"""The run folder never loses a user's file (src/runfolder.c, docs/run-folder.md).

  runfolder_checks.py THIRDSITE RENAME_SHIM.so

Each case is one of issue 13's data-loss reports, reproduced; each failed
against thirdsite before src/runfolder.c and passes after:
  1. a folder with report.json + run.log + a user's thesis.tex is refused
     (exit 2, the file named), not replaced;
  2. a user's file added to a run folder, or a run file changed, is refused
     and left alone; a clean earlier run is replaced;
  3. without an atomic exchange (the shim's renameat2 fails as on sshfs),
     a failing second rename restores the earlier run, byte for byte; and
     without the failure the run is replaced with nothing left beside it;
  4. every file and folder is fsync'ed before the rename into place;
  5. kill -9 leaves .NAME.tmp-XXXXXX: the next run removes it, but never a
     live run's temporary folder;
  6. -o through a symbolic link writes into the link's target, the link
     stays; a dangling link is refused.
Python 3 standard library only.
"""
import filecmp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
TINY = os.path.join(ROOT, "tests", "scenarios", "tiny.yaml")  # the fastest whole run
BIG = os.path.join(ROOT, "scenarios", "third-site-2008.yaml")
BIN = os.path.abspath(sys.argv[1])
SHIM = os.path.abspath(sys.argv[2])
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    return cond


def run(out, scenario=TINY, env=None):
    e = dict(os.environ)
    e.update(env or {})
    if "LD_PRELOAD" in e:  # sanitizer builds: the shim comes before libasan
        e["ASAN_OPTIONS"] = e.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    return subprocess.run([BIN, "run", scenario, "-o", out, "--quiet", "-j", "2"],
                          capture_output=True, text=True, timeout=600, env=e)


def tree(d):
    """{relative path: bytes} of every file below d."""
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def hidden_beside(d):
    parent = os.path.dirname(d)
    return sorted(n for n in os.listdir(parent) if n.startswith("."))


def case_foreign(tmp):
    out = os.path.join(tmp, "thesis")
    os.makedirs(os.path.join(out, "data"))
    files = {"report.json": "{}", "run.log": "x", "thesis.tex": "\\documentclass{article}",
             "data/survey.csv": "a,b\n"}
    for rel, text in files.items():
        with open(os.path.join(out, rel), "w") as f:
            f.write(text)
    before = tree(out)
    p = run(out)
    check(p.returncode == 2, "1: report.json + run.log + thesis.tex: exit %d, want 2 (%s)"
          % (p.returncode, p.stderr[:300]))
    check("not a thirdsite run folder" in p.stderr, "1: refusal does not say why: %r" % p.stderr[:300])
    check(tree(out) == before, "1: the user's folder was changed")
    check(hidden_beside(out) == [], "1: left %s beside it" % hidden_beside(out))


def case_added(tmp):
    out = os.path.join(tmp, "run")
    p = run(out)
    if not check(p.returncode == 0, "2: first run: exit %d (%s)" % (p.returncode, p.stderr[:300])):
        return
    check(os.path.isfile(os.path.join(out, ".thirdsite-run")), "2: no marker in the run folder")
    with open(os.path.join(out, "notes.txt"), "w") as f:
        f.write("my notes on this run")
    os.makedirs(os.path.join(out, "maps", "mine"))
    with open(os.path.join(out, "maps", "mine", "sketch.svg"), "w") as f:
        f.write("<svg/>")
    before = tree(out)
    p = run(out)
    check(p.returncode == 2, "2: run folder + notes.txt: exit %d, want 2" % p.returncode)
    check("notes.txt" in p.stderr and "maps/mine/sketch.svg" in p.stderr,
          "2: the user's files are not named: %r" % p.stderr[:400])
    check(tree(out) == before, "2: a user's file was lost or changed")
    os.remove(os.path.join(out, "notes.txt"))
    shutil.rmtree(os.path.join(out, "maps", "mine"))
    # a file of the run, edited by its user: refused too
    with open(os.path.join(out, "index.html"), "a") as f:
        f.write("<!-- my edit -->")
    p = run(out)
    check(p.returncode == 2 and "index.html (changed since the run)" in p.stderr,
          "2: an edited index.html: exit %d, %r" % (p.returncode, p.stderr[:300]))
    shutil.rmtree(out)
    p = run(out)
    first = tree(out)
    p = run(out)
    check(p.returncode == 0, "2: a clean earlier run: exit %d (%s)" % (p.returncode, p.stderr[:300]))
    second = tree(out)
    check(sorted(first) == sorted(second), "2: the replacing run's file list differs")
    check(hidden_beside(out) == [], "2: left %s beside the folder" % hidden_beside(out))


def case_fallback(tmp):
    out = os.path.join(tmp, "nfs")
    if not check(run(out).returncode == 0, "3: first run failed"):
        return
    before = tree(out)
    log = os.path.join(tmp, "shim.log")
    p = run(out, env={"LD_PRELOAD": SHIM, "TS_SHIM_NO_EXCHANGE": "1", "TS_SHIM_FAIL_INTO": out,
                      "TS_SHIM_LOG": log})
    with open(log) as f:
        shim_log = f.read()
    check("rename-failed" in shim_log, "3: the injected failure did not happen (shim not loaded?)")
    check(p.returncode == 1, "3: failed second rename: exit %d, want 1 (%s)" % (p.returncode, p.stderr[:300]))
    check(os.path.isdir(out) and tree(out) == before,
          "3: the earlier run was not restored byte for byte after the failed rename")
    check(hidden_beside(out) == [], "3: left %s beside the folder" % hidden_beside(out))
    # no exchange, no failure: replaced by way of two renames, nothing left
    p = run(out, env={"LD_PRELOAD": SHIM, "TS_SHIM_NO_EXCHANGE": "1"})
    check(p.returncode == 0, "3: two-rename fallback: exit %d (%s)" % (p.returncode, p.stderr[:300]))
    check(sorted(tree(out)) == sorted(before), "3: fallback run's files differ")
    check(hidden_beside(out) == [], "3: fallback left %s beside the folder" % hidden_beside(out))


def case_fsync(tmp):
    out = os.path.join(tmp, "durable")
    log = os.path.join(tmp, "fsync.log")
    p = run(out, env={"LD_PRELOAD": SHIM, "TS_SHIM_LOG": log})
    if not check(p.returncode == 0, "4: run: exit %d (%s)" % (p.returncode, p.stderr[:300])):
        return
    with open(log) as f:
        lines = [l.rstrip("\n").split(" ") for l in f]
    into = [i for i, l in enumerate(lines) if l[0] == "rename" and len(l) == 3 and l[2] == out]
    if not check(len(into) == 1, "4: no single rename into %s: %s" % (out, lines[-5:])):
        return
    tmpdir = lines[into[0]][1]
    synced = {l[1] for l in lines[:into[0]] if l[0] == "fsync"}
    real_tmp = os.path.realpath(tmpdir)
    for rel in sorted(tree(out)):
        check(os.path.join(real_tmp, rel) in synced, "4: %s not fsync'ed before the rename" % rel)
    for root, dirs, _ in os.walk(out):
        for d in dirs:
            rel = os.path.relpath(os.path.join(root, d), out)
            check(os.path.join(real_tmp, rel) in synced, "4: folder %s not fsync'ed" % rel)
    check(real_tmp in synced, "4: the run folder itself not fsync'ed before the rename")


def case_kill9(tmp):
    out = os.path.join(tmp, "killed")
    proc = subprocess.Popen([BIN, "run", BIG, "-o", out, "--quiet", "-j", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):  # up to 60 s: the sanitizer build loads slowly
        if hidden_beside(out):
            break
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stale = hidden_beside(out)
    check(len(stale) == 1 and ".tmp-" in stale[0], "5: kill -9 left %s" % stale)
    if len(stale) != 1:
        return
    # a live run's temporary folder is never taken for a dead one's
    live = subprocess.Popen([BIN, "run", BIG, "-o", out, "--quiet", "-j", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for _ in range(1200):
        if len(hidden_beside(out)) >= 1 and hidden_beside(out) != stale:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    live_tmp = [n for n in hidden_beside(out) if n not in stale]
    check(stale[0] not in hidden_beside(out), "5: the dead run's folder was not removed")
    # another run into the same place meanwhile
    p = run(out)
    check(p.returncode == 0, "5: run beside a live one: exit %d (%s)" % (p.returncode, p.stderr[:300]))
    check(live.poll() is not None or all(n in hidden_beside(out) for n in live_tmp),
          "5: a live run's temporary folder %s was removed" % live_tmp)
    if live.poll() is None:  # still running: stop it (SIGTERM), it cleans up after itself
        live.send_signal(signal.SIGTERM)
    _, err = live.communicate(timeout=600)
    check(live.returncode in (0, -signal.SIGTERM), "5: the live run failed: %d %s"
          % (live.returncode, err[:300]))
    check(hidden_beside(out) == [], "5: left %s" % hidden_beside(out))


def case_symlink(tmp):
    real = os.path.join(tmp, "big-disk", "runs")
    link = os.path.join(tmp, "link")
    if not check(run(real).returncode == 0, "6: first run failed"):
        return
    os.symlink(real, link)
    with open(os.path.join(real, "report.json"), "rb") as f:
        old = f.read()
    os.utime(os.path.join(real, "report.json"), (1, 1))
    p = run(link)
    check(p.returncode == 0, "6: -o through a link: exit %d (%s)" % (p.returncode, p.stderr[:300]))
    check(os.path.islink(link) and os.readlink(link) == real, "6: the link was replaced")
    check(os.stat(os.path.join(real, "report.json")).st_mtime > 1, "6: the link's target was not written")
    check(hidden_beside(link) == [] and hidden_beside(real) == [],
          "6: left %s / %s" % (hidden_beside(link), hidden_beside(real)))
    del old
    dangling = os.path.join(tmp, "dangling")
    os.symlink(os.path.join(tmp, "nowhere"), dangling)
    p = run(dangling)
    check(p.returncode == 2 and "symbolic link" in p.stderr, "6: dangling link: exit %d %r"
          % (p.returncode, p.stderr[:200]))
    check(os.path.islink(dangling) and not os.path.exists(os.path.join(tmp, "nowhere")),
          "6: the dangling link was changed")


def main():
    tmp = tempfile.mkdtemp(prefix="thirdsite-runfolder-")
    try:
        for case in (case_foreign, case_added, case_fallback, case_fsync, case_kill9, case_symlink):
            d = os.path.join(tmp, case.__name__)
            os.makedirs(d)
            try:
                case(d)
            except (OSError, subprocess.SubprocessError) as e:  # a case that broke midway
                check(False, "%s: %s" % (case.__name__, e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("runfolder_checks: %d failures" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
