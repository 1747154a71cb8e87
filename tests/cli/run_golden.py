#!/usr/bin/env python3
"""Command-line golden tests: each case is data (STYLE.md, PROJ test_gie.yaml).

Usage: run_golden.py THIRDSITE CASES.test

A .test file holds cases; each starts with a command line and is followed by
expectations, one a line:
    $ thirdsite arc --from 95N,0E --to 10,10      the command ("thirdsite" is
                                                  replaced by the binary)
    ? 2                                           expected exit status
    out~ REGEX / err~ REGEX                       stdout / stderr must match
    out!~ REGEX / err!~ REGEX                     ... must not match
    json KEY OP NUMBER                            stdout is JSON; OP in < <= > >= ==
    json KEY ~= NUMBER TOL                        |value - NUMBER| <= TOL
Lines starting with # are comments.  Every case also checks that no output
contains a NaN or an infinity, and that stderr holds no sanitizer report.
"""
import json
import os
import re
import shlex
import subprocess
import sys


def parse(path):
    cases, cur = [], None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith("$ "):
                cur = {"cmd": line[2:], "line": lineno, "exp": []}
                cases.append(cur)
            elif cur is None:
                sys.exit(f"{path}:{lineno}: expectation before any command")
            else:
                cur["exp"].append((lineno, line))
    return cases


def lookup(obj, key):
    for part in key.split("."):
        obj = obj[int(part)] if isinstance(obj, list) else obj[part]
    return obj


def check(path, binary, case):
    argv = shlex.split(case["cmd"])
    if argv[0] == "thirdsite":
        argv[0] = binary
    env = dict(os.environ)
    p = subprocess.run(argv, capture_output=True, text=True, timeout=600,
                       cwd=os.path.dirname(os.path.abspath(path)), env=env)
    errs = []
    streams = {"out": p.stdout, "err": p.stderr}
    parsed = None
    for lineno, exp in case["exp"]:
        where = f"{path}:{lineno}"
        if exp.startswith("? "):
            want = int(exp[2:])
            if p.returncode != want:
                errs.append(f"{where}: exit {p.returncode}, want {want}")
            continue
        m = re.match(r"(out|err)(!?)~ (.*)$", exp)
        if m:
            found = re.search(m.group(3), streams[m.group(1)], re.M) is not None
            if found == (m.group(2) == "!"):
                errs.append(f"{where}: {m.group(1)} {'matches' if found else 'lacks'} /{m.group(3)}/")
            continue
        m = re.match(r"json (\S+) (<=|>=|==|<|>|~=) (\S+)(?: (\S+))?$", exp)
        if m:
            if parsed is None:
                try:
                    parsed = json.loads(p.stdout)
                except ValueError as e:
                    errs.append(f"{where}: stdout is not JSON: {e}")
                    break
            try:
                got = lookup(parsed, m.group(1))
            except (KeyError, IndexError, TypeError):
                errs.append(f"{where}: no key {m.group(1)}")
                continue
            want, op = float(m.group(3)), m.group(2)
            ok = {"<": got < want, "<=": got <= want, ">": got > want,
                  ">=": got >= want, "==": got == want,
                  "~=": op == "~=" and abs(got - want) <= float(m.group(4) or 0)}[op]
            if not ok:
                errs.append(f"{where}: {m.group(1)} = {got}, want {op} {want} {m.group(4) or ''}")
            continue
        errs.append(f"{where}: cannot read expectation: {exp}")
    for name, text in streams.items():
        if re.search(r"\b(-?nan|-?inf(inity)?)\b", text, re.I):
            errs.append(f"{path}:{case['line']}: NaN or infinity in std{name}")
    # A sanitizer report fails the case whatever the exit status expected.
    if re.search(r"ERROR: (Address|Leak)Sanitizer|runtime error:", p.stderr):
        errs.append(f"{path}:{case['line']}: sanitizer report on stderr")
    if errs:
        errs.append(f"  command: {case['cmd']}\n  exit: {p.returncode}\n"
                    f"  stdout: {p.stdout[:2000]}\n  stderr: {p.stderr[:2000]}")
    return errs


def main():
    binary, path = sys.argv[1], sys.argv[2]
    cases = parse(path)
    failed = 0
    for case in cases:
        errs = check(path, binary, case)
        if errs:
            failed += 1
            print("\n".join(errs))
    print(f"{len(cases) - failed} passed, {failed} failed")
    sys.exit(1 if failed or not cases else 0)


if __name__ == "__main__":
    main()
