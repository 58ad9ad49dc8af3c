#!/usr/bin/python3
"""Exactly-once into StarRocks (the emulator) through SIGKILL: values → starrocks sink with
mixed inserts, updates and deletes over several tables and a schema change, killed at 30
instants (random ones, and some right after the checkpoint recorded a prepared epoch while the
emulator holds its commit back), restarted each time; the tables must end equal to what an
uninterrupted run into the file sink says, row for row. Then at-least-once through 10 kills: no
row lost."""

import argparse
import os
import random
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from emulator import Emulator, normalize_rows  # noqa: E402

SOURCE = """
source:
  type: values
  database: app
  table.prefix: t
  table.count: {tables}
  columns: 7
  rows.total: {rows}
  rows.per-second: {rate}
  transaction.size: 10
  operations: mixed
  seed: 11
  schema-change.every: {every}
"""

ROUTE = """
route:
  - source-table: app.t_\\.*
    sink-table: ods.<>
    replace-symbol: <>
"""

PIPELINE = """
pipeline:
  name: {name}
  state.dir: {state}
  checkpoint.interval: {interval}
"""


def expected_tables(binary, work, rows, tables, every):
    """Final rows per table from an uninterrupted run into the file sink."""
    cfg = os.path.join(work, "ref.yaml")
    out = os.path.join(work, "ref-out")
    harness.write_pipeline(cfg, SOURCE.format(tables=tables, rows=rows, rate=0, every=every) +
                           f"sink:\n  type: file\n  path: {out}\n  sync: false\n" + ROUTE +
                           PIPELINE.format(name="ref", state=os.path.join(work, "ref-state"),
                                           interval="1s"))
    d = harness.Daemon(binary, cfg, os.path.join(work, "ref.log"))
    assert d.wait(120) == 0, "reference run failed"
    final = harness.apply_changes(harness.committed_lines(out))
    return {t: normalize_rows(r.values()) for t, r in final.items()}


def check_tables(emu, expected, exact=True, settle_seconds=5.0):
    """Compares; a committed transaction may become visible a moment later (publish), so a
    mismatch is retried for a few seconds before it fails."""
    deadline = time.monotonic() + settle_seconds
    while True:
        try:
            _check_tables(emu, expected, exact)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _check_tables(emu, expected, exact):
    for table, want in expected.items():
        db, name = table.split(".", 1)
        got = normalize_rows(emu.dump(db, name))
        if exact:
            missing = set(want) - set(got)
            extra = set(got) - set(want)
            assert not missing and not extra, \
                f"{table}: {len(missing)} rows missing, {len(extra)} unexpected"
        for key, row in want.items():
            assert key in got, f"{table}: row {key} lost"
            # A column added after the row was written is NULL in StarRocks, absent in the file.
            columns = set(row) | set(got[key])
            g = {c: got[key].get(c) for c in columns}
            w = {c: row.get(c) for c in columns}
            assert g == w, f"{table}: row {key} differs:\n got  {g}\n want {w}"


def run_with_kills(binary, emu, work, name, rows, tables, every, kills, semantic, rnd,
                   extra_sink="", insert_only=False):
    state = os.path.join(work, name + "-state")
    cfg = os.path.join(work, name + ".yaml")
    rate = max(rows // 5, 1000)
    source = SOURCE.format(tables=tables, rows=rows, rate=rate, every=every)
    if insert_only:
        source = source.replace("operations: mixed", "operations: insert-only")
    text = (source + "sink:\n" +
            emu.sink_block(f"  sink.semantic: {semantic}\n  sink.label-prefix: {name}\n"
                           f"  sink.retry-interval: 100ms\n" + extra_sink) + ROUTE +
            PIPELINE.format(name=name, state=state, interval="150ms"))
    harness.write_pipeline(cfg, text)
    pending_kills = 0
    for i in range(kills):
        log = os.path.join(work, f"{name}-{i:02d}.log")
        if semantic == "exactly-once" and i % 5 == 4:
            # Hold commits back, and kill as soon as a prepared epoch is recorded.
            emu.faults({"kind": "delay", "endpoint": "commit", "delay_ms": 400, "count": -1})
            d = harness.Daemon(binary, cfg, log)
            before = harness.read_state(state)
            before_epoch = before["epoch"] if before else 0
            hit = harness.wait_until(
                lambda: (lambda r: r if r and not r["committed"] and r["epoch"] > before_epoch
                         else None)(harness.read_state(state)), 10, 0.002)
            d.kill()
            d.wait(30)
            emu.clear_faults()
            pending_kills += 1 if hit else 0
            kind = "after the state write" if hit else "random (no prepared epoch seen)"
        else:
            d = harness.Daemon(binary, cfg, log)
            delay = rnd.uniform(0.1, 0.8)
            time.sleep(delay)
            d.kill()
            code = d.wait(30)
            kind = f"at {delay:.2f}s" + (f" (had exited {code})" if code is not None and code >= 0
                                         and code != -9 else "")
        rec = harness.read_state(state)
        print(f"{name} kill {i + 1:2d}: {kind}; epoch {rec and rec['epoch']} "
              f"committed {rec and rec['committed']} position {rec and rec['position']}")
    # Run to the end; a transient failure exits 1 and a supervisor restarts it, as systemd does.
    for attempt in range(5):
        d = harness.Daemon(binary, cfg, os.path.join(work, f"{name}-final-{attempt}.log"))
        code = d.wait(300)
        if code == 0:
            break
        print(f"{name}: final run exited {code}; restarting")
    assert code == 0, f"{name}: the final run failed:\n" + "\n".join(d.lines()[-15:])
    return pending_kills


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--rows", type=int, default=60000)
    ap.add_argument("--tables", type=int, default=4)
    ap.add_argument("--kills", type=int, default=30)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"seed {seed}")
    rnd = random.Random(seed)
    work = harness.tempdir("starcdc-sr-eo-")
    emu = Emulator(args.emulator)
    try:
        every = (args.rows // 3) // 10 * 10
        expected = expected_tables(args.binary, work, args.rows, args.tables, every)
        pending = run_with_kills(args.binary, emu, work, "eo", args.rows, args.tables, every,
                                 args.kills, "exactly-once", rnd)
        check_tables(emu, expected)
        txns = emu.txns()
        stats = emu.stats()
        print(f"exactly-once: {args.rows} changes, {args.kills} kills ({pending} after a state "
              f"write): every table equals the uninterrupted run; emulator {stats}")
        assert stats["committed_rows"] == args.rows, "a change was committed twice or never"
        if isinstance(txns, dict):
            txns = txns.get("txns", [])
        running = [t for t in txns if t.get("state") in ("PREPARE", "PREPARED")]
        assert not running, f"transactions left open: {running[:3]}"

        # at-least-once into other tables of the same emulator: nothing lost.
        emu.sql("DROP DATABASE IF EXISTS ods")
        run_with_kills(args.binary, emu, work, "alo", args.rows, args.tables, every, 10,
                       "at-least-once", rnd)
        check_tables(emu, expected)
        print("at-least-once: 10 kills, every row present with its final value")

        # CSV bodies, exactly-once, through 5 kills.
        emu.sql("DROP DATABASE IF EXISTS ods")
        run_with_kills(args.binary, emu, work, "csv", args.rows, args.tables, every, 5,
                       "exactly-once", rnd, "  sink.properties.format: csv\n")
        check_tables(emu, expected)
        print("exactly-once with CSV bodies: 5 kills, every table equals the uninterrupted run")

        # A Duplicate Key table keeps every row it receives: after 10 kills of an insert-only
        # stream it must hold each row exactly once.
        emu.sql("DROP DATABASE IF EXISTS ods")
        emu.sql("CREATE DATABASE ods")
        for t in range(args.tables):
            emu.sql(f"CREATE TABLE ods.t_{t} (c0 BIGINT NOT NULL, c1 INT, c2 VARCHAR(192), "
                    "c3 DECIMAL(12, 2), c4 DATETIME, c5 DOUBLE, c6 INT) DUPLICATE KEY (c0) "
                    "DISTRIBUTED BY HASH (c0)")
        dup_rows = args.rows // 2
        run_with_kills(args.binary, emu, work, "dup", dup_rows, args.tables, 0, 10,
                       "exactly-once", rnd, "", insert_only=True)
        total = 0
        for t in range(args.tables):
            rows = emu.dump("ods", f"t_{t}")
            keys = [r["c0"] for r in rows]
            assert len(keys) == len(set(keys)), f"ods.t_{t}: {len(keys) - len(set(keys))} " \
                "rows twice in the Duplicate Key table"
            total += len(rows)
        assert total == dup_rows, (total, dup_rows)
        print(f"Duplicate Key tables: 10 kills, {total} rows, none twice")
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
