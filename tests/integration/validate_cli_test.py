#!/usr/bin/python3
"""The command line: validate on every example (exit 0) and on a broken file (exit 2 with every
error), status from the state directory (text and JSON), refusal of a corrupt or foreign state
directory without touching it, version and usage errors."""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

BROKEN = """source:
  type: values
  rows.totl: 10
  table.count: none
sink:
  type: file
pipeline:
  checkpoint.interval: 5 parsecs
  schema.change.behavior: evolv
"""

GOOD = """source:
  type: values
  rows.total: 500
sink:
  type: file
  path: {out}
pipeline:
  name: {name}
  state.dir: {state}
  checkpoint.interval: 50ms
"""


def run(binary, *args, env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=60,
                          env=full_env)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    binary = ap.parse_args().binary
    work = harness.tempdir("starcdc-cli-")
    try:
        examples = sorted(glob.glob(os.path.join(ROOT, "examples", "*.yaml")))
        assert examples
        for ex in examples:
            r = run(binary, "validate", "-c", ex)
            assert r.returncode == 0, f"{ex}: {r.stderr}"
            assert ": ok (" in r.stdout, r.stdout

        broken = os.path.join(work, "broken.yaml")
        harness.write_pipeline(broken, BROKEN)
        r = run(binary, "validate", "-c", broken)
        assert r.returncode == 2, r.returncode
        expected = [
            f"{broken}:3:3: error: rows.totl: unknown option; did you mean 'rows.total'?",
            f"{broken}:4:16: error: table.count: expected an integer, got 'none'",
            f"{broken}:6:3: error: path: missing required option of sink 'file'",
            f"{broken}:8:24: error: checkpoint.interval: expected a duration such as 5s, 500ms "
            f"or 2min, got '5 parsecs'",
            f"{broken}:9:27: error: schema.change.behavior: 'evolv' is not one of exception, "
            f"evolve, try_evolve, lenient, ignore; did you mean 'evolve'?",
            f"{broken}: 5 errors",
        ]
        assert r.stderr.splitlines() == expected, r.stderr
        r = run(binary, "run", "-c", broken)
        assert r.returncode == 2 and "rows.totl" in r.stderr

        out, state = os.path.join(work, "out"), os.path.join(work, "state")
        good = os.path.join(work, "good.yaml")
        harness.write_pipeline(good, GOOD.format(out=out, state=state, name="orders"))
        r = run(binary, "status", "-c", good)
        assert r.returncode == 0 and "none yet" in r.stdout, r.stdout
        r = run(binary, "run", "-c", good)
        assert r.returncode == 0, r.stderr
        r = run(binary, "status", "-c", good)
        assert r.returncode == 0 and "(committed)" in r.stdout and '{"row":500}' in r.stdout, \
            r.stdout
        st = json.loads(run(binary, "status", "-c", good, "--json").stdout)
        assert st["checkpoint"]["position"] == {"row": 500}
        assert sum(t["rows"] for t in st["tables"].values()) == 500

        # A state directory of another pipeline is refused, and left as it is.
        other = os.path.join(work, "other.yaml")
        harness.write_pipeline(other, GOOD.format(out=out, state=state, name="payments"))
        before = open(os.path.join(state, "checkpoint"), "rb").read()
        r = run(binary, "run", "-c", other)
        assert r.returncode == 2, (r.returncode, r.stderr)
        assert "belongs to pipeline 'orders', not 'payments'" in r.stderr, r.stderr
        assert open(os.path.join(state, "checkpoint"), "rb").read() == before

        # A corrupt checkpoint stops the daemon with a clear error; it never starts over.
        corrupt = bytearray(before)
        corrupt[-5] ^= 0x01
        open(os.path.join(state, "checkpoint"), "wb").write(bytes(corrupt))
        r = run(binary, "run", "-c", good)
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert "checkpoint file is unreadable: checksum mismatch" in r.stderr, r.stderr
        assert open(os.path.join(state, "checkpoint"), "rb").read() == bytes(corrupt)
        r = run(binary, "status", "-c", good)
        assert r.returncode == 1 and "checksum mismatch" in r.stderr

        r = run(binary, "version")
        assert r.returncode == 0 and r.stdout.startswith("starcdc ")
        r = run(binary, "frobnicate")
        assert r.returncode == 2 and "unknown command" in r.stderr
        r = run(binary, "run")
        assert r.returncode == 2 and "needs -c FILE" in r.stderr
        print("ok")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
