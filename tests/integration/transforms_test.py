#!/usr/bin/python3
"""Transform rules end to end, MariaDB → starcdc → StarRocks (the emulator), value by value:

  - tx.orders: `\\*` plus computed columns (decimal arithmetic, UPPER, DATE_FORMAT,
    __data_event_type__), a filter, and SOFT_DELETE. The expected table is computed by MariaDB
    itself with the same projection in SQL; rows entering and leaving the filter through updates,
    deletes kept as rows marked -D, snapshot rows and binlog rows;
  - ADD COLUMN on tx.orders reaches StarRocks through `*`, with its default for earlier rows;
  - tx.items: a renamed key column (id AS item_id) and a computed column;
  - tx.logs: primary-keys names a non-key source column, so StarRocks upserts by it;
  - DROP COLUMN of a column a computed column reads stops the daemon (exit 2) with the rule,
    its place in the file and the column named, before any later row is written.
"""

import argparse
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from emulator import Emulator  # noqa: E402
from mariadb import MariaDB  # noqa: E402
from mysql_to_starrocks_test import canon, diff, source_block  # noqa: E402

TYPES = {"id": "int", "price": "decimal", "qty": "int", "name": "varchar", "status": "varchar",
         "created": "datetime", "total": "decimal", "uname": "varchar", "month": "varchar",
         "op_type": "varchar", "note": "varchar", "item_id": "int", "sku": "varchar",
         "doubled": "int", "k": "varchar", "v": "int"}

# The projection of tx.orders, once in the rule's language and once in MariaDB's SQL.
RULE = ("\\*, price * qty AS total, UPPER(name) AS uname, DATE_FORMAT(created, 'yyyy-MM') "
        "AS month, __data_event_type__ AS op_type")
SQL = ("id, price, qty, name, status, created, price * qty AS total, UPPER(name) AS uname, "
       "DATE_FORMAT(created, '%Y-%m') AS month")


def pipeline(path, db, emu, work):
    harness.write_pipeline(
        path,
        "source:\n" + source_block(db, "  tables: tx.\\.*\n") +
        "sink:\n" + emu.sink_block("  sink.label-prefix: tx\n") +
        "transform:\n"
        "  - source-table: tx.orders\n"
        f"    projection: {RULE}\n"
        "    filter: status <> 'test'\n"
        "    converter-after-transform: SOFT_DELETE\n"
        "  - source-table: tx.items\n"
        "    projection: id AS item_id, sku, amount * 2 AS doubled\n"
        "  - source-table: tx.logs\n"
        "    projection: k, v\n"
        "    primary-keys: k\n"
        "pipeline:\n  name: tx\n"
        f"  state.dir: {os.path.join(work, 'tx-state')}\n"
        "  checkpoint.interval: 300ms\n  schema.change.behavior: evolve\n")


def projected(db, where, op_type, extra_cols=""):
    """The rows of tx.orders matching `where` as the rule makes them, computed by MariaDB."""
    conn = db.connect("cdc", "cdcpass")
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT {SQL}{extra_cols} FROM tx.orders WHERE {where}")
            names = [d[0] for d in cur.description]
            out = {}
            for row in cur.fetchall():
                r = {c: canon(v, TYPES[c]) for c, v in zip(names, row)}
                r["op_type"] = op_type
                out[r["id"]] = r
            return out
    finally:
        conn.close()


def sink(emu, table, key):
    try:
        rows = emu.dump("tx", table)
    except Exception:  # noqa: BLE001 - not created yet
        return {}
    return {canon(r[key], TYPES[key]): {c: canon(v, TYPES.get(c, "")) for c, v in r.items()}
            for r in rows}


def wait_rows(emu, table, key, want, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        got = sink(emu, table, key)
        if got == want:
            return len(got)
        if time.monotonic() > deadline:
            raise AssertionError(f"tx.{table} differs:\n" + diff(want, got))
        time.sleep(0.3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--emulator", required=True)
    args = ap.parse_args()
    work = harness.tempdir("starcdc-transform-")
    db = MariaDB(server_id=1)
    db.start()
    emu = Emulator(args.emulator)
    d = None
    try:
        db.create_user("cdc", "cdcpass")
        rows = ", ".join(
            f"({i}, {i}.25, {i % 7 + 1}, 'name{i}', '{'test' if i % 10 == 0 else 'ok'}', "
            f"'2026-{i % 12 + 1:02d}-05 10:00:00.{i:03d}')" for i in range(1, 51))
        db.execute("CREATE DATABASE tx",
                   "CREATE TABLE tx.orders (id INT PRIMARY KEY, price DECIMAL(10,2), qty INT, "
                   "name VARCHAR(20), status VARCHAR(10), created DATETIME(3))",
                   f"INSERT INTO tx.orders VALUES {rows}",
                   "CREATE TABLE tx.items (id INT PRIMARY KEY, sku VARCHAR(10), amount INT)",
                   "INSERT INTO tx.items VALUES (1, 'a', 10), (2, 'b', 20)",
                   "CREATE TABLE tx.logs (id INT PRIMARY KEY, k VARCHAR(10) NOT NULL, v INT)")
        cfg = os.path.join(work, "tx.yaml")
        pipeline(cfg, db, emu, work)
        d = harness.Daemon(args.binary, cfg, os.path.join(work, "tx.log"))

        # The snapshot: rows outside the filter stay out.
        want = projected(db, "status <> 'test'", "+I")
        n = wait_rows(emu, "orders", "id", want)
        print(f"snapshot: {n} rows through the projection and filter")

        # Updates inside the filter, one entering it, one leaving it, deletes, inserts.
        soft = projected(db, "id = 5 OR id BETWEEN 31 AND 35", "-D")
        db.execute("UPDATE tx.orders SET qty = qty + 1 WHERE id BETWEEN 1 AND 10",
                   "UPDATE tx.orders SET status = 'ok' WHERE id = 20",
                   "UPDATE tx.orders SET status = 'test' WHERE id = 5",
                   "DELETE FROM tx.orders WHERE id BETWEEN 30 AND 35",
                   "INSERT INTO tx.orders VALUES (51, 0.10, 3, 'late', 'ok', "
                   "'2027-01-01 00:00:00.5'), (52, 1, 1, 'hidden', 'test', NULL)",
                   "INSERT INTO tx.items VALUES (3, 'c', 30)",
                   "UPDATE tx.items SET amount = 11 WHERE id = 1",
                   "INSERT INTO tx.logs VALUES (1, 'a', 1), (2, 'b', 2), (3, 'a', 3)",
                   "DELETE FROM tx.logs WHERE id = 2")
        want = projected(db, "status <> 'test' AND id NOT IN (1,2,3,4,6,7,8,9,20,51)", "+I")
        want.update(projected(db, "id IN (1,2,3,4,6,7,8,9,20)", "+U"))
        want.update(projected(db, "id = 51", "+I"))
        soft["5"]["qty"] = str(int(soft["5"]["qty"]) + 1)  # the update before it left
        soft["5"]["total"] = canon(5.25 * int(soft["5"]["qty"]), "decimal")
        want.update(soft)
        n = wait_rows(emu, "orders", "id", want)
        print(f"binlog: {n} rows, {len(soft)} of them soft-deleted (-D), updates in and out "
              "of the filter")
        wait_rows(emu, "items", "item_id", {
            "1": {"item_id": "1", "sku": "a", "doubled": "22"},
            "2": {"item_id": "2", "sku": "b", "doubled": "40"},
            "3": {"item_id": "3", "sku": "c", "doubled": "60"}})
        wait_rows(emu, "logs", "k", {"a": {"k": "a", "v": "3"}})  # b's row was deleted
        print("items: renamed key and computed column; logs: upserted by primary-keys k")

        # ADD COLUMN: `*` covers it; earlier rows take its default.
        db.execute("ALTER TABLE tx.orders ADD COLUMN note VARCHAR(10) DEFAULT 'n/a'",
                   "INSERT INTO tx.orders VALUES (53, 2, 2, 'noted', 'ok', "
                   "'2027-02-01 00:00:00', 'hello')")
        for r in want.values():
            r["note"] = "n/a"
        want.update(projected(db, "id = 53", "+I", ", note"))
        wait_rows(emu, "orders", "id", want)
        cols = list(emu.dump("tx", "orders")[0].keys())
        assert cols.index("note") == cols.index("created") + 1, cols
        print(f"add column: note arrived after created; columns {cols}")

        # DROP COLUMN price: `total` reads it, so the rule no longer fits the table.
        db.execute("ALTER TABLE tx.orders DROP COLUMN price",
                   "INSERT INTO tx.orders VALUES (54, 1, 'after', 'ok', NULL, NULL)")
        rc = d.wait(60)
        text = "\n".join(d.lines())
        assert rc == 2, (rc, text[-1500:])
        assert "transform rule 1 (source-table tx.orders) at" in text, text[-1500:]
        assert "unknown column price" in text, text[-1500:]
        assert "54" not in sink(emu, "orders", "id")
        print("drop column read by the projection: exit 2, the rule and the column named")
        print("ok")
    finally:
        if d is not None:
            d.kill(9)
        emu.stop()
        db.stop()
        shutil.rmtree(emu.dir, ignore_errors=True)
        if os.environ.get("STARCDC_TEST_KEEP"):
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
