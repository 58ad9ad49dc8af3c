#!/usr/bin/python3
"""Backpressure: with a slow sink (every chunk load waits 100 ms) and a 1 MiB buffer, an
unthrottled source must stop reading: the buffered bytes stay within the budget, the process stays
small, and the source reads only about as fast as the sink loads. Then SIGTERM still ends with a
consistent checkpoint."""

import argparse
import json
import os
import shutil
import signal
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PIPELINE = """
source:
  type: values
  table.count: 4
  columns: 10
  rows.total: 0
  transaction.size: 50
  operations: insert-only
sink:
  type: file
  path: {out}
  load.delay: 100ms
pipeline:
  name: backpressure
  state.dir: {state}
  checkpoint.interval: 500ms
  buffer.max-bytes: 1MiB
  admin.listen: 127.0.0.1:{port}
"""


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    work = harness.tempdir("starcdc-bp-")
    try:
        port = harness.free_port()
        out, state = os.path.join(work, "out"), os.path.join(work, "state")
        cfg = os.path.join(work, "p.yaml")
        harness.write_pipeline(cfg, PIPELINE.format(out=out, state=state, port=port))
        d = harness.Daemon(args.binary, cfg, os.path.join(work, "run.log"))
        url = f"http://127.0.0.1:{port}"
        assert harness.wait_until(lambda: _get(url + "/healthz"), 10)
        budget = 1 << 20
        max_buffered, max_rss = 0, 0
        first_rss = rss_bytes(d.proc.pid)
        events = []
        for _ in range(30):  # 3 s
            st = json.loads(_get(url + "/status"))
            max_buffered = max(max_buffered, st["buffered_bytes"])
            max_rss = max(max_rss, rss_bytes(d.proc.pid))
            events.append(_metric(_get(url + "/metrics"), "starcdc_source_events_total"))
            time.sleep(0.1)
        d.kill(signal.SIGTERM)
        assert d.wait(30) == 0
        # Polls are sized to the room left; finishing a source transaction (50 events, ~16 KB)
        # may overshoot a little.
        assert max_buffered <= budget + 64 * 1024, f"buffered {max_buffered} bytes"
        # Growth, not size: sanitizer builds start larger. Unbounded, it would grow by GBs.
        assert max_rss - first_rss < 32 << 20, f"RSS grew from {first_rss} to {max_rss} bytes"
        # Unthrottled, the source makes millions of events a second; held back by a sink that
        # loads ~10 chunks (64 KiB each, ~200 events) a second, it makes a few thousand.
        rate = (events[-1] - events[5]) / 2.4
        assert rate < 100_000, f"source read {rate:.0f} events/s despite the slow sink"
        rec = harness.read_state(state)
        lines = harness.committed_lines(out)
        assert sum(len(v) for v in lines.values()) == rec["position"]["row"]
        print(f"ok: buffered at most {max_buffered} bytes (budget {budget}), RSS {first_rss >> 20}"
              f" -> at most {max_rss >> 20} MiB, source held to {rate:.0f} events/s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode()
    except OSError:
        return None


def _metric(text, name):
    for line in text.splitlines():
        if line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


if __name__ == "__main__":
    main()
