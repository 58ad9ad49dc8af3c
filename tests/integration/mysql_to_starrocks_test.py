#!/usr/bin/python3
"""MariaDB → starcdc → StarRocks (the emulator), with a private MariaDB (binlog ROW, FULL row
metadata) started here:

  1. every column type round-trips: StarRocks holds what the server itself returns for SELECT;
  2. a mixed workload (inserts, updates, deletes, multi-table transactions, an ADD COLUMN) while
     the daemon is killed with SIGKILL again and again: StarRocks ends equal to the source;
  3. stop with SIGTERM, changes while it is down, restart: it resumes by file and position;
  4. the MariaDB server restarts while the daemon streams: it reconnects and catches up;
  5. failover: the pipeline moves to a replica (another server id) and resumes by GTID;
  6. binlogs purged past the checkpoint: exit 3 with what to do;
  7. one 1 GB transaction streams through with the daemon's memory bounded.
"""

import argparse
import base64
import datetime
import decimal
import json
import os
import random
import shutil
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from emulator import Emulator  # noqa: E402
from mariadb import MariaDB  # noqa: E402

TYPES_TABLE = """CREATE TABLE types.all_types (
  id INT PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  f FLOAT, d DOUBLE, dec1 DECIMAL(65,30), dec2 DECIMAL(10,0), dec3 DECIMAL(12,4) UNSIGNED,
  dt DATE, tm TIME, tm3 TIME(3), dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(3) NULL, y YEAR,
  c CHAR(5), vc VARCHAR(100), vcl VARCHAR(50) CHARACTER SET latin1, tx TEXT, mtx MEDIUMTEXT,
  bl BLOB, bn BINARY(4), vb VARBINARY(10),
  e ENUM('red','green','blue'), st SET('a','b','c'), b1 BIT(1), b BIT(10), b64 BIT(64),
  j JSON, g POINT)"""

TYPES_ROWS = [
    "(1, -128, 255, -32768, 65535, -8388608, -2147483648, 4294967295, -9223372036854775808, "
    "18446744073709551615, 1.5, -2.25, "
    "'-12345678901234567890123456789012345.123456789012345678901234567890', 9999999999, "
    "12345678.1234, '0001-01-01', '-838:59:59', '-838:59:59.000', '1000-01-01 00:00:00', "
    "'1000-01-01 00:00:00.000000', '1970-01-01 00:00:01.000', 1901, 'ab', "
    "'h\u00e9llo w\u00f6rld \u2713 \U0001F600', 'caf\u00e9', 'long text', REPEAT('x', 70000), "
    "X'00FF10', X'0102', X'00', 'red', 'a,c', b'1', b'1010101010', b'1111111111111111111111111"
    "111111111111111111111111111111111111111', '{\"k\": [1, 2.5, \"x\", null, true]}', "
    "POINT(1.5, -2))",
    "(2, 127, 0, 32767, 0, 8388607, 2147483647, 0, 9223372036854775807, 0, 0, 1e300, "
    "'0.000000000000000000000000000001', -1, 0, '9999-12-31', '838:59:59', '838:59:59.999', "
    "'9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999', 2155, '', "
    "'', '', '', '', '', X'FFFFFFFF', X'', 'blue', '', b'0', b'0', b'0', '[]', POINT(0, 0))",
    "(3" + ", NULL" * 36 + ")",
]


def source_block(db, extra=""):
    return (f"  type: mysql\n  hostname: {db.host}\n  port: {db.port}\n  username: cdc\n"
            f"  password: cdcpass\n  server-id: {random.randint(5400, 6400)}\n"
            f"  heartbeat.interval: 1s\n" + extra)


def pipeline_file(path, db, emu, name, work, source_extra="", tables="app.\\.*"):
    harness.write_pipeline(
        path,
        "source:\n" + source_block(db, f"  tables: {tables}\n" + source_extra) +
        "sink:\n" + emu.sink_block(f"  sink.label-prefix: {name}\n") +
        f"pipeline:\n  name: {name}\n  state.dir: {os.path.join(work, name + '-state')}\n"
        "  checkpoint.interval: 300ms\n")


def canon(value, data_type=""):
    """One text form for a value from the server (pymysql) or from StarRocks (the dump)."""
    if value is None:
        return None
    if data_type == "bit":
        if isinstance(value, bytes):
            return str(int.from_bytes(value, "big"))
        return str(int(value))
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S.%f")
    elif isinstance(value, datetime.date):
        return value.isoformat()
    elif isinstance(value, datetime.timedelta):
        us = value.days * 86400_000_000 + value.seconds * 1_000_000 + value.microseconds
        sign = "-" if us < 0 else ""
        us = abs(us)
        text = (f"{sign}{us // 3_600_000_000:02d}:{us // 60_000_000 % 60:02d}:"
                f"{us // 1_000_000 % 60:02d}.{us % 1_000_000:06d}")
    else:
        text = str(value)
    if data_type in ("decimal",):
        return format(decimal.Decimal(text).normalize(), "f")
    if data_type in ("float", "double"):
        return repr(float(text))
    if data_type in ("json",) or (data_type == "longtext" and text[:1] in "[{"):
        try:
            return json.dumps(json.loads(text), sort_keys=True)
        except ValueError:
            return text
    if data_type in ("datetime", "timestamp", "time") and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def source_rows(db, database, table, key="id"):
    conn = db.connect("cdc", "cdcpass")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE "
                        f"TABLE_SCHEMA='{database}' AND TABLE_NAME='{table}'")
            types = {name: t for name, t in cur.fetchall()}
            cols = [c for c in types if types[c] not in ("point", "geometry")]
            cur.execute(f"SELECT {', '.join('`' + c + '`' for c in cols)} "
                        f"FROM `{database}`.`{table}`")
            out = {}
            for row in cur.fetchall():
                r = {c: canon(v, types[c]) for c, v in zip(cols, row)}
                out[r[key]] = r
            return out, types
    finally:
        conn.close()


def sink_rows(emu, database, table, types, key="id"):
    out = {}
    for row in emu.dump(database, table):
        r = {c: canon(v, types.get(c, "")) for c, v in row.items() if c in types and
             types[c] not in ("point", "geometry")}
        out[r[key]] = r
    return out


def diff(want, got, limit=8):
    lines = []
    for k in sorted(set(want) | set(got), key=str):
        if want.get(k) != got.get(k):
            w, g = want.get(k), got.get(k)
            if w and g:
                cols = {c: (w.get(c), g.get(c)) for c in set(w) | set(g) if w.get(c) != g.get(c)}
                lines.append(f"  id {k}: (source, starrocks) {cols}")
            else:
                lines.append(f"  id {k}: source {w}, starrocks {g}")
            if len(lines) >= limit:
                break
    return "\n".join(lines)


def wait_equal(db, emu, database, table, sink_db=None, timeout=60, key="id"):
    deadline = time.monotonic() + timeout
    while True:
        want, types = source_rows(db, database, table, key)
        try:
            got = sink_rows(emu, sink_db or database, table, types, key)
        except Exception:  # noqa: BLE001 - the table may not exist yet
            got = {}
        if want == got:
            return len(want)
        if time.monotonic() > deadline:
            raise AssertionError(f"{database}.{table} differs after {timeout} s:\n" +
                                 diff(want, got))
        time.sleep(0.3)


def all_types(args, db, emu, work):
    db.execute("CREATE DATABASE types", TYPES_TABLE,
               "INSERT INTO types.all_types VALUES " + ",".join(TYPES_ROWS))
    cfg = os.path.join(work, "types.yaml")
    pipeline_file(cfg, db, emu, "types", work, "  scan.startup.mode: earliest-offset\n",
                  tables="types.\\.*")
    d = harness.Daemon(args.binary, cfg, os.path.join(work, "types.log"))
    try:
        wait_equal(db, emu, "types", "all_types")
        # Updates and deletes of every type, after the table is streaming.
        db.execute("UPDATE types.all_types SET vc = 'updated', dec1 = -0.5, tm3 = '-00:00:01.5',"
                   " j = '{\"a\": {\"b\": [\"\\\\u00e9\"]}}' WHERE id = 1",
                   "UPDATE types.all_types SET id = 4 WHERE id = 2",
                   "DELETE FROM types.all_types WHERE id = 3")
        n = wait_equal(db, emu, "types", "all_types")
        print(f"all types: {n} rows x {TYPES_TABLE.count(',') } columns equal to the server's")
    finally:
        d.kill(15)
        assert d.wait(30) == 0, "\n".join(d.lines()[-5:])


class Writer(threading.Thread):
    """Mixed transactions on app.orders and app.items until stopped."""

    def __init__(self, db, seed):
        super().__init__(daemon=True)
        self.db = db
        self.rng = random.Random(seed)
        self.stop_flag = threading.Event()
        self.transactions = 0
        self.error = None
        self.next_id = 1
        self.added_column = False

    def run(self):
        try:
            conn = self.db.connect("root_tcp", "rootpass")
            with conn.cursor() as cur:
                while not self.stop_flag.is_set():
                    self.one(cur)
                    self.transactions += 1
                    time.sleep(0.002)
            conn.close()
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e

    def one(self, cur):
        r = self.rng
        cur.execute("BEGIN")
        for _ in range(r.randint(1, 8)):
            op = r.random()
            if op < 0.5 or self.next_id < 10:
                i = self.next_id
                self.next_id += 1
                cur.execute("INSERT INTO app.orders (id, customer, amount, note) VALUES "
                            f"({i}, 'c{i % 97}', {r.randint(0, 99999) / 100}, "
                            f"{'NULL' if i % 5 == 0 else repr('n' * (i % 13))})")
                cur.execute(f"INSERT INTO app.items (order_id, sku, qty) VALUES ({i}, 's{i}', 1)")
            elif op < 0.8:
                i = r.randint(1, self.next_id - 1)
                cur.execute(f"UPDATE app.orders SET amount = amount + 1, customer = 'u{i}' "
                            f"WHERE id = {i}")
                cur.execute(f"UPDATE app.items SET qty = qty + 1 WHERE order_id = {i}")
            else:
                i = r.randint(1, self.next_id - 1)
                cur.execute(f"DELETE FROM app.orders WHERE id = {i}")
                cur.execute(f"DELETE FROM app.items WHERE order_id = {i}")
        cur.execute("COMMIT")
        if not self.added_column and self.transactions == 300:
            cur.execute("ALTER TABLE app.orders ADD COLUMN region VARCHAR(16)")
            self.added_column = True
        if self.added_column:
            cur.execute(f"UPDATE app.orders SET region = 'r{self.transactions % 7}' "
                        f"WHERE id = {r.randint(1, self.next_id - 1)}")


def kills_under_load(args, db, emu, work):
    db.execute("CREATE DATABASE app",
               "CREATE TABLE app.orders (id BIGINT PRIMARY KEY, customer VARCHAR(32), "
               "amount DECIMAL(10,2), note TEXT)",
               "CREATE TABLE app.items (order_id BIGINT PRIMARY KEY, sku VARCHAR(16), qty INT)")
    cfg = os.path.join(work, "app.yaml")
    pipeline_file(cfg, db, emu, "app", work, "  scan.startup.mode: earliest-offset\n")
    writer = Writer(db, args.seed)
    writer.start()
    rng = random.Random(args.seed)
    log = os.path.join(work, "app.log")
    for k in range(args.kills):
        d = harness.Daemon(args.binary, cfg, log)
        time.sleep(rng.uniform(0.3, 2.0))
        d.kill()
        d.wait(30)
    writer.stop_flag.set()
    writer.join(30)
    assert writer.error is None, writer.error
    d = harness.Daemon(args.binary, cfg, log)
    try:
        n1 = wait_equal(db, emu, "app", "orders", timeout=120)
        n2 = wait_equal(db, emu, "app", "items", timeout=60, key="order_id")
        print(f"{args.kills} SIGKILLs under load ({writer.transactions} transactions, an ADD "
              f"COLUMN): app.orders {n1} rows and app.items {n2} rows equal to the source")
    finally:
        d.kill(15)
        assert d.wait(30) == 0
    return cfg, log


def stop_and_resume(args, db, emu, cfg, log):
    # Changes while the daemon is down; it resumes by file and position.
    db.execute("INSERT INTO app.orders (id, customer) VALUES (1000001, 'while down')",
               "UPDATE app.orders SET note = 'changed while down' WHERE id <= 20",
               "FLUSH BINARY LOGS",
               "INSERT INTO app.orders (id, customer) VALUES (1000002, 'next file')")
    d = harness.Daemon(args.binary, cfg, log)
    try:
        wait_equal(db, emu, "app", "orders")
        assert any('"mode":"file/position"' in line for line in d.lines()), "not by file/pos"
        print("SIGTERM, changes while down, restart: resumed by file/position, equal")
        # The server restarts under the streaming daemon.
        db.restart()
        db.execute("INSERT INTO app.orders (id, customer) VALUES (1000003, 'after restart')")
        wait_equal(db, emu, "app", "orders", timeout=90)
        lost = sum(1 for line in d.lines() if "Binlog connection lost" in line or
                   "restarting from the last checkpoint" in line)
        print(f"server restart while streaming: reconnected ({lost} reconnect notices), equal")
    finally:
        d.kill(15)
        assert d.wait(30) == 0, "\n".join(d.lines()[-5:])


def failover(args, db, emu, work, cfg, log):
    """A replica of `db` (GTID replication) takes over; the pipeline resumes by GTID there."""
    replica = MariaDB(name="replica", server_id=2, extra_args=["--log-slave-updates"])
    replica.start()
    try:
        gtid = db.scalar("SELECT @@gtid_binlog_pos")
        # The replica starts from a copy of the primary's data, made without logging (so its
        # binlog holds only what it replicates), then replicates from the primary's position.
        stmts = ["SET sql_log_bin = 0", "CREATE USER 'cdc'@'%' IDENTIFIED BY 'cdcpass'",
                 "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO 'cdc'@'%'",
                 "CREATE DATABASE app"]
        for table in ("orders", "items"):
            ddl = db.execute(f"SHOW CREATE TABLE app.{table}")[0][1]
            stmts.append(ddl.replace("CREATE TABLE `", "CREATE TABLE `app`.`", 1))
        conn = replica.admin()
        with conn.cursor() as cur:
            for stmt in stmts:
                cur.execute(stmt)
            for table in ("orders", "items"):
                for row in db.execute(f"SELECT * FROM app.{table}"):
                    cur.execute(f"INSERT INTO app.{table} VALUES "
                                f"({', '.join(['%s'] * len(row))})", row)
            cur.execute(f"SET GLOBAL gtid_slave_pos = '{gtid}'")
        conn.close()
        db.execute("CREATE USER 'repl'@'%' IDENTIFIED BY 'replpass'",
                   "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'")
        replica.execute(f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={db.port}, "
                        "MASTER_USER='repl', MASTER_PASSWORD='replpass', "
                        "MASTER_USE_GTID=slave_pos", "START SLAVE")
        db.execute("INSERT INTO app.orders (id, customer) VALUES (2000001, 'replicated')")
        harness.wait_until(lambda: replica.scalar(
            "SELECT COUNT(*) FROM app.orders WHERE id = 2000001") == 1, 30)
        # The pipeline read the primary up to here; now it is pointed at the replica.
        d = harness.Daemon(args.binary, cfg, log)
        wait_equal(db, emu, "app", "orders")
        d.kill(15)
        assert d.wait(30) == 0
        db.execute("INSERT INTO app.orders (id, customer) VALUES (2000002, 'after failover')")
        harness.wait_until(lambda: replica.scalar(
            "SELECT COUNT(*) FROM app.orders WHERE id = 2000002") == 1, 30)
        text = open(cfg).read().replace(f"port: {db.port}\n", f"port: {replica.port}\n")
        harness.write_pipeline(cfg, text)
        d = harness.Daemon(args.binary, cfg, log)
        try:
            replica.execute("STOP SLAVE")
            replica.execute("INSERT INTO app.orders (id, customer) VALUES (2000003, 'replica')")
            wait_equal(replica, emu, "app", "orders")
            assert any("resuming by GTID" in line for line in d.lines()), "no GTID resume"
            print("failover to a replica (server id 2): resumed by GTID, equal")
        finally:
            d.kill(15)
            assert d.wait(30) == 0, "\n".join(d.lines()[-5:])
    finally:
        replica.stop()


def startup_modes(args, db, emu, work):
    """specific-offset by file/position and by GTID, and timestamp, each start where they say."""
    db.execute("CREATE DATABASE modes", "CREATE TABLE modes.t (id INT PRIMARY KEY, v INT)",
               "INSERT INTO modes.t VALUES (1, 1)")
    time.sleep(1.1)  # the next rows are committed at a later second than the first
    start_ms = int(time.time() * 1000)
    file, pos = db.binlog_status()
    gtid = db.scalar("SELECT @@gtid_binlog_pos")
    db.execute("INSERT INTO modes.t VALUES (2, 2)", "UPDATE modes.t SET v = 20 WHERE id = 2",
               "INSERT INTO modes.t VALUES (3, 3)")
    cases = [
        ("file", f"  scan.startup.mode: specific-offset\n"
                 f"  scan.startup.specific-offset.file: {file}\n"
                 f"  scan.startup.specific-offset.pos: {pos}\n"),
        ("gtid", f"  scan.startup.mode: specific-offset\n"
                 f"  scan.startup.specific-offset.gtid-set: {gtid}\n"),
        ("ts", f"  scan.startup.mode: timestamp\n  scan.startup.timestamp-millis: {start_ms}\n"),
    ]
    for name, extra in cases:
        cfg = os.path.join(work, f"modes-{name}.yaml")
        pipeline_file(cfg, db, emu, f"modes_{name}", work, extra, tables="modes.\\.*")
        text = open(cfg).read() + (f"route:\n  - source-table: modes.t\n"
                                   f"    sink-table: modes_{name}.t\n")
        harness.write_pipeline(cfg, text)
        d = harness.Daemon(args.binary, cfg, os.path.join(work, f"modes-{name}.log"))
        try:
            want = {"2": "20", "3": "3"}  # row 1 came before the start
            ok = harness.wait_until(lambda: {str(r["id"]): str(r["v"]) for r in
                                             emu.dump(f"modes_{name}", "t")} == want
                                    if _exists(emu, f"modes_{name}") else False, 30, 0.2)
            assert ok, (name, emu.dump(f"modes_{name}", "t") if _exists(emu, f"modes_{name}")
                        else "no table", d.lines()[-5:])
        finally:
            d.kill(15)
            assert d.wait(30) == 0
    print("scan.startup.mode specific-offset (file/position, GTID) and timestamp: each starts "
          "after its point")


def _exists(emu, database):
    try:
        emu.dump(database, "t")
        return True
    except Exception:  # noqa: BLE001
        return False


def zero_dates(args, db, emu, work):
    """Zero dates become NULL by default and 1970-01-01 with zero-date: epoch."""
    conn = db.connect("root_tcp", "rootpass")
    with conn.cursor() as cur:
        cur.execute("SET SESSION sql_mode = ''")
        cur.execute("CREATE DATABASE zero")
        cur.execute("CREATE TABLE zero.t (id INT PRIMARY KEY, d DATE, dt DATETIME(3))")
        cur.execute("INSERT INTO zero.t VALUES (1, '0000-00-00', '0000-00-00 00:00:00.000'), "
                    "(2, '2026-11-24', '2026-11-24 10:00:00.500')")
    conn.close()
    for mode, want in (("to-null", [None, None]),
                       ("to-epoch", ["1970-01-01", "1970-01-01 00:00:00"])):
        name = f"zero_{mode[3:]}"
        cfg = os.path.join(work, name + ".yaml")
        pipeline_file(cfg, db, emu, name, work, "  scan.startup.mode: earliest-offset\n"
                      f"  zero-date: {mode}\n", tables="zero.\\.*")
        harness.write_pipeline(cfg, open(cfg).read() + "route:\n  - source-table: zero.t\n"
                               f"    sink-table: {name}.t\n")
        d = harness.Daemon(args.binary, cfg, os.path.join(work, name + ".log"))
        try:
            def rows():
                try:
                    return {r["id"]: r for r in emu.dump(name, "t")}
                except Exception:  # noqa: BLE001 - not created yet
                    return {}
            got = harness.wait_until(lambda: rows() if len(rows()) == 2 else None, 30, 0.2)
            assert got, (mode, d.lines()[-5:])
            zero = [canon(got[1]["d"], "date"), canon(got[1]["dt"], "datetime")]
            assert zero == want, (mode, zero)
            assert canon(got[2]["dt"], "datetime") == "2026-11-24 10:00:00.5", got[2]
        finally:
            d.kill(15)
            assert d.wait(30) == 0
    print("zero dates: NULL by default, 1970-01-01 with zero-date: to-epoch")


def minimal_image(args, db, emu, work):
    """binlog_row_image=MINIMAL: updates carry the key and the changed columns only; the sink
    writes them as partial updates and StarRocks keeps the other columns."""
    db.execute("CREATE DATABASE mini",
               "CREATE TABLE mini.t (id INT PRIMARY KEY, a VARCHAR(20), b INT, c TEXT)",
               "INSERT INTO mini.t VALUES (1, 'one', 1, 'x'), (2, 'two', 2, 'y'), "
               "(3, 'three', 3, 'z')")
    cfg = os.path.join(work, "mini.yaml")
    pipeline_file(cfg, db, emu, "mini", work, "  scan.startup.mode: earliest-offset\n",
                  tables="mini.\\.*")
    d = harness.Daemon(args.binary, cfg, os.path.join(work, "mini.log"))
    try:
        wait_equal(db, emu, "mini", "t")
        db.execute("SET GLOBAL binlog_row_image = 'MINIMAL'")
        conn = db.connect("root_tcp", "rootpass")  # a new session takes the new image
        with conn.cursor() as cur:
            cur.execute("UPDATE mini.t SET b = b + 10 WHERE id = 1")
            cur.execute("UPDATE mini.t SET a = 'TWO', c = 'yy' WHERE id = 2")
            cur.execute("BEGIN")
            cur.execute("UPDATE mini.t SET b = 30 WHERE id = 3")
            cur.execute("UPDATE mini.t SET a = 'THREE' WHERE id = 3")
            cur.execute("INSERT INTO mini.t (id, a) VALUES (4, 'four')")
            cur.execute("DELETE FROM mini.t WHERE id = 1")
            cur.execute("COMMIT")
        conn.close()
        n = wait_equal(db, emu, "mini", "t")
        print(f"binlog_row_image=MINIMAL: partial updates keep the other columns, {n} rows equal")
    finally:
        db.execute("SET GLOBAL binlog_row_image = 'FULL'")
        d.kill(15)
        assert d.wait(30) == 0, "\n".join(d.lines()[-5:])


def refusals(args, db, emu, work):
    """What the server refuses stops the daemon with exit 3 and a message saying what to do."""
    db.execute("CREATE USER 'weak'@'%' IDENTIFIED BY 'weakpass'",
               "GRANT SELECT ON *.* TO 'weak'@'%'")
    cases = [
        ("wrong password", lambda t: t.replace("password: cdcpass", "password: nope"), None,
         "Access denied"),
        ("no replication privileges", lambda t: t.replace("username: cdc", "username: weak")
         .replace("password: cdcpass", "password: weakpass"), None, "REPLICATION"),
        ("binlog_format=STATEMENT", lambda t: t, "STATEMENT", "binlog_format"),
    ]
    for k, (name, edit, fmt, expect) in enumerate(cases):
        log = os.path.join(work, f"refused-{k}.log")
        cfg = os.path.join(work, "refused.yaml")
        pipeline_file(cfg, db, emu, "refused", work, "  scan.startup.mode: latest-offset\n",
                      tables="gone.\\.*")
        harness.write_pipeline(cfg, edit(open(cfg).read()))
        if fmt:
            db.execute(f"SET GLOBAL binlog_format = '{fmt}'")
        try:
            d = harness.Daemon(args.binary, cfg, log)
            code = d.wait(60)
        finally:
            if fmt:
                db.execute("SET GLOBAL binlog_format = 'ROW'")
        errors = [json.loads(line) for line in d.lines() if '"level":"error"' in line]
        text = " ".join(e.get("error", "") + " " + e.get("hint", "") for e in errors)
        assert code == 3 and expect in text, (name, code, text)
        assert "nope" not in open(log).read()
        print(f"{name}: exit 3, {errors[0]['error'][:90]}")


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0


def big_transaction(args, db, emu, work):
    """One transaction of args.big_mb MB of rows streams through with bounded memory."""
    rows = args.big_mb * 1000
    db.execute("CREATE DATABASE big",
               "CREATE TABLE big.t (id INT PRIMARY KEY, pad VARCHAR(1000))")
    cfg = os.path.join(work, "big.yaml")
    pipeline_file(cfg, db, emu, "big", work, "  scan.startup.mode: latest-offset\n",
                  tables="big.\\.*")
    text = open(cfg).read().replace("  checkpoint.interval: 300ms\n",
                                    "  checkpoint.interval: 300ms\n  buffer.max-bytes: 64MiB\n")
    harness.write_pipeline(cfg, text)
    d = harness.Daemon(args.binary, cfg, os.path.join(work, "big.log"))
    try:
        harness.wait_until(lambda: any("Reading the binlog" in line for line in d.lines()), 30)
        base = emu.stats()["committed_rows"]
        t0 = time.monotonic()
        db.execute(f"INSERT INTO big.t SELECT seq, REPEAT(CHAR(65 + seq % 26), 1000) "
                   f"FROM big.seq_1_to_{rows}")
        written = time.monotonic() - t0
        deadline = time.monotonic() + 900
        while emu.stats()["committed_rows"] < base + rows and time.monotonic() < deadline:
            time.sleep(0.5)
        got = emu.sql("SELECT COUNT(*) FROM big.t")
        rss = peak_rss_mb(d.proc.pid)
        print(f"one {args.big_mb} MB transaction ({rows:,} rows): written in {written:.0f} s, in "
              f"StarRocks {time.monotonic() - t0:.0f} s after it began; daemon peak RSS "
              f"{rss:.0f} MB with buffer.max-bytes 64 MiB")
        assert str(rows) in got, got
        if not harness.sanitized(args.binary):
            assert rss < 64 + 192, f"peak RSS {rss:.0f} MB"
    finally:
        d.kill(15)
        assert d.wait(60) == 0, "\n".join(d.lines()[-5:])


def purged(args, db, emu, work):
    db.execute("CREATE DATABASE gone",
               "CREATE TABLE gone.t (id INT PRIMARY KEY, v INT)",
               "INSERT INTO gone.t VALUES (1, 1)")
    cfg = os.path.join(work, "gone.yaml")
    db.execute("DELETE FROM gone.t")  # latest-offset: the rows before the start are not read
    pipeline_file(cfg, db, emu, "gone", work, "  scan.startup.mode: latest-offset\n",
                  tables="gone.\\.*")
    d = harness.Daemon(args.binary, cfg, os.path.join(work, "gone.log"))
    harness.wait_until(lambda: any("Reading the binlog" in line for line in d.lines()), 30)
    db.execute("INSERT INTO gone.t VALUES (3, 3)")
    wait_equal(db, emu, "gone", "t")  # a checkpoint past the insert exists
    d.kill(15)
    assert d.wait(30) == 0
    # The server keeps a file a dump thread still reads: wait for every dump thread to go.
    harness.wait_until(lambda: db.scalar(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")
        == 0, 30, 0.1)
    db.execute("INSERT INTO gone.t VALUES (2, 2)", "FLUSH BINARY LOGS", "FLUSH BINARY LOGS")
    last = db.execute("SHOW BINARY LOGS")[-1][0]
    # A file also stays until its transactions are durable in the engine (binlog checkpoint).
    def purge():
        db.execute(f"PURGE BINARY LOGS TO '{last}'")
        return db.execute("SHOW BINARY LOGS")[0][0] == last
    assert harness.wait_until(purge, 30, 0.2), "the purge left older files"
    d = harness.Daemon(args.binary, cfg, os.path.join(work, "gone2.log"))
    code = d.wait(60)
    errors = [line for line in d.lines() if '"level":"error"' in line]
    assert code == 3, f"exit {code}: {errors}"
    assert any("purged" in line for line in errors), errors
    print("binlog purged past the checkpoint: exit 3, " + json.loads(errors[0])["error"][:70])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--big-mb", type=int, default=1024,
                    help="size of the one big transaction (0 = skip)")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("STARCDC_TEST_SEED", "7")))
    args = ap.parse_args()
    random.seed(args.seed)
    work = harness.tempdir("starcdc-mysql-")
    db = MariaDB(server_id=1, extra_args=["--gtid-strict-mode=1"])
    db.start()
    emu = Emulator(args.emulator)
    try:
        db.create_user("cdc", "cdcpass")
        db.create_user("root_tcp", "rootpass", grants="ALL PRIVILEGES")
        all_types(args, db, emu, work)
        cfg, log = kills_under_load(args, db, emu, work)
        stop_and_resume(args, db, emu, cfg, log)
        failover(args, db, emu, work, cfg, log)
        purged(args, db, emu, work)
        startup_modes(args, db, emu, work)
        zero_dates(args, db, emu, work)
        minimal_image(args, db, emu, work)
        refusals(args, db, emu, work)
        if args.big_mb > 0:
            big_transaction(args, db, emu, work)
        print("ok")
    except BaseException:
        for name in sorted(os.listdir(work)):
            if name.endswith(".log"):
                notable = [line for line in open(os.path.join(work, name), errors="replace")
                           if '"level":"error"' in line or '"level":"warn"' in line]
                print(f"--- {name}: last warnings and errors")
                print("".join(notable[-12:]))
        raise
    finally:
        emu.stop()
        db.stop()
        shutil.rmtree(emu.dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
