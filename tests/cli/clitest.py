# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared helpers of the command-line tests: run the CLI, count results.
import json
import os
import subprocess
import sys

CLI = os.environ.get("JTL_CLI", "build/tools/jsontimeline")
DATA = os.environ.get("JTL_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
INDREAM = os.path.join(DATA, "indream")

_passed = 0
_failed = 0


def run(*args, stdin=None, timeout=120, env=None):
    """Runs the CLI (env: variables added to the environment); returns (exit code, stdout,
    stderr). A crash is a failure."""
    p = subprocess.run([CLI, *args], input=stdin, capture_output=True, timeout=timeout,
                       env=dict(os.environ, **env) if env else None)
    if p.returncode < 0 or p.returncode > 2:
        raise AssertionError(f"{args}: crashed or bad exit {p.returncode}: {p.stderr[-2000:]!r}")
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def run_json(*args, stdin=None, timeout=120):
    code, out, err = run("validate", "--json", *args, stdin=stdin, timeout=timeout)
    lines = [json.loads(l) for l in out.splitlines() if l.strip()]
    return code, lines, err


def check(name, fn):
    global _passed, _failed
    try:
        fn()
        _passed += 1
        print(f"ok - {name}")
    except Exception as e:  # noqa: BLE001 - report every failure, keep going
        _failed += 1
        print(f"FAIL - {name}: {type(e).__name__}: {e}")


def finish():
    print(f"{_passed} passed, {_failed} failed")
    sys.exit(1 if _failed else 0)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def has(result, code, path=None, severity="errors"):
    return any(e["code"] == code and (path is None or e["path"] == path) for e in result[severity])


def example(name):
    return os.path.join(INDREAM, name)


def load_example(name):
    with open(example(name), encoding="utf-8") as f:
        return json.load(f)
