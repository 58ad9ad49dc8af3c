#!/usr/bin/python3
"""Schema changes under each pipeline.schema.change.behavior, MariaDB → starcdc → StarRocks (the
emulator), with rows written before, between and after the changes, checked value by value:

  - evolve: StarRocks follows ADD COLUMN, DROP COLUMN and a widening MODIFY COLUMN exactly;
  - lenient (the default): the added column arrives, the dropped column stays (NULL for later
    rows), every value of the source's columns lands;
  - ignore: StarRocks keeps its first columns and every value of them lands;
  - exception: the first change stops the daemon with the change and the table named;
  - exclude.schema.changes: drop.column excluded under evolve keeps the column;
  - the DDL kinds the parser tells apart: RENAME COLUMN and CHANGE (rename + retype) keep the
    values under evolve; TRUNCATE and DROP TABLE reach StarRocks under evolve and do not under
    lenient, where a renamed column also stays beside the new one;
  - the schema history: DDL and rows written while the daemon is stopped are replayed after the
    restart with the columns each event was written with, also from a server whose binlog does
    not name columns (binlog_row_metadata=MINIMAL), and StarRocks ends equal.
"""

import argparse
import os
import random
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from emulator import Emulator  # noqa: E402
from mariadb import MariaDB  # noqa: E402
from mysql_to_starrocks_test import (diff, pipeline_file, sink_rows, source_rows,  # noqa: E402
                                     wait_equal)


def wait_equal_on(db, emu, database, table, columns, timeout=60):
    """The source and StarRocks agree on `columns` (the ones StarRocks keeps under ignore)."""
    deadline = time.monotonic() + timeout
    while True:
        want, types = source_rows(db, database, table)
        want = {k: {c: v for c, v in r.items() if c in columns} for k, r in want.items()}
        try:
            got = sink_rows(emu, database, table, types)
            got = {k: {c: v for c, v in r.items() if c in columns} for k, r in got.items()}
        except Exception:  # noqa: BLE001 - not there yet
            got = {}
        if want == got:
            return len(want)
        if time.monotonic() > deadline:
            raise AssertionError(f"{database}.{table} differs on {columns}:\n" + diff(want, got))
        time.sleep(0.3)


def sink_columns(emu, database, table):
    rows = emu.dump(database, table)
    return list(rows[0].keys()) if rows else []


def run_case(args, db, emu, work, behavior, extra_sink=""):
    database = f"sc_{behavior}" + ("_x" if extra_sink else "")
    db.execute(f"CREATE DATABASE {database}",
               f"CREATE TABLE {database}.t (id INT PRIMARY KEY, a VARCHAR(20) NOT NULL, "
               "n INT)",
               f"INSERT INTO {database}.t VALUES (1, 'one', 10), (2, 'two', 20)")
    cfg = os.path.join(work, database + ".yaml")
    pipeline_file(cfg, db, emu, database, work, "", tables=f"{database}.\\.*")
    text = open(cfg).read()
    text = text.replace("pipeline:\n", f"pipeline:\n  schema.change.behavior: {behavior}\n")
    if extra_sink:
        text = text.replace("sink:\n", "sink:\n" + extra_sink, 1)
    harness.write_pipeline(cfg, text)
    d = harness.Daemon(args.binary, cfg, os.path.join(work, database + ".log"))
    try:
        wait_equal(db, emu, database, "t")
        db.execute(f"ALTER TABLE {database}.t ADD COLUMN b INT NOT NULL DEFAULT 7",
                   f"INSERT INTO {database}.t VALUES (3, 'three', 30, 33)",
                   f"UPDATE {database}.t SET b = 8 WHERE id = 1")
        if behavior == "exception":
            rc = d.wait(60)
            text = "\n".join(d.lines())
            assert rc != 0 and "add.column" in text and f"{database}.t" in text, (rc, text[-800:])
            print(f"exception: exit {rc}, the change and the table named")
            return
        if behavior == "ignore":
            wait_equal_on(db, emu, database, "t", ("id", "a", "n"))
        else:
            wait_equal(db, emu, database, "t")
        db.execute(f"ALTER TABLE {database}.t DROP COLUMN n",
                   f"INSERT INTO {database}.t VALUES (4, 'four', 44)",
                   f"ALTER TABLE {database}.t MODIFY COLUMN b BIGINT NOT NULL DEFAULT 7",
                   f"INSERT INTO {database}.t VALUES (5, 'five', 5000000000)",
                   f"UPDATE {database}.t SET a = 'TWO' WHERE id = 2")
        if behavior == "ignore":
            n = wait_equal_on(db, emu, database, "t", ("id", "a"))
        else:
            n = wait_equal(db, emu, database, "t")
        cols = sink_columns(emu, database, "t")
        rows = {str(r["id"]): r for r in emu.dump(database, "t")}
        if behavior == "evolve" and not extra_sink:
            assert cols == ["id", "a", "b"], cols
        elif behavior in ("lenient",) or extra_sink:
            assert "n" in cols, cols  # the dropped column stays in StarRocks
            assert rows["1"]["n"] is not None and rows["4"]["n"] is None, rows
        elif behavior == "ignore":
            assert cols == ["id", "a", "n"], cols  # the first columns only
        print(f"{behavior}{' + exclude drop.column' if extra_sink else ''}: {n} rows equal; "
              f"StarRocks columns {cols}")
        d.kill(15)
        assert d.wait(30) == 0, "\n".join(d.lines()[-5:])
    finally:
        d.kill(9)


def table_exists(emu, database, table):
    try:
        emu.dump(database, table)
        return True
    except Exception:  # noqa: BLE001 - the emulator answers 404 for a missing table
        return False


def ddl_kinds(args, db, emu, work, behavior):
    database = f"ddl_{behavior}"
    db.execute(f"CREATE DATABASE {database}",
               f"CREATE TABLE {database}.t (id INT PRIMARY KEY, a VARCHAR(20), n INT)",
               f"INSERT INTO {database}.t VALUES (1, 'one', 10), (2, 'two', 20)",
               f"CREATE TABLE {database}.gone (id INT PRIMARY KEY)",
               f"INSERT INTO {database}.gone VALUES (1)")
    cfg = os.path.join(work, database + ".yaml")
    pipeline_file(cfg, db, emu, database, work, "", tables=f"{database}.\\.*")
    text = open(cfg).read().replace("pipeline:\n",
                                    f"pipeline:\n  schema.change.behavior: {behavior}\n")
    harness.write_pipeline(cfg, text)
    d = harness.Daemon(args.binary, cfg, os.path.join(work, database + ".log"))
    try:
        wait_equal(db, emu, database, "t")
        wait_equal(db, emu, database, "gone")
        db.execute(f"ALTER TABLE {database}.t RENAME COLUMN a TO a2",
                   f"UPDATE {database}.t SET a2 = 'TWO' WHERE id = 2",
                   f"ALTER TABLE {database}.t CHANGE COLUMN n n2 BIGINT",
                   f"INSERT INTO {database}.t VALUES (3, 'three', 3000000000)")
        if behavior == "evolve":
            n = wait_equal(db, emu, database, "t")
            cols = sink_columns(emu, database, "t")
            assert cols == ["id", "a2", "n2"], cols
            db.execute(f"TRUNCATE TABLE {database}.t",
                       f"INSERT INTO {database}.t VALUES (9, 'nine', 9)",
                       f"DROP TABLE {database}.gone")
            wait_equal(db, emu, database, "t")
            assert harness.wait_until(lambda: not table_exists(emu, database, "gone"), 60, 0.2)
            print(f"evolve: RENAME and CHANGE kept {n} rows' values under the new names; "
                  "TRUNCATE and DROP TABLE reached StarRocks")
        else:
            wait_equal_on(db, emu, database, "t", ("id",))
            assert harness.wait_until(
                lambda: {str(r["id"]): r.get("a2") for r in emu.dump(database, "t")}.get("2")
                == "TWO", 60, 0.2)
            rows = {str(r["id"]): r for r in emu.dump(database, "t")}
            assert rows["1"]["a"] == "one" and str(rows["3"]["n2"]) == "3000000000", rows
            db.execute(f"TRUNCATE TABLE {database}.t", f"DROP TABLE {database}.gone",
                       f"INSERT INTO {database}.t VALUES (9, 'nine', 9)")
            assert harness.wait_until(lambda: any(str(r["id"]) == "9" for r in
                                                  emu.dump(database, "t")), 60, 0.2)
            assert len(emu.dump(database, "t")) == 4 and table_exists(emu, database, "gone")
            print("lenient: renamed columns kept beside the new ones "
                  f"({sink_columns(emu, database, 't')}); TRUNCATE and DROP TABLE not forwarded")
        d.kill(15)
        assert d.wait(30) == 0, "\n".join(d.lines()[-5:])
    finally:
        d.kill(9)


def history_replay(args, db, emu, work, name):
    """Stopped daemon; ADD, rows, DROP, rows, RENAME, rows; restart: every event decodes with the
    shape it was written with (information_schema shows only the last one)."""
    database = f"hist_{name}"
    db.execute(f"CREATE DATABASE {database}",
               f"CREATE TABLE {database}.t (id INT PRIMARY KEY, a VARCHAR(20), b INT)",
               f"INSERT INTO {database}.t VALUES (1, 'one', 10)")
    cfg = os.path.join(work, database + ".yaml")
    pipeline_file(cfg, db, emu, database, work, "", tables=f"{database}.\\.*")
    text = open(cfg).read().replace("pipeline:\n", "pipeline:\n  schema.change.behavior: evolve\n")
    harness.write_pipeline(cfg, text)
    log = os.path.join(work, database + ".log")
    d = harness.Daemon(args.binary, cfg, log)
    try:
        wait_equal(db, emu, database, "t")
        d.kill(15)
        assert d.wait(30) == 0
        db.execute(f"ALTER TABLE {database}.t ADD COLUMN c INT DEFAULT 5 AFTER a",
                   f"INSERT INTO {database}.t VALUES (2, 'two', 2, 20)",
                   f"ALTER TABLE {database}.t DROP COLUMN b",
                   f"INSERT INTO {database}.t VALUES (3, 'three', 3)",
                   f"UPDATE {database}.t SET a = 'ONE' WHERE id = 1",
                   f"ALTER TABLE {database}.t RENAME COLUMN a TO a2",
                   f"INSERT INTO {database}.t VALUES (4, 'four', 4)")
        d = harness.Daemon(args.binary, cfg, log)
        n = wait_equal(db, emu, database, "t")
        cols = sink_columns(emu, database, "t")
        assert sorted(cols) == ["a2", "c", "id"], cols
        d.kill(15)
        assert d.wait(30) == 0, "\n".join(d.lines()[-5:])
        print(f"history ({name}): DDL and rows replayed after a restart, {n} rows equal, "
              f"columns {cols}")
    finally:
        d.kill(9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--emulator", required=True)
    args = ap.parse_args()
    random.seed(int(os.environ.get("STARCDC_TEST_SEED", "11")))
    work = harness.tempdir("starcdc-schema-")
    db = MariaDB(server_id=1)
    db.start()
    emu = Emulator(args.emulator)
    try:
        db.create_user("cdc", "cdcpass")
        only = os.environ.get("STARCDC_TEST_ONLY", "")
        for behavior in ("evolve", "lenient", "ignore", "exception") if not only else ():
            run_case(args, db, emu, work, behavior)
        if not only:
            run_case(args, db, emu, work, "evolve",
                     "  exclude.schema.changes: [drop.column]\n")
            ddl_kinds(args, db, emu, work, "evolve")
            ddl_kinds(args, db, emu, work, "lenient")
            history_replay(args, db, emu, work, "full")
        minimal = MariaDB(name="minimal", server_id=2,
                          extra_args=["--binlog-row-metadata=MINIMAL"])
        minimal.start()
        try:
            minimal.create_user("cdc", "cdcpass")
            history_replay(args, minimal, emu, work, "minimal")
        finally:
            minimal.stop()
        print("ok")
    finally:
        emu.stop()
        db.stop()
        shutil.rmtree(emu.dir, ignore_errors=True)
        if os.environ.get("STARCDC_TEST_KEEP"):
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
