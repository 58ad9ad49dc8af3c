"""Small helpers for the integration tests: temp dirs, pipeline files, running the daemon,
reading the file sink's output and the state file. Debian's /usr/bin/python3, stdlib only."""

import json
import os
import signal
import socket
import subprocess
import tempfile
import time


class Daemon:
    """One `starcdc run` process with its stderr captured to a file."""

    def __init__(self, binary, config, log_path, env=None):
        self.log_path = log_path
        self.log = open(log_path, "ab")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen([binary, "run", "-c", config], stdout=self.log,
                                     stderr=self.log, env=full_env)

    def kill(self, sig=signal.SIGKILL):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.log.close()

    def lines(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace").splitlines()


def write_pipeline(path, text):
    with open(path, "w") as f:
        f.write(text)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_state(state_dir):
    """The checkpoint record as a dict, or None."""
    path = os.path.join(state_dir, "checkpoint")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    header, _, body = data.partition(b"\n")
    length = int(header.split()[2])
    return json.loads(body[:length])


def committed_lines(out_dir, strip_ts=True):
    """{table: [json line, ...]} from the committed segments, in epoch order."""
    result = {}
    for table in sorted(os.listdir(out_dir)):
        tdir = os.path.join(out_dir, table)
        if table.startswith(".") or not os.path.isdir(tdir):
            continue
        lines = []
        for seg in sorted(f for f in os.listdir(tdir) if f.endswith(".jsonl")):
            with open(os.path.join(tdir, seg)) as f:
                for line in f:
                    obj = json.loads(line)
                    if strip_ts:
                        obj.pop("ts_ms", None)
                    lines.append(json.dumps(obj, sort_keys=True))
        result[table] = lines
    return result


def schema_files(out_dir):
    result = {}
    for table in sorted(os.listdir(out_dir)):
        tdir = os.path.join(out_dir, table)
        if table.startswith(".") or not os.path.isdir(tdir):
            continue
        for f in sorted(os.listdir(tdir)):
            if f.startswith("schema-"):
                with open(os.path.join(tdir, f)) as fh:
                    result[table + "/" + f] = fh.read()
    return result


def apply_changes(lines_by_table, key="c0"):
    """Applies the change stream per table; raises on an insert of an existing key or an
    update/delete of a missing one (a duplicate or a lost change). Returns the final rows."""
    tables = {}
    for table, lines in lines_by_table.items():
        rows = {}
        for n, line in enumerate(lines):
            obj = json.loads(line)
            op = obj["op"]
            if op in ("c", "r"):
                k = obj["after"][key]
                if k in rows:
                    raise AssertionError(f"{table}: line {n}: insert of existing key {k}")
                rows[k] = obj["after"]
            elif op == "u":
                k = obj["before"][key]
                if k not in rows:
                    raise AssertionError(f"{table}: line {n}: update of missing key {k}")
                # A column added after the row was written reads NULL in the before image.
                stored, before = rows[k], obj["before"]
                if any(stored.get(c) != before.get(c) for c in set(stored) | set(before)):
                    raise AssertionError(f"{table}: line {n}: before-image differs for key {k}")
                rows[k] = obj["after"]
            elif op == "d":
                k = obj["before"][key]
                if k not in rows:
                    raise AssertionError(f"{table}: line {n}: delete of missing key {k}")
                del rows[k]
        tables[table] = rows
    return tables


def json_log_lines(lines):
    """Parses every line as a JSON object (the log contract) and returns them."""
    out = []
    for line in lines:
        obj = json.loads(line)
        for field in ("ts", "level", "pipeline", "component", "msg"):
            assert field in obj, f"log line without {field}: {line}"
        out.append(obj)
    return out


def sanitized(binary):
    """True for a binary built with AddressSanitizer, whose memory use is no measure of ours."""
    out = subprocess.run(["ldd", binary], capture_output=True).stdout
    return b"libasan" in out


def tempdir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def wait_until(predicate, timeout, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None
