#!/usr/bin/python3
"""Graceful and immediate stops, systemd notifications and the admin HTTP server:
- SIGTERM during load: exit 0 within shutdown.timeout, a final checkpoint, and the committed
  output holds exactly the changes up to the checkpointed position;
- READY=1, STATUS=, WATCHDOG=1 and STOPPING=1 reach $NOTIFY_SOCKET;
- /healthz, /status and /metrics answer while running;
- a second signal stops at once (exit 1) and the next start resumes consistently;
- every log line is one JSON object with the contract's fields."""

import argparse
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PIPELINE = """
source:
  type: values
  table.count: 3
  rows.total: {rows}
  rows.per-second: 20000
  transaction.size: 5
  operations: insert-only
sink:
  type: file
  path: {out}
  commit.delay: {commit_delay}
pipeline:
  name: sigterm
  state.dir: {state}
  checkpoint.interval: 200ms
  admin.listen: 127.0.0.1:{port}
  shutdown.timeout: 10s
"""


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return r.status, r.read().decode()


def committed_count(out):
    return sum(len(v) for v in harness.committed_lines(out).values())


def graceful(binary, work):
    out, state = os.path.join(work, "out"), os.path.join(work, "state")
    port = harness.free_port()
    cfg = os.path.join(work, "p.yaml")
    harness.write_pipeline(cfg, PIPELINE.format(rows=0, out=out, state=state, port=port,
                                                commit_delay="0ms"))
    notify_path = os.path.join(work, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(notify_path)
    sock.settimeout(0.05)
    messages = []
    done = threading.Event()

    def receive():  # systemd reads notifications at once; so must we, or sd_notify blocks
        while not done.is_set():
            try:
                messages.append(sock.recv(4096).decode())
            except socket.timeout:
                pass

    receiver = threading.Thread(target=receive)
    receiver.start()
    d = harness.Daemon(binary, cfg, os.path.join(work, "run.log"),
                       env={"NOTIFY_SOCKET": notify_path, "WATCHDOG_USEC": "200000"})
    assert harness.wait_until(lambda: any("READY=1" in m for m in messages), 10), "no READY=1"
    assert harness.wait_until(lambda: (lambda: get(port, "/healthz"))()[0] == 200, 5)
    time.sleep(1.0)
    status, body = get(port, "/status")
    st = json.loads(body)
    assert status == 200 and st["pipeline"] == "sigterm" and st["state"] == "running", body
    assert st["checkpoint"]["committed"] is True and st["tables"], body
    status, metrics = get(port, "/metrics")
    for name in ("starcdc_checkpoints_total", "starcdc_sink_rows_committed_total{",
                 "starcdc_checkpoint_duration_seconds_bucket", "starcdc_source_events_total",
                 "starcdc_checkpoint_age_seconds", "starcdc_source_lag_seconds"):
        assert name in metrics, f"/metrics lacks {name}"
    t0 = time.monotonic()
    d.kill(signal.SIGTERM)
    code = d.wait(15)
    elapsed = time.monotonic() - t0
    done.set()
    receiver.join()
    assert code == 0, f"exit {code} after SIGTERM"
    assert elapsed < 10, f"took {elapsed:.1f}s"
    joined = "\n".join(messages)
    for expected in ("READY=1", "STATUS=epoch", "WATCHDOG=1", "STOPPING=1"):
        assert expected in joined, f"no {expected} in notifications: {messages[:5]}"
    logs = harness.json_log_lines(d.lines())
    assert any(l["msg"] == "Pipeline stopped after its final checkpoint." for l in logs)
    rec = harness.read_state(state)
    assert rec["committed"], rec
    # Every change up to the checkpointed position is in the output, once.
    assert committed_count(out) == rec["position"]["row"], (committed_count(out), rec)
    print(f"graceful: exit 0 in {elapsed:.2f}s at row {rec['position']['row']}, "
          f"{len(messages)} notifications")
    sock.close()


def immediate(binary, work):
    out, state = os.path.join(work, "out2"), os.path.join(work, "state2")
    port = harness.free_port()
    cfg = os.path.join(work, "p2.yaml")
    harness.write_pipeline(cfg, PIPELINE.format(rows=20000, out=out, state=state, port=port,
                                                commit_delay="3s"))
    d = harness.Daemon(binary, cfg, os.path.join(work, "run2.log"))
    assert harness.wait_until(lambda: harness.read_state(state) and
                              not harness.read_state(state)["committed"], 10)
    d.kill(signal.SIGTERM)
    time.sleep(0.2)
    t0 = time.monotonic()
    d.kill(signal.SIGTERM)
    code = d.wait(10)
    assert code == 1, f"exit {code} after a second signal"
    assert time.monotonic() - t0 < 2, "the second signal did not stop at once"
    assert any(l["msg"].startswith("Second signal") for l in harness.json_log_lines(d.lines()))
    # The next start commits what was prepared and finishes the input.
    harness.write_pipeline(cfg, PIPELINE.format(rows=20000, out=out, state=state, port=port,
                                                commit_delay="0ms"))
    d = harness.Daemon(binary, cfg, os.path.join(work, "run3.log"))
    assert d.wait(60) == 0
    lines = harness.committed_lines(out)
    assert sum(len(v) for v in lines.values()) == 20000
    harness.apply_changes(lines)
    print("immediate: exit 1 at once, then a clean resume to 20000 rows")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    work = harness.tempdir("starcdc-sigterm-")
    try:
        graceful(args.binary, work)
        immediate(args.binary, work)
        print("ok")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
