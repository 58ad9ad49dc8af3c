#!/usr/bin/python3
"""Exactly-once through SIGKILL: a values→file pipeline of 200,000 mixed inserts, updates and
deletes over 10 tables is killed at 20 instants (random ones during load and prepare, and, every
fourth time, right after the state file recorded a prepared epoch, before its commit), restarted
each time, and must end with exactly the change stream of an uninterrupted run: every change
once, in order."""

import argparse
import os
import random
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PIPELINE = """
source:
  type: values
  database: app
  table.prefix: t
  table.count: {tables}
  columns: 6
  rows.total: {rows}
  rows.per-second: {rate}
  transaction.size: 10
  operations: mixed
  seed: 7
  schema-change.every: 50000
sink:
  type: file
  path: {out}
  prepare.delay: {prepare_delay}
  commit.delay: {commit_delay}
route:
  - source-table: app.t_[0-4]
    sink-table: ods.low_<>
    replace-symbol: <>
pipeline:
  name: crash
  state.dir: {state}
  checkpoint.interval: 100ms
  buffer.max-bytes: 4MiB
"""


def config(path, out, state, rows, tables, rate, prepare_delay="0ms", commit_delay="0ms"):
    harness.write_pipeline(path, PIPELINE.format(out=out, state=state, rows=rows, tables=tables,
                                                 rate=rate, prepare_delay=prepare_delay,
                                                 commit_delay=commit_delay))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--tables", type=int, default=10)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"seed {seed} (rerun with --seed {seed})")
    rnd = random.Random(seed)
    work = harness.tempdir("starcdc-crash-")
    try:
        # 1. The reference: one uninterrupted run.
        ref_cfg = os.path.join(work, "ref.yaml")
        config(ref_cfg, os.path.join(work, "ref-out"), os.path.join(work, "ref-state"),
               args.rows, args.tables, 0)
        d = harness.Daemon(args.binary, ref_cfg, os.path.join(work, "ref.log"))
        assert d.wait(300) == 0, "reference run failed:\n" + "\n".join(d.lines()[-20:])
        reference = harness.committed_lines(os.path.join(work, "ref-out"))
        assert sum(len(v) for v in reference.values()) == args.rows

        # 2. The same pipeline, killed again and again.
        out = os.path.join(work, "out")
        state = os.path.join(work, "state")
        cfg = os.path.join(work, "crash.yaml")
        rate = max(args.rows // 6, 1000)  # about 6 s of input in all
        pending_kills = 0
        recovered_pending = 0
        for i in range(args.kills):
            log = os.path.join(work, f"run-{i:02d}.log")
            if i % 4 == 3:
                # Kill between the state write and the commit: a wide commit delay, and the kill
                # as soon as the state file shows a prepared, uncommitted epoch.
                config(cfg, out, state, args.rows, args.tables, rate, "0ms", "400ms")
                d = harness.Daemon(args.binary, cfg, log)
                before = harness.read_state(state)
                before_epoch = before["epoch"] if before else 0
                hit = harness.wait_until(
                    lambda: (lambda r: r if r and not r["committed"] and r["epoch"] > before_epoch
                             else None)(harness.read_state(state)), 10, 0.002)
                d.kill()
                d.wait(30)
                if hit:
                    pending_kills += 1
                kind = "after state write" if hit else "random (no prepared epoch seen)"
            else:
                config(cfg, out, state, args.rows, args.tables, rate,
                       f"{rnd.choice([0, 5, 30])}ms", f"{rnd.choice([0, 5, 30])}ms")
                d = harness.Daemon(args.binary, cfg, log)
                delay = rnd.uniform(0.05, 0.6)
                time.sleep(delay)
                d.kill()
                code = d.wait(30)
                kind = f"random at {delay:.3f}s" + (" (already finished)" if code == 0 else "")
            rec = harness.read_state(state)
            print(f"kill {i + 1:2d}: {kind}; state epoch {rec and rec['epoch']} "
                  f"committed {rec and rec['committed']} position {rec and rec['position']}")

        # 3. The last run goes to the end.
        config(cfg, out, state, args.rows, args.tables, 0)
        d = harness.Daemon(args.binary, cfg, os.path.join(work, "final.log"))
        code = d.wait(300)
        assert code == 0, "final run failed:\n" + "\n".join(d.lines()[-20:])

        for i in range(args.kills):
            lines = open(os.path.join(work, f"run-{i:02d}.log")).read()
            if "Committed the transactions of an epoch prepared before the stop." in lines:
                recovered_pending += 1
        final_log = open(os.path.join(work, "final.log")).read()
        if "Committed the transactions of an epoch prepared before the stop." in final_log:
            recovered_pending += 1
        print(f"kills after a state write: {pending_kills}; restarts that committed a pending "
              f"epoch: {recovered_pending}")
        assert recovered_pending >= pending_kills, "a prepared epoch was not committed on restart"

        got = harness.committed_lines(out)
        assert sorted(got) == sorted(reference), f"tables differ: {sorted(got)}"
        for table in reference:
            if got[table] != reference[table]:
                n = next((k for k, (a, b) in enumerate(zip(got[table], reference[table])) if a != b),
                         min(len(got[table]), len(reference[table])))
                raise AssertionError(
                    f"{table}: {len(got[table])} lines vs {len(reference[table])} expected; "
                    f"first difference at line {n}")
        assert harness.schema_files(out) == harness.schema_files(os.path.join(work, "ref-out"))
        final_rows = harness.apply_changes(got)
        assert final_rows == harness.apply_changes(reference)
        assert os.listdir(os.path.join(out, ".txn")) == [], "pending files left behind"
        st = harness.read_state(state)
        assert st["committed"] and st["position"] == {"row": args.rows}
        print(f"ok: {args.rows} changes over {len(got)} sink tables, each applied once, "
              f"after {args.kills} kills")
    finally:
        if os.environ.get("STARCDC_KEEP_TEST_DIRS"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
