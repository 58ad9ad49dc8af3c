#!/usr/bin/python3
"""Every fault the emulator can inject, survived with nothing lost or doubled: HTTP errors,
connections dropped mid-body, responses lost after a commit, publish timeouts, slow answers,
prepared transactions aborted behind the sink's back, an FE that is unreachable for a while, a
BE restart. A transient failure the sink cannot settle in place ends the process with exit 1,
and the supervisor here restarts it as systemd would; an FE outage of a minute is ridden out by
retries in the same process (with the default retry settings). Then bad answers: a 401 stops with exit 3 and a clear message,
rows StarRocks rejects stop with exit 1 naming table and label, before any checkpoint past
them."""

import argparse
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from emulator import Emulator  # noqa: E402
from starrocks_exactly_once_test import PIPELINE, ROUTE, SOURCE, check_tables, expected_tables  # noqa: E402,E501

ROWS = 20000
TABLES = 3
EVERY = 7000

FAULTS = [
    ("load answers HTTP 500", [{"kind": "http_error", "endpoint": "load", "status": 500,
                                "count": 2}]),
    ("begin answers HTTP 503", [{"kind": "http_error", "endpoint": "begin", "status": 503,
                                 "count": 3}]),
    ("connection dropped mid-body", [{"kind": "drop_mid_body", "endpoint": "load",
                                      "after_bytes": 1000, "count": 1}]),
    ("response lost after commit", [{"kind": "lose_response", "endpoint": "commit",
                                     "count": 2}]),
    ("publish timeout", [{"kind": "publish_timeout", "endpoint": "commit",
                          "visible_after_ms": 300, "count": 3}]),
    ("slow prepare and commit", [{"kind": "delay", "endpoint": "prepare", "delay_ms": 300,
                                  "count": 3},
                                 {"kind": "delay", "endpoint": "commit", "delay_ms": 300,
                                  "count": 3}]),
    ("prepared transaction aborted behind our back", [{"kind": "abort_after_prepare",
                                                       "endpoint": "prepare", "delay_ms": 0,
                                                       "count": 1}]),
    ("FE unreachable for 2 s", [{"kind": "fe_down", "endpoint": "any", "duration_ms": 2000,
                                 "count": 1}]),
    ("100-continue held back", [{"kind": "delay_continue", "endpoint": "load", "delay_ms": 500,
                                 "count": 2}]),
    # Applied when posted: posted while the pipeline runs (see DURING).
    ("BE restart (open transactions lost)", [{"kind": "be_restart", "endpoint": "any",
                                              "delay_ms": 200, "count": 1}]),
]
DURING = {"BE restart (open transactions lost)"}


def run_supervised(binary, cfg, work, name, max_restarts=8, during=None):
    """Runs to the end, restarting after exit 1 as systemd's Restart=on-failure would.
    `during` is called once, 0.5 s into the first run. Returns (process restarts, restarts of
    the pipeline inside the process)."""
    restarts = 0
    inner = 0
    for attempt in range(max_restarts + 1):
        d = harness.Daemon(binary, cfg, os.path.join(work, f"{name}-{attempt}.log"))
        if during is not None and attempt == 0:
            time.sleep(0.5)
            during()
        code = d.wait(300)
        inner += sum(1 for line in d.lines() if "restarting from the last checkpoint" in line)
        if code == 0:
            return restarts, inner
        assert code == 1, f"{name}: exit {code}:\n" + "\n".join(d.lines()[-10:])
        restarts += 1
        time.sleep(1)  # RestartSec
    raise AssertionError(f"{name}: still failing after {max_restarts} restarts")


def pipeline(emu, work, name, extra_sink=""):
    cfg = os.path.join(work, name + ".yaml")
    harness.write_pipeline(cfg, SOURCE.format(tables=TABLES, rows=ROWS, rate=20000, every=EVERY) +
                           "sink:\n" + emu.sink_block(
                               f"  sink.label-prefix: {name}\n" + extra_sink) + ROUTE.replace("ods.", f"{name}.") +
                           PIPELINE.format(name=name, state=os.path.join(work, name + "-state"),
                                           interval="200ms"))
    return cfg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--emulator", required=True)
    args = ap.parse_args()
    work = harness.tempdir("starcdc-sr-faults-")
    emu = Emulator(args.emulator)
    try:
        expected = expected_tables(args.binary, work, ROWS, TABLES, EVERY)
        for n, (title, rules) in enumerate(FAULTS):
            name = f"f{n}"
            before = emu.stats()["committed_rows"]
            cfg = pipeline(emu, work, name, "  sink.retry-interval: 200ms\n")
            if title in DURING:
                posted = []
                restarts, inner = run_supervised(args.binary, cfg, work, name,
                                                 during=lambda: posted.append(emu.faults(rules)))
                ids = posted[0]["ids"]
            else:
                ids = emu.faults(rules)["ids"]
                restarts, inner = run_supervised(args.binary, cfg, work, name)
            listed = {f["id"]: f for f in
                      json.loads(emu._call("GET", "/_emulator/faults"))["faults"]}
            # A rule used up is gone from the list; one still listed counts its hits.
            hits = sum(rules[i].get("count", 1) if fid not in listed else listed[fid]["hits"]
                       for i, fid in enumerate(ids))
            emu.clear_faults()
            check_tables(emu, {t.replace("ods.", f"{name}.", 1): rows
                               for t, rows in expected.items()})
            committed = emu.stats()["committed_rows"] - before
            print(f"{title}: {hits} injected, {inner} pipeline restarts in the process, "
                  f"{restarts} process restarts, {committed} rows committed")
            assert restarts == 0, f"{title}: the process had to be restarted"
            assert hits > 0, f"{title}: the fault never fired"

        # An outage the retries ride out: the FE is gone for a minute, the same process finishes.
        emu.faults({"kind": "fe_down", "endpoint": "any", "duration_ms": 60000, "count": 1})
        cfg = pipeline(emu, work, "outage")
        d = harness.Daemon(args.binary, cfg, os.path.join(work, "outage.log"))
        assert d.wait(300) == 0, "the outage run did not finish:\n" + "\n".join(d.lines()[-10:])
        emu.clear_faults()
        retries = [json.loads(l) for l in d.lines() if "retrying" in l]
        check_tables(emu, {t.replace("ods.", "outage.", 1): r for t, r in expected.items()})
        print(f"FE down 60 s: finished in one process after {len(retries)} retries")
        assert retries

        # Loads faster than compaction: StarRocks refuses with "too many versions"; the pipeline
        # restarts from its checkpoint with a wider checkpoint interval and still ends exact.
        slow = Emulator(args.emulator, "--version-limit", "3", "--compaction-per-sec", "2")
        try:
            cfg = os.path.join(work, "versions.yaml")
            harness.write_pipeline(cfg, SOURCE.format(tables=TABLES, rows=ROWS, rate=20000,
                                                      every=EVERY) +
                                   "sink:\n" + slow.sink_block("  sink.label-prefix: versions\n"
                                                                "  sink.retry-interval: 100ms\n") +
                                   ROUTE.replace("ods.", "versions.") +
                                   PIPELINE.format(name="versions",
                                                   state=os.path.join(work, "versions-state"),
                                                   interval="50ms"))
            d = harness.Daemon(args.binary, cfg, os.path.join(work, "versions.log"))
            assert d.wait(600) == 0, "\n".join(d.lines()[-10:])
            refused = sum(1 for l in d.lines() if "too many versions" in l)
            widened = sum(1 for l in d.lines() if "widening the checkpoint interval" in l)
            check_tables(slow, {t.replace("ods.", "versions.", 1): r
                                for t, r in expected.items()})
            print(f"too many versions: refused {refused} times, interval widened {widened} "
                  "times, tables exact")
            assert refused > 0, "the version limit never hit"
            assert widened > 0, "the checkpoint interval never widened"
        finally:
            slow.stop()
            shutil.rmtree(slow.dir, ignore_errors=True)

        # Wrong password: exit 3 before anything is committed.
        cfg = os.path.join(work, "auth.yaml")
        harness.write_pipeline(cfg, SOURCE.format(tables=1, rows=100, rate=0, every=0) +
                               "sink:\n" + emu.sink_block("  password: wrong-secret-pw\n") +
                               PIPELINE.format(name="auth", state=os.path.join(work, "auth-st"),
                                               interval="200ms"))
        d = harness.Daemon(args.binary, cfg, os.path.join(work, "auth.log"))
        code = d.wait(120)
        text = "\n".join(d.lines())
        assert code == 3, f"exit {code} with a wrong password:\n{text[-2000:]}"
        assert "refused the credentials of user 'root'" in text
        assert "wrong-secret-pw" not in text, "the password leaked into the log"
        print("wrong password: exit 3, password not in the log")

        # Rows StarRocks rejects: exit 1, the message names the table and label, and the
        # checkpoint does not move past them.
        emu.sql("CREATE DATABASE IF NOT EXISTS bad")
        emu.sql("CREATE TABLE bad.t_0 (c0 BIGINT NOT NULL, c1 TINYINT NOT NULL) PRIMARY KEY (c0) "
                "DISTRIBUTED BY HASH (c0) PROPERTIES (\"replication_num\" = \"1\")")
        cfg = os.path.join(work, "bad.yaml")
        harness.write_pipeline(cfg, SOURCE.format(tables=1, rows=100, rate=0, every=0).replace(
                                   "columns: 7", "columns: 2") +
                               "sink:\n" + emu.sink_block("  sink.label-prefix: bad\n") +
                               ROUTE.replace("ods.", "bad.") +
                               PIPELINE.format(name="bad", state=os.path.join(work, "bad-st"),
                                               interval="200ms"))
        d = harness.Daemon(args.binary, cfg, os.path.join(work, "bad.log"))
        code = d.wait(120)
        logs = harness.json_log_lines(d.lines())
        failure = [l for l in logs if l["level"] == "error" and "error" in l]
        assert code == 1 and failure, f"exit {code}"
        assert "bad.t_0" in failure[0]["where"] and "label bad-bad_t_0-" in failure[0]["where"], \
            failure[0]
        assert "too many filtered rows" in failure[0]["error"], failure[0]
        rec = harness.read_state(os.path.join(work, "bad-st"))
        assert rec is None or rec["position"] in (None, {"row": 0}), rec
        print(f"rejected rows: exit 1, {failure[0]['error'][:80]}...")
        print("ok")
    finally:
        emu.stop()
        if os.environ.get("STARCDC_KEEP_TEST_DIRS"):
            print(f"kept {work} and {emu.dir}")
        else:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(emu.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
