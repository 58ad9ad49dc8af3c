"""Starts the StarRocks emulator (tests/emulator) on ports chosen by the OS, or uses a real
StarRocks when STARCDC_TEST_STARROCKS_FE_HTTP / _FE_MYSQL (host:port) and _USER / _PASSWORD are
set (then the emulator-only helpers — faults, dump — are not available and tests that need them
skip)."""

import json
import os
import subprocess
import tempfile
import time
import urllib.request


class Emulator:
    def __init__(self, binary, *args):
        self.dir = tempfile.mkdtemp(prefix="starcdc-emu-")
        ports_file = os.path.join(self.dir, "ports.json")
        self.log = open(os.path.join(self.dir, "emulator.log"), "wb")
        self.proc = subprocess.Popen(
            [binary, "--fe-http-port", "0", "--be-http-port", "0", "--mysql-port", "0",
             "--ports-file", ports_file, *args], stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 10
        while not os.path.exists(ports_file):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the emulator did not start; see " + self.log.name)
            time.sleep(0.02)
        ports = json.load(open(ports_file))
        self.host = ports["host"]
        self.fe_http = ports["fe_http"]
        self.be_http = ports["be_http"]
        self.mysql = ports["mysql"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.log.close()

    def sink_block(self, extra=""):
        return (f"  type: starrocks\n"
                f"  jdbc-url: jdbc:mysql://{self.host}:{self.mysql}\n"
                f"  load-url: {self.host}:{self.fe_http}\n"
                f"  username: root\n"
                f"  table.create.properties.replication_num: 1\n" + extra)

    def _call(self, method, path, body=None, port=None):
        data = None if body is None else (body if isinstance(body, bytes) else
                                          json.dumps(body).encode())
        req = urllib.request.Request(f"http://{self.host}:{port or self.be_http}{path}",
                                     data=data, method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read().decode()

    def dump(self, db, table):
        text = self._call("GET", f"/_emulator/dump?db={db}&table={table}")
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def stats(self):
        return json.loads(self._call("GET", "/_emulator/stats"))

    def faults(self, rules):
        return json.loads(self._call("POST", "/_emulator/faults", rules))

    def clear_faults(self):
        self._call("DELETE", "/_emulator/faults")

    def txns(self):
        return json.loads(self._call("GET", "/_emulator/txns"))

    def sql(self, statement):
        return self._call("POST", "/_emulator/sql", statement.encode())


def normalize(value):
    """A committed value as text, so that the file sink's JSON and the emulator's dump compare:
    numbers by value, date-times without trailing fraction zeros."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if len(text) >= 19 and text[4] == "-" and text[10] == " " and "." in text:
        return text.rstrip("0").rstrip(".")
    return text


def normalize_rows(rows, key="c0"):
    return {normalize(r[key]): {k: normalize(v) for k, v in r.items()} for r in rows}
