#!/usr/bin/env python3
"""Checks of `thirdsite serve` (docs/server-api.md) over HTTP, with Python's
http.client against servers started on free ports of 127.0.0.1.

Usage: serve_checks.py THIRDSITE

Every loop is bounded and every server is stopped (SIGTERM) by the script
itself; each request has a timeout.  Exit 0 when all pass; otherwise each
failure is printed with what was expected and what was found.

Checks (each names its independent truth):
  1. start-up: the URL is printed, bound to 127.0.0.1 only (the printed
     address; a connection to another address of the machine is refused).
  2. GET /api/scenario: the scenario as resolved (ids, positions and units
     as tests/scenarios/small.yaml and data/*.yaml give them).
  3. bad requests: 400 with a message naming the field: bad JSON, a body
     that is not an object, an unknown field, an unknown battery or sensor,
     a bad position, a value that is not text, a bad variant / level /
     framing; a setting with a bad unit or an unknown path (--set rules).
  4. bounds: a body over 64 KiB is refused with 413, by Content-Length and
     chunked.
  5. paths: "..", encoded dots (%2e%2e, %2f), empty segments, dot files,
     a path without its leading '/', and symbolic links pointing out of the
     served folder are refused (403/404/400) and never give the file.
  6. Host: a request naming another host (DNS rebinding) is refused (403).
  6b. methods: only GET/HEAD (files, GET APIs) and POST (what-if APIs); 405
     with an Allow header otherwise.
  7. results equal to `thirdsite run`: for each variant, the full grid's
     cells per framing (tables/footprint-*.csv), the land shares, the matrix
     counts and verdicts and the flights' verdicts (report.json) of a run of
     the same scenario; with settings, of `run --set` with the same values.
  8. concurrent what-ifs: 8 threads at once give the answers the same
     requests give one at a time.
  9. nothing written: the scenario file, the data folder listing and the
     served folders are unchanged after every request above.
 10. a run folder: served under /run/ (index.html, report.json), its
     traversal refused.
 10b. the scenario file changed under a running server: 409, never an
     answer mixing the old flights with the new file.
 11. stop: SIGTERM ends the server with exit 0 (under AddressSanitizer:
     no leak either, LeakSanitizer failing the exit status otherwise).
"""
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SMALL = os.path.join(ROOT, "tests", "scenarios", "small.yaml")
DATA = os.environ.get("THIRDSITE_DATA", os.path.join(ROOT, "data"))
FAILS = []


def check(cond, what, found=None):
    if not cond:
        FAILS.append(what + ("" if found is None else f"\n    found: {found!r}"[:600]))
        print("FAIL:", FAILS[-1])
    return cond


class Server:
    def __init__(self, exe, args, cwd):
        self.p = subprocess.Popen([exe, "serve"] + args + ["--port", "0"], cwd=cwd,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.port = None
        for _ in range(20):  # the URL line, then the run-folder or Ctrl-C line
            line = self.p.stdout.readline()
            if not line:
                break
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m and self.port is None:
                self.port = int(m.group(1))
            if "Ctrl-C" in line:
                break
        if self.port is None:
            self.p.kill()
            raise SystemExit("server did not start: " + self.p.stderr.read())

    def req(self, method, path, body=None, headers=None, timeout=300):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict(r.getheaders()), data

    def raw(self, text):
        """A request line as written, for paths http.client would not send."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        s.sendall(text.encode())
        out = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
        s.close()
        return out

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = "hung"
        err = self.p.stderr.read()
        return rc, err


def whatif(s, body):
    st, _, data = s.req("POST", "/api/whatif", body)
    try:
        return st, json.loads(data)
    except ValueError:
        return st, data


def tree_state(path):
    """(relative path, size, sha256) of every file below path."""
    out = []
    for d, _, files in sorted(os.walk(path)):
        for f in sorted(files):
            p = os.path.join(d, f)
            if os.path.islink(p):
                out.append((os.path.relpath(p, path), "link", os.readlink(p)))
                continue
            with open(p, "rb") as fh:
                out.append((os.path.relpath(p, path), os.path.getsize(p),
                            hashlib.sha256(fh.read()).hexdigest()))
    return out


# ---- the run, the independent truth --------------------------------------------

def run_truth(exe, tmp, name, settings):
    out = os.path.join(tmp, name)
    args = [exe, "run", SMALL, "-o", out, "-j", "2", "--quiet"]
    for k, v in settings:
        args += ["--set", f"{k}={v}"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if not check(r.returncode == 0, f"run {settings} exits 0", r.stderr):
        return None
    with open(os.path.join(out, "report.json")) as f:
        rep = json.load(f)
    cells = {}
    fp = rep["footprints"][0]
    with open(os.path.join(out, fp["cells_table"])) as f:
        head = f.readline().strip().split(",")
        rows = [line.strip().split(",") for line in f if line.strip()]
    code = {"defended": "d", "within-reach": "d", "undefended": "u",
            "not-within-reach": "u"}
    for col, name_ in enumerate(head):
        m = re.match(r"(.+)_(kinematic|supported)_status$", name_)
        if m:
            cells[(m.group(1), m.group(2))] = "".join(code.get(r[col], "x") for r in rows)
    return rep, cells


def compare_with_run(s, exe, tmp, settings, body_extra, label):
    truth = run_truth(exe, tmp, "run-" + label, settings)
    if not truth:
        return
    rep, cells = truth
    LAST_RUN[label] = rep
    fp = rep["footprints"][0]
    for v in fp["variants"]:
        vname = v["variant"]
        body = dict(body_extra)
        body["variant"] = vname
        st, a = whatif(s, body)
        if not check(st == 200, f"{label}: what-if {vname} answers 200", a):
            continue
        f = a["footprint"]
        slug = vname  # the table's column prefix is the variant's name
        for fr in ("kinematic", "supported"):
            check(f["cells"][fr] == cells.get((slug, fr)),
                  f"{label}: {vname} {fr} cells equal the run's table",
                  (f["cells"][fr], cells.get((slug, fr))))
            check(abs(f["defended_land_share"][fr] - v[fr]["defended_land_share"]) < 1e-4,
                  f"{label}: {vname} {fr} land share equals report.json's",
                  (f["defended_land_share"][fr], v[fr]["defended_land_share"]))
        # matrix
        mr = rep["matrix"][0]
        mv = [x for x in mr["variants"] if x["variant"] == vname][0]
        am = a["matrix"][0]
        for fr in ("kinematic", "supported"):
            check(am["engaged"][fr] == mv[fr]["engaged"],
                  f"{label}: {vname} matrix {fr} count equals report.json's",
                  (am["engaged"][fr], mv[fr]["engaged"]))
        for x, y in zip(am["flights"], mv["cells"]):
            for fr in ("kinematic", "supported"):
                if y.get("engaged") is None:
                    check(not x["flown"], f"{label}: unflown matrix flight not flown")
                    continue
                check(x[fr]["engaged"] == y[fr]["engaged"],
                      f"{label}: {vname} {x['from']}->{x['to']} {fr} verdict equals report.json's",
                      (x[fr], y[fr]))
        # flights
        for x, e in zip(a["engagements"], rep["engagements"]):
            ev = [y for y in e["variants"] if y["variant"] == vname][0]
            for fr in ("kinematic", "supported"):
                check(x[fr]["engaged"] == ev[fr]["engaged"],
                      f"{label}: {vname} flight {x['name']} {fr} verdict equals report.json's",
                      (x[fr], ev[fr]))
                check(abs(x[fr]["p_kill"] - ev[fr]["p_kill"]) < 1e-4,
                      f"{label}: {vname} flight {x['name']} {fr} P(kill) equals report.json's",
                      (x[fr]["p_kill"], ev[fr]["p_kill"]))


# ---- the checks ------------------------------------------------------------------

def checks_api(s):
    st, _, data = s.req("GET", "/api/scenario")
    check(st == 200, "GET /api/scenario answers 200", st)
    sc = json.loads(data)
    base = sc["variants"][0]["defense"]
    b = base["batteries"][0]
    check(b["id"] == "redzikowo" and abs(b["lat_deg"] - 54.48) < 0.05 and b["readiness_s"] == 30,
          "scenario: redzikowo at 54.48 N with readiness 30 s (small.yaml, data/sites.yaml)", b)
    check([v["name"] for v in sc["variants"]] == ["base", "fast-gbi"],
          "scenario: variants base and fast-gbi", [v["name"] for v in sc["variants"]])
    check(sc["analyses"]["footprints"][0]["step_deg"] == 2.0, "scenario: the footprint step, deg")
    check(base["doctrine"]["sspk"] == 0.8, "scenario: the doctrine's SSPK")

    bad = [
        ("{not json", "body"),
        ("[1, 2]", "body"),
        ({"wat": 1}, "wat"),
        ({"batteries": {"nowhere": {"at": "54N 17E"}}}, "batteries.nowhere"),
        ({"sensors": {"nowhere": {"at": "54N 17E"}}}, "sensors.nowhere"),
        ({"batteries": {"redzikowo": {"at": "north of here"}}}, "batteries.redzikowo.at"),
        ({"batteries": {"redzikowo": {"at": "95N 17E"}}}, "batteries.redzikowo.at"),
        ({"batteries": {"redzikowo": "54N 17E"}}, "batteries.redzikowo"),
        ({"batteries": []}, "batteries"),
        ({"set": {"doctrine.sspk": 0.5}}, "set.doctrine.sspk"),
        ({"set": {"doctrine.sspk": "x" * 600}}, "set.doctrine.sspk"),
        ({"set": {"a b": "1"}}, "set.a b"),
        ({"variant": "nope"}, "variant"),
        ({"level": "max"}, "level"),
        ({"framing": "defended"}, "framing"),
        ({"footprint": "moon"}, "footprint"),
    ]
    if SETTINGS:
        bad += [({"set": {"batteries.redzikowo.burnout_speed": "7 parsecs"}},
                 "batteries.redzikowo.burnout_speed"),
                ({"set": {"batteries.redzikowo.colour": "red"}}, "colour"),
                ({"set": {"doctrine.sspk": "lots"}}, "doctrine.sspk")]
    for body, field in bad:
        st, _, data = s.req("POST", "/api/whatif", body)
        msg = ""
        try:
            msg = json.loads(data)["error"]
        except (ValueError, KeyError, TypeError):
            pass
        check(st == 400 and field in msg, f"bad request {str(body)[:60]!r}: 400 naming {field!r}",
              (st, msg))

    # bounds
    big = json.dumps({"set": {"doctrine.sspk": "0.5"}, "pad": "x" * 70000})
    st, _, _ = s.req("POST", "/api/whatif", big)
    check(st == 413, "a 70 kB body (Content-Length) gets 413", st)

    def chunks():
        for _ in range(80):
            yield b"x" * 1024
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
    try:
        c.request("POST", "/api/whatif", body=chunks(), encode_chunked=True,
                  headers={"Transfer-Encoding": "chunked"})
        st = c.getresponse().status
    except (ConnectionError, http.client.HTTPException) as e:
        st = repr(e)
    c.close()
    check(st == 413, "an 80 kB chunked body gets 413", st)

    # methods
    for m, p in [("PUT", "/api/whatif"), ("DELETE", "/viewer/map.html"), ("PATCH", "/api/scenario"),
                 ("GET", "/api/whatif"), ("POST", "/api/scenario"), ("POST", "/viewer/map.html"),
                 ("OPTIONS", "/")]:
        st, h, _ = s.req(m, p, "{}" if m in ("PUT", "POST", "PATCH") else None)
        check(st == 405, f"{m} {p} gets 405", st)
        check("Allow" in h or "allow" in {k.lower() for k in h}, f"{m} {p}: an Allow header", h)
    st, _, _ = s.req("GET", "/api/scenario", headers={"Host": "evil.example:%d" % s.port})
    check(st == 403, "a request naming another host (DNS rebinding) gets 403", st)
    st, _, _ = s.req("GET", "/api/scenario", headers={"Host": "localhost:%d" % s.port})
    check(st == 200, "Host localhost:PORT is served", st)
    st, _, _ = s.req("GET", "/api/nothing")
    check(st == 404, "GET /api/nothing gets 404", st)


def checks_paths(s, secret):
    st, _, data = s.req("GET", "/viewer/map.html")
    check(st == 200 and b"viewer test page" in data, "GET /viewer/map.html serves the app", st)
    st, _, data = s.req("GET", "/")
    check(st == 302, "GET / redirects to the app", st)
    tries = ["/../../../../etc/passwd", "/viewer/../../secret.txt", "/%2e%2e/%2e%2e/etc/passwd",
             "/viewer/%2e%2e/%2e%2e/secret.txt", "/viewer/..%2f..%2fsecret.txt",
             "/viewer/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/viewer/out-link.txt",
             "/viewer/out-dir/secret.txt", "//etc/passwd", "/viewer//map.html",
             "/viewer/.hidden", "/viewer/.%2e/%2e%2e/secret.txt", "/secret.txt",
             "/run/../secret.txt", "/viewer/%00/../../secret.txt",
             "/viewer\\..\\..\\secret.txt", "/viewer/map/%2e%2e/%2e%2e/secret.txt"]
    for p in tries:
        raw = s.raw(f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head = raw.split(b"\r\n", 1)[0]
        code = int(head.split()[1]) if len(head.split()) > 1 else 0
        check(code in (400, 403, 404) and secret not in raw and b"root:" not in raw,
              f"GET {p} refused (403/404/400) without the file", raw[:200])
    for p in ["etc/passwd", "secret.txt", "http://127.0.0.1/../secret.txt"]:
        raw = s.raw(f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        check(secret not in raw and b"root:" not in raw and b" 200 " not in raw.split(b"\r\n")[0],
              f"GET {p} (not absolute) refused", raw[:200])


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    exe = os.path.abspath(sys.argv[1])
    global SETTINGS
    r = subprocess.run([exe, "run", "--help"], capture_output=True, text=True)
    SETTINGS = "--set" in r.stdout
    tmp = tempfile.mkdtemp(prefix="ts-serve-")
    try:
        # a viewer folder of our own, with links pointing out of it
        viewer = os.path.join(tmp, "viewer")
        os.makedirs(os.path.join(viewer, "map"))
        with open(os.path.join(viewer, "map.html"), "w") as f:
            f.write("<!doctype html><title>viewer test page</title>")
        with open(os.path.join(viewer, ".hidden"), "w") as f:
            f.write("hidden")
        secret = b"SECRET-" + os.urandom(8).hex().encode()
        with open(os.path.join(tmp, "secret.txt"), "wb") as f:
            f.write(secret)
        outside = os.path.join(tmp, "outside")
        os.makedirs(outside)
        shutil.copy(os.path.join(tmp, "secret.txt"), outside)
        os.symlink(os.path.join(tmp, "secret.txt"), os.path.join(viewer, "out-link.txt"))
        os.symlink(outside, os.path.join(viewer, "out-dir"))
        cwd = os.path.join(tmp, "cwd")
        os.makedirs(cwd)
        before = (tree_state(viewer), tree_state(cwd), tree_state(os.path.dirname(SMALL)),
                  sorted(os.listdir(DATA)))

        s = Server(exe, [SMALL, "-j", "2", "--viewer", viewer], cwd)
        try:
            checks_api(s)
            checks_paths(s, secret)
            compare_with_run(s, exe, tmp, [], {}, "unmodified")
            moves = {"batteries": {"redzikowo": {"at": "52.0N 21.0E"}},
                     "sensors": {"emr": {"at": "50.0N 14.0E"}},
                     "set": {"doctrine.sspk": "0.7", "batteries.redzikowo.readiness": "60 s"}}
            if SETTINGS:
                compare_with_run(s, exe, tmp,
                                 [("batteries.redzikowo.at", "52.0N 21.0E"),
                                  ("sensors.emr.at", "50.0N 14.0E"),
                                  ("doctrine.sspk", "0.7"),
                                  ("batteries.redzikowo.readiness", "60 s")],
                                 moves, "moved")
                st, a = whatif(s, moves)
                check(st == 200 and a["batteries"][0]["lat_deg"] == 52.0,
                      "a moved battery is where the request put it", a if st != 200 else a["batteries"])
                # save as scenario: the file `run` reads gives run --set's answers
                st, h, text = s.req("POST", "/api/scenario.yaml", moves)
                check(st == 200 and h.get("Content-Type", "").startswith("application/yaml"),
                      "POST /api/scenario.yaml answers 200 with YAML", (st, h.get("Content-Type")))
                saved = os.path.join(tmp, "saved.yaml")
                with open(saved, "wb") as f:
                    f.write(text)
                out = os.path.join(tmp, "run-saved")
                r = subprocess.run([exe, "run", saved, "-o", out, "-j", "2", "--quiet"],
                                   capture_output=True, text=True, timeout=600)
                if check(r.returncode == 0, "thirdsite run accepts the saved scenario", r.stderr):
                    with open(os.path.join(out, "report.json")) as f:
                        got = json.load(f)["answers"]
                    want = LAST_RUN.get("moved", {}).get("answers")
                    check(got == want, "the saved scenario's answers equal run --set's",
                          json.dumps(got)[:300] + " vs " + json.dumps(want)[:300])
                st, _, data = s.req("POST", "/api/scenario.yaml",
                                    {"set": {"doctrine.sspk": "lots"}})
                check(st == 400 and b"doctrine.sspk" in data,
                      "scenario.yaml with a bad setting: 400 naming it", (st, data[:200]))
            # concurrency: 8 threads, alternating requests, against serial answers
            reqs = [{"variant": "base", "level": "preview"}, {"variant": "fast-gbi"},
                    {"variant": "base", "framing": "kinematic"}, {"variant": "fast-gbi", "level": "preview"}]
            if SETTINGS:
                reqs += [moves, dict(moves, variant="fast-gbi")]
            serial = []
            for q in reqs:
                st, a = whatif(s, q)
                a.pop("timing", None)
                serial.append(a)
            results = [None] * 8

            def worker(i):
                st, a = whatif(s, reqs[i % len(reqs)])
                if isinstance(a, dict):
                    a.pop("timing", None)
                results[i] = (st, a)
            ts = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
            for t in ts:
                t.start()
            for t in ts:
                t.join(timeout=600)
            for i, res in enumerate(results):
                check(res is not None and res[0] == 200 and res[1] == serial[i % len(reqs)],
                      f"concurrent what-if {i} equals its serial answer",
                      None if res is None else (res[0], str(res[1])[:300]))
        finally:
            rc, err = s.stop()
        check(rc == 0, "SIGTERM stops the server with exit 0", (rc, err[-2000:]))
        after = (tree_state(viewer), tree_state(cwd), tree_state(os.path.dirname(SMALL)),
                 sorted(os.listdir(DATA)))
        check(before == after, "nothing written: viewer, working folder, scenarios, data unchanged")

        # a run folder
        rundir = os.path.join(tmp, "run-unmodified")
        if os.path.isdir(rundir):
            s = Server(exe, [rundir, "--viewer", viewer], cwd)
            try:
                for p in ["/run/index.html", "/run/report.json", "/run/"]:
                    st, h, data = s.req("GET", p)
                    check(st == 200, f"RUNDIR: GET {p} answers 200", st)
                st, h, data = s.req("GET", "/run/report.json")
                check(h.get("Content-Type", "").startswith("application/json"),
                      "RUNDIR: report.json as application/json", h.get("Content-Type"))
                for p in ["/run/../secret.txt", "/run/%2e%2e/secret.txt", "/run/.thirdsite-run"]:
                    raw = s.raw(f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    check(secret not in raw and b" 200 " not in raw.split(b"\r\n")[0],
                          f"RUNDIR: GET {p} refused", raw[:200])
                st, _ = whatif(s, {"level": "preview"})
                check(st == 200, "RUNDIR: the what-if of the scenario it was run from", st)
            finally:
                rc, err = s.stop()
            check(rc == 0, "RUNDIR: SIGTERM stops the server with exit 0", (rc, err[-2000:]))

        # the scenario file changed under the server
        copy = os.path.join(tmp, "copy.yaml")
        shutil.copy(SMALL, copy)
        s = Server(exe, [copy, "--viewer", viewer], cwd)
        try:
            st, _ = whatif(s, {"level": "preview", "footprint": None})
            check(st == 200, "a copy of the scenario is served", st)
            with open(copy, "a") as f:
                f.write("# edited\n")
            st, a = whatif(s, {"level": "preview", "footprint": None})
            check(st == 409 and "changed" in str(a), "an edited scenario file gets 409", (st, a))
        finally:
            rc, err = s.stop()
        check(rc == 0, "SIGTERM stops that server with exit 0", (rc, err[-2000:]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILS:
        print(f"{len(FAILS)} failure(s)")
        return 1
    print("serve_checks: all passed")
    return 0


SETTINGS = False
LAST_RUN = {}
if __name__ == "__main__":
    sys.exit(main())
