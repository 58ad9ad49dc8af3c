#!/usr/bin/python3
"""The initial snapshot of the mysql source, MariaDB → starcdc → StarRocks (the emulator), with a
private MariaDB started here:

  1. a 2,000,000-row table copied with scan.startup.mode initial and two snapshot readers while a
     writer inserts, updates, deletes and changes primary keys during the whole snapshot: once the
     writer stops and starcdc catches up, StarRocks equals the source row for row; a second table
     that only gets inserts lands in a Duplicate Key table created beforehand, every row once;
  2. kill -9 at 10 random instants of the snapshot of a 1,000,000-row table (2,000-row chunks,
     a writer running): after each restart the snapshot resumes at or after the chunk count of the
     last checkpoint, never from chunk 0, and the copy ends equal; an insert-only table copied
     through the same kills into a Duplicate Key table holds every row once;
  3. empty and one-row tables, a composite key, string keys (case-insensitive and binary
     collations), BIGINT UNSIGNED keys past 2^63, all in chunks of 3 rows; a table without a
     primary key: a clear error without scan.incremental.snapshot.chunk.key-column, and with it
     every row once (the file sink) or the StarRocks sink's error about the missing key;
  4. every column type: rows that came through the snapshot and the same rows that came through
     the binlog are identical in StarRocks, column types included;
  5. scan.startup.mode snapshot copies and exits 0 by itself (the tables of 3);
  6. scan.binlog.newly-added-table.enabled: a table created while running and a filled table
     renamed into the captured pattern are both copied;
  7. scan.newly-added-table.enabled: a table added to `tables` between two runs is copied by the
     second, the one copied before is not copied again, and `starcdc status` shows both;
  8. ADD COLUMN on a table while it is being copied: the table is copied again and ends equal.
"""

import argparse
import collections
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import traceback
import urllib.error

import pymysql

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from emulator import Emulator  # noqa: E402
from mariadb import MariaDB  # noqa: E402
from mysql_to_starrocks_test import TYPES_ROWS, TYPES_TABLE, canon, diff, source_block  # noqa: E402

ARGS = None
DB = None
EMU = None
WORK = None
DAEMONS = []
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# --- pipelines, daemons and logs ---------------------------------------------------------------

def pipeline(name, tables, source_extra="", interval="1s", sink=None, pipeline_extra=""):
    cfg = os.path.join(WORK, name + ".yaml")
    if sink is None:
        sink = EMU.sink_block(f"  sink.label-prefix: {name}\n")
    harness.write_pipeline(
        cfg,
        "source:\n" + source_block(DB, f"  tables: {tables}\n" + source_extra) +
        "sink:\n" + sink +
        f"pipeline:\n  name: {name}\n  state.dir: {os.path.join(WORK, name + '-state')}\n"
        f"  checkpoint.interval: {interval}\n" + pipeline_extra)
    return cfg


def start(cfg):
    name = os.path.splitext(os.path.basename(cfg))[0]
    d = harness.Daemon(ARGS.binary, cfg, os.path.join(WORK, name + ".log"))
    DAEMONS.append(d)
    return d


def tail(d, n=15):
    return "\n".join(d.lines()[-n:])


def stop(d):
    d.kill(15)
    rc = d.wait(60)
    assert rc == 0, f"starcdc exited {rc} on SIGTERM:\n{tail(d)}"


def events(d, first_line=0):
    out = []
    for line in d.lines()[first_line:]:
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def find_event(d, msg, first_line=0, **fields):
    for e in events(d, first_line):
        if e.get("msg") == msg and all(e.get(k) == v for k, v in fields.items()):
            return e
    return None


def wait_event(d, msg, timeout, first_line=0, **fields):
    deadline = time.monotonic() + timeout
    while True:
        e = find_event(d, msg, first_line, **fields)
        if e is not None:
            return e
        if d.proc.poll() is not None:
            e = find_event(d, msg, first_line, **fields)
            if e is not None:
                return e
            raise AssertionError(f"starcdc exited ({d.proc.returncode}) without logging "
                                 f"{msg!r} {fields}:\n{tail(d)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {msg!r} {fields} within {timeout} s:\n{tail(d)}")
        time.sleep(0.1)


def resumed_event(d, first_line, table, tables):
    """The "Snapshot resumed." line of `table` logged after `first_line`; each such line must
    name one of `tables`."""
    def look():
        for e in events(d, first_line):
            if e.get("msg") == "Snapshot resumed.":
                assert e.get("table") in tables, f"'Snapshot resumed.' names no table: {e}"
                if e.get("table") == table:
                    return e
        return None
    e = harness.wait_until(look, 60, 0.05)
    assert e, f"no 'Snapshot resumed.' of {table} within 60 s:\n{tail(d)}"
    return e


def error_text(d):
    return " ".join(json.dumps(e) for e in events(d) if e.get("level") == "error")


def checkpoint(cfg):
    """The last checkpoint as `starcdc status --json` shows it (None before the first)."""
    r = subprocess.run([ARGS.binary, "status", "--json", "-c", cfg], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, f"starcdc status: {r.returncode} {r.stderr}"
    return json.loads(r.stdout)["checkpoint"]


def snapshot_table_state(cfg, table):
    """{state, chunks, rows, ...} of `table` in the checkpoint, or None."""
    cp = checkpoint(cfg)
    if cp is None or not cp.get("position"):
        return None
    return (cp["position"].get("snapshot") or {}).get("tables", {}).get(table)


def reset_emulator():
    EMU._call("POST", "/_emulator/reset")


# --- comparing the source with StarRocks -------------------------------------------------------

def column_types(database, table):
    rows = DB.execute("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE "
                      f"TABLE_SCHEMA='{database}' AND TABLE_NAME='{table}' "
                      "ORDER BY ORDINAL_POSITION")
    # pymysql returns geometry as WKB, StarRocks holds WKT: compared in the dumps only.
    return {name: t for name, t in rows if t not in ("point", "geometry")}


def source_table(database, table, keys):
    types = column_types(database, table)
    conn = DB.connect("cdc", "cdcpass")
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT {', '.join('`' + c + '`' for c in types)} "
                        f"FROM `{database}`.`{table}`")
            rows = cur.fetchall()
    finally:
        conn.close()
    out = {}
    for row in rows:
        r = {c: canon(v, types[c]) for c, v in zip(types, row)}
        out[tuple(r[k] for k in keys)] = r
    return out, types


def sink_table(database, table, types, keys):
    """{key: row} of the StarRocks table, None when it does not exist."""
    try:
        dump = EMU.dump(database, table)
    except urllib.error.HTTPError:
        return None
    out = {}
    for row in dump:
        r = {c: canon(v, types.get(c, "")) for c, v in row.items() if c in types}
        k = tuple(r[c] for c in keys)
        assert k not in out, f"{database}.{table}: key {k} twice in StarRocks"
        out[k] = r
    return out


def wait_equal(database, table, keys=("id",), timeout=60):
    """Waits until StarRocks holds the source's rows; an empty source table may have no StarRocks
    table. Returns the row count."""
    deadline = time.monotonic() + timeout
    while True:
        want, types = source_table(database, table, keys)
        got = sink_table(database, table, types, keys)
        if want == got or (not want and got is None):
            return len(want)
        if time.monotonic() > deadline:
            raise AssertionError(f"{database}.{table} differs after {timeout} s:\n" +
                                 (diff(want, got) if got is not None else "no StarRocks table"))
        time.sleep(0.3)


def sink_count(database, table):
    try:
        r = json.loads(EMU.sql(f"SELECT COUNT(*) FROM {database}.{table}"))
    except urllib.error.HTTPError:
        return None
    return int(r["rows"][0][0]) if r.get("ok") else None


def source_triples(database, table):
    """{id: (id, v, s)} of a large (id, v, s) table."""
    conn = DB.connect("cdc", "cdcpass")
    try:
        with conn.cursor() as cur:
            cur.execute(f"SELECT id, v, s FROM {database}.{table}")
            return {r[0]: r for r in cur.fetchall()}
    finally:
        conn.close()


def sink_triples(database, table):
    """(rows by id, number of ids present more than once) of a large (id, v, s) table."""
    out, repeated = {}, 0
    for r in EMU.dump(database, table):
        t = (r["id"], r["v"], r["s"])
        if t[0] in out:
            repeated += 1
        out[t[0]] = t
    return out, repeated


def triples_diff(want, got, limit=8):
    lines = []
    for k in sorted(set(want) | set(got)):
        if want.get(k) != got.get(k):
            lines.append(f"  id {k}: source {want.get(k)}, starrocks {got.get(k)}")
            if len(lines) >= limit:
                break
    missing = len(set(want) - set(got))
    extra = len(set(got) - set(want))
    return f"  {missing} missing, {extra} extra\n" + "\n".join(lines)


def wait_equal_large(database, table, timeout=180):
    """Counts first (cheap), then every row; retried until the deadline."""
    deadline = time.monotonic() + timeout
    detail = ""
    while True:
        n = DB.scalar(f"SELECT COUNT(*) FROM {database}.{table}")
        if sink_count(database, table) == n:
            want = source_triples(database, table)
            got, repeated = sink_triples(database, table)
            if want == got and repeated == 0:
                return n
            detail = triples_diff(want, got) + f"\n  {repeated} ids repeated"
        else:
            detail = f"  count: source {n}, starrocks {sink_count(database, table)}"
        if time.monotonic() > deadline:
            raise AssertionError(f"{database}.{table} differs after {timeout} s:\n{detail}")
        time.sleep(1.0)


def create_duplicate_key_table(database, table):
    """The StarRocks table for an (id, v, s) source table, created beforehand as Duplicate Key
    through the FE's MySQL port."""
    conn = pymysql.connect(host=EMU.host, port=EMU.mysql, user="root", password="",
                           autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE IF NOT EXISTS {database}")
            cur.execute(f"CREATE TABLE {database}.{table} (id BIGINT NOT NULL, v INT NULL, "
                        "s VARCHAR(160) NULL) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1 "
                        "PROPERTIES (\"replication_num\" = \"1\")")
    finally:
        conn.close()


def assert_each_once(database, table, timeout=120):
    """A Duplicate Key copy of an insert-only table holds every source row exactly once."""
    want = set(source_triples(database, table).values())
    deadline = time.monotonic() + timeout
    while True:
        got = collections.Counter((r["id"], r["v"], r["s"]) for r in EMU.dump(database, table))
        if set(got) == want or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    twice = [k for k, c in got.items() if c > 1]
    missing = want - set(got)
    extra = set(got) - want
    assert not twice and not missing and not extra, (
        f"{database}.{table}: {len(twice)} rows more than once (e.g. {sorted(twice)[:5]}), "
        f"{len(missing)} missing (e.g. {sorted(missing)[:5]}), {len(extra)} unexpected (e.g. "
        f"{sorted(extra)[:5]})")
    return len(want)


def append_ids(rows, rng):
    """Ids for inserts into a table holding the even ids 2..2*rows: every odd id in between,
    then new ids past the end, shuffled."""
    ids = [2 * k + 1 for k in range(rows)] + list(range(2 * rows + 1, 2 * rows + 200_000))
    rng.shuffle(ids)
    return ids


# --- a writer ----------------------------------------------------------------------------------

class Churn(threading.Thread):
    """Transactions of inserts, updates, deletes and primary key changes on `table`
    (id BIGINT key, v INT, s VARCHAR) whose ids start at 1..max_id, and, when given, inserts of
    new ids only on `append_table` (ids taken from `append_ids`, each once)."""

    def __init__(self, table, max_id, seed, pause, append_table=None, append_ids=None):
        super().__init__(daemon=True)
        self.table = table
        self.max_id = max_id
        self.next_id = max_id + 1
        self.rng = random.Random(seed)
        self.pause = pause
        self.append_table = append_table
        self.append_ids = append_ids
        self.stop_flag = threading.Event()
        self.transactions = 0
        self.counts = collections.Counter()
        self.error = None

    def run(self):
        try:
            conn = DB.connect("root_tcp", "rootpass")
            with conn.cursor() as cur:
                while not self.stop_flag.is_set():
                    cur.execute("BEGIN")
                    try:
                        for _ in range(self.rng.randint(1, 4)):
                            self.one(cur)
                        cur.execute("COMMIT")
                        self.transactions += 1
                    except pymysql.err.IntegrityError:
                        cur.execute("ROLLBACK")  # a key change onto an existing key
                        self.counts["rolled back"] += 1
                    time.sleep(self.pause)
            conn.close()
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e

    def finish(self):
        self.stop_flag.set()
        self.join(60)
        assert self.error is None, f"writer: {self.error!r}"

    def some_id(self):
        return self.rng.randint(1, self.next_id - 1)

    def one(self, cur):
        r, t = self.rng, self.table
        x = r.random()
        if x < 0.2:
            i = self.next_id
            self.next_id += 1
            cur.execute(f"INSERT INTO {t} (id, v, s) VALUES ({i}, {i % 1000}, 'new-{i}')")
            self.counts["insert"] += 1
        elif x < 0.3:
            cur.execute(f"INSERT INTO {t} (id, v, s) VALUES ({self.some_id()}, 0, 'again') "
                        "ON DUPLICATE KEY UPDATE v = v + 1, s = 'upsert'")
            self.counts["upsert"] += 1
        elif x < 0.5:
            cur.execute(f"UPDATE {t} SET v = v + 1, s = CONCAT('u', v) WHERE id = {self.some_id()}")
            self.counts["update"] += 1
        elif x < 0.55:
            a = self.some_id()
            cur.execute(f"UPDATE {t} SET v = v - 1 WHERE id BETWEEN {a} AND {a + 40}")
            self.counts["range update"] += 1
        elif x < 0.67:
            cur.execute(f"DELETE FROM {t} WHERE id = {self.some_id()}")
            self.counts["delete"] += 1
        elif x < 0.7:
            a = self.some_id()
            cur.execute(f"DELETE FROM {t} WHERE id BETWEEN {a} AND {a + 15}")
            self.counts["range delete"] += 1
        else:
            # Key changes: below the smallest key, past the largest, or anywhere (maybe taken).
            y = r.random()
            if y < 0.3:
                new = -r.randint(1, 50_000)
            elif y < 0.6:
                new = self.next_id
                self.next_id += 1
            else:
                new = self.some_id()
            cur.execute(f"UPDATE {t} SET id = {new} WHERE id = {self.some_id()}")
            self.counts["key change"] += 1
        if self.append_table and r.random() < 0.5:
            ids = [self.append_ids.pop() for _ in range(r.randint(1, 5)) if self.append_ids]
            if ids:
                cur.execute(f"INSERT INTO {self.append_table} (id, v, s) VALUES " +
                            ", ".join(f"({i}, {i % 7}, 'ins-{i}')" for i in ids))
                self.counts["append"] += len(ids)


# --- 1. two million rows under concurrent changes; a Duplicate Key copy ------------------------

@case
def two_million_rows_under_concurrent_changes():
    n = ARGS.big_rows
    dup_rows = n // 8
    t0 = time.monotonic()
    DB.execute("CREATE DATABASE big",
               "CREATE TABLE big.t (id BIGINT PRIMARY KEY, v INT, s VARCHAR(80))",
               f"INSERT INTO big.t SELECT seq, seq % 1000, CONCAT(REPEAT('r', 50), seq) "
               f"FROM big.seq_1_to_{n}",
               # Even ids at first; the writer inserts odd ids everywhere and new ids at the end.
               "CREATE TABLE big.dup (id BIGINT PRIMARY KEY, v INT, s VARCHAR(40))",
               f"INSERT INTO big.dup SELECT 2 * seq, seq % 7, CONCAT('dup-', seq) "
               f"FROM big.seq_1_to_{dup_rows}")
    print(f"     loaded {n:,} + {dup_rows:,} rows in {time.monotonic() - t0:.1f} s")
    create_duplicate_key_table("big", "dup")
    rng = random.Random(ARGS.seed)
    cfg = pipeline("big", "big.\\.*", "  scan.startup.mode: initial\n"
                   "  scan.snapshot.parallelism: 2\n", interval="300ms",
                   pipeline_extra="  buffer.max-bytes: 8MiB\n")
    writer = Churn("big.t", n, ARGS.seed, 0, "big.dup", append_ids(dup_rows, rng))
    writer.start()
    time.sleep(0.5)
    d = start(cfg)
    try:
        t1 = time.monotonic()
        wait_event(d, "Snapshot started.", 60)
        before = writer.transactions
        done = wait_event(d, "Snapshot finished.", 600)
        during = writer.transactions - before
        snapshot_s = time.monotonic() - t1
        time.sleep(1.0)  # a little more after the switch to the binlog
        writer.finish()
        assert during > 0, "the writer made no change during the snapshot"
        assert find_event(d, "Table snapshot finished.", table="big.t"), tail(d)
        assert find_event(d, "Table snapshot finished.", table="big.dup"), tail(d)
        rows = wait_equal_large("big", "t", timeout=300)
        dups = assert_each_once("big", "dup")
        stop(d)
    finally:
        writer.stop_flag.set()
    print(f"     snapshot of {n:,} + {dup_rows:,} rows in {snapshot_s:.1f} s "
          f"({done.get('rows')} rows logged); {writer.transactions} writer transactions, "
          f"{during} during the snapshot ({dict(writer.counts)})")
    print(f"     big.t: {rows:,} rows equal; big.dup (Duplicate Key): {dups:,} rows, "
          f"each once")
    reset_emulator()
    DB.execute("DROP DATABASE big")


# --- 2. kill -9 during the snapshot --------------------------------------------------------------

@case
def kill_9_during_the_snapshot_resumes_at_the_checkpointed_chunk():
    n = ARGS.kill_rows
    dup_rows = n // 10
    DB.execute("CREATE DATABASE crash",
               "CREATE TABLE crash.t (id BIGINT PRIMARY KEY, v INT, s VARCHAR(100))",
               "INSERT INTO crash.t SELECT seq, seq % 1000, CONCAT(REPEAT(CHAR(97 + seq % 26), "
               f"60), seq) FROM crash.seq_1_to_{n}",
               "CREATE TABLE crash.dup (id BIGINT PRIMARY KEY, v INT, s VARCHAR(40))",
               f"INSERT INTO crash.dup SELECT 2 * seq, seq % 7, CONCAT('dup-', seq) "
               f"FROM crash.seq_1_to_{dup_rows}")
    create_duplicate_key_table("crash", "dup")
    # StarRocks made slow (each load request answered 20 ms late) and small buffers pace the
    # readers, so the snapshot lasts long enough to be killed many times.
    EMU.faults({"kind": "delay", "endpoint": "load", "db": "crash", "delay_ms": 20,
                "count": -1})
    cfg = pipeline("crash", "crash.\\.*", "  scan.startup.mode: initial\n"
                   "  scan.snapshot.parallelism: 2\n"
                   "  scan.incremental.snapshot.chunk.size: 2000\n", interval="500ms",
                   sink=EMU.sink_block("  sink.label-prefix: crash\n"
                                       "  sink.buffer-flush.max-bytes: 256KiB\n"),
                   pipeline_extra="  buffer.max-bytes: 1MiB\n")
    rng = random.Random(ARGS.seed + 1)
    writer = Churn("crash.t", n, ARGS.seed + 1, 0.02, "crash.dup", append_ids(dup_rows, rng))
    writer.start()
    resumed = []
    try:
        state = None
        for k in range(ARGS.kills + 1):
            first_line = len(d.lines()) if k > 0 else 0
            d = start(cfg)
            if state and state.get("chunks", 0) > 0:
                e = resumed_event(d, first_line, "crash.t", ("crash.t", "crash.dup"))
                assert int(e["chunk"]) >= state["chunks"], (
                    f"restart {k}: resumed at chunk {e['chunk']} but the checkpoint had "
                    f"{state['chunks']} finished chunks: {e}")
                resumed.append((state["chunks"], int(e["chunk"]), state.get("rows")))
            if k == ARGS.kills:
                break
            # A random instant: once a random share of what is left has been committed, at a
            # random point of the checkpoint interval.
            copied = state.get("rows", 0) if state else 0
            share = rng.uniform(0.3, 1.0) * (n - copied) / (ARGS.kills - k + 2)
            base = EMU.stats()["committed_rows"]
            harness.wait_until(lambda: EMU.stats()["committed_rows"] - base >= share or
                               d.proc.poll() is not None, 120, 0.02)
            time.sleep(rng.uniform(0, 0.5))
            assert d.proc.poll() is None, f"starcdc exited {d.proc.returncode}:\n{tail(d)}"
            d.kill()
            d.wait(30)
            state = snapshot_table_state(cfg, "crash.t")
            assert not state or state.get("state") != "done", (
                f"kill {k + 1}: the snapshot was already finished ({state})")
        wait_event(d, "Snapshot finished.", 300)
        writer.finish()
        rows = wait_equal_large("crash", "t", timeout=300)
        dups = assert_each_once("crash", "dup")
        stop(d)
    finally:
        writer.stop_flag.set()
    chunks = [c for c, _, _ in resumed]
    assert len(resumed) >= ARGS.kills - 1, f"only {len(resumed)} resumed copies: {resumed}"
    assert chunks == sorted(chunks), f"checkpointed chunk counts went back: {resumed}"
    print(f"     {ARGS.kills} kills; (checkpointed chunks, resumed at chunk, rows): {resumed}")
    print(f"     crash.t: {rows:,} rows equal; crash.dup (Duplicate Key): {dups:,} rows, each "
          f"once ({writer.transactions} writer transactions)")
    reset_emulator()
    DB.execute("DROP DATABASE crash")


# --- 3 and 5. edge tables, scan.startup.mode snapshot ------------------------------------------

STRING_KEYS = ["a", "B", "c1", "C2", "10", "9", "-", "_", "%", "a%b", "a_b", "o'k", "back\\slash",
               "tab\tx", "a b", " lead", "trail ", "Zürich", "zurich", "日本", "😀", "~", "{", "",
               "z" * 60, "Ab", "aB", "ab", "0", "00", "0.5", "-1", "+1", "é", "e", "ß", "ss"]


def random_strings(rng, count, alphabet):
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
            for _ in range(count)]


def quoted(s):
    return "'" + pymysql.converters.escape_string(s) + "'"


@case
def edge_tables_in_snapshot_mode_exit_0():
    rng = random.Random(ARGS.seed + 3)
    alphabet = "abcXYZ019-_.%' !~éÉ"
    strkeys = STRING_KEYS + random_strings(rng, 200, alphabet)
    binkeys = ["abc", "ABC", "Abc", "aBc", "a", "A", "b", "B", "é", "É", "e", "E"] + \
        random_strings(rng, 100, alphabet)
    ubig = [0, 1, 2, 3, 2 ** 31, 2 ** 32, 2 ** 63 - 2, 2 ** 63 - 1, 2 ** 63, 2 ** 63 + 1,
            2 ** 63 + 12345, 2 ** 64 - 2, 2 ** 64 - 1] + [rng.randrange(2 ** 64) for _ in range(60)]
    composite = [(a, b) for a in (-3, 0, 1, 2, 7, 2 ** 31 - 1)
                 for b in ("", " x", "0", "a", "B", "b b", "zz", "it's", "é")]
    DB.execute(
        "CREATE DATABASE edge",
        "CREATE TABLE edge.empty (id INT PRIMARY KEY, v INT)",
        "CREATE TABLE edge.one (id INT PRIMARY KEY, v VARCHAR(10))",
        "INSERT INTO edge.one VALUES (42, 'only')",
        "CREATE TABLE edge.composite (a INT, b VARCHAR(20), v INT, PRIMARY KEY (a, b))",
        "INSERT IGNORE INTO edge.composite VALUES " + ", ".join(
            f"({a}, {quoted(b)}, {k})" for k, (a, b) in enumerate(composite)),
        "CREATE TABLE edge.strkey (k VARCHAR(64) PRIMARY KEY, v INT)",
        "INSERT IGNORE INTO edge.strkey VALUES " + ", ".join(
            f"({quoted(s)}, {k})" for k, s in enumerate(strkeys)),
        "CREATE TABLE edge.strbin (k VARCHAR(64) COLLATE utf8mb4_bin PRIMARY KEY, v INT)",
        "INSERT IGNORE INTO edge.strbin VALUES " + ", ".join(
            f"({quoted(s)}, {k})" for k, s in enumerate(binkeys)),
        "CREATE TABLE edge.ubig (id BIGINT UNSIGNED PRIMARY KEY, v INT)",
        "INSERT IGNORE INTO edge.ubig VALUES " + ", ".join(
            f"({u}, {k})" for k, u in enumerate(ubig)))
    cfg = pipeline("edge", "edge.\\.*", "  scan.startup.mode: snapshot\n"
                   "  scan.snapshot.parallelism: 2\n"
                   "  scan.incremental.snapshot.chunk.size: 3\n")
    d = start(cfg)
    rc = d.wait(120)
    assert rc == 0, f"snapshot mode exited {rc}:\n{tail(d)}"
    assert find_event(d, "Snapshot finished."), tail(d)
    counts = {}
    for table, keys in (("empty", ("id",)), ("one", ("id",)), ("composite", ("a", "b")),
                        ("strkey", ("k",)), ("strbin", ("k",)), ("ubig", ("id",))):
        counts[table] = wait_equal("edge", table, keys, timeout=10)
    case_only = DB.scalar("SELECT COUNT(*) FROM edge.strbin WHERE k IN ('abc', 'ABC', 'Abc')")
    assert case_only == 3 and counts["strbin"] > 3, counts
    assert DB.scalar(f"SELECT COUNT(*) FROM edge.ubig WHERE id >= {2 ** 63}") > 5
    created = sink_table("edge", "empty", {"id": "int"}, ("id",)) is not None
    print(f"     scan.startup.mode snapshot: exit 0; rows equal per table {counts} (chunks of 3; "
          f"the empty table {'created empty' if created else 'not created'} in StarRocks)")


@case
def a_table_without_a_primary_key():
    DB.execute("CREATE DATABASE nokey",
               "CREATE TABLE nokey.t (id INT NULL, v VARCHAR(20), KEY (id))",
               "INSERT INTO nokey.t SELECT seq % 700, CONCAT('v', seq) FROM nokey.seq_1_to_3000",
               "INSERT INTO nokey.t VALUES (NULL, 'null-1'), (NULL, 'null-2'), (7, 'v7')")
    want = collections.Counter(DB.execute("SELECT id, v FROM nokey.t"))
    mode = "  scan.startup.mode: snapshot\n  scan.incremental.snapshot.chunk.size: 100\n"
    chunk_key = "  scan.incremental.snapshot.chunk.key-column: nokey.t:id\n"

    # Without a chunk key column: an error naming the table.
    d = start(pipeline("nokey_plain", "nokey.\\.*", mode))
    rc = d.wait(60)
    errors = error_text(d) or "\n".join(d.lines())
    assert rc not in (0, None) and "nokey.t" in errors, f"exit {rc}: {errors or tail(d)}"
    print(f"     no primary key, no chunk key column: exit {rc}, "
          f"{[e.get('error') for e in events(d) if e.get('level') == 'error'][:1]}")

    # With one, into the file sink (any table): every row once, NULL keys included.
    out = os.path.join(WORK, "nokey-out")
    d = start(pipeline("nokey_file", "nokey.\\.*", mode + chunk_key,
                       sink=f"  type: file\n  path: {out}\n  sync: false\n"))
    rc = d.wait(120)
    assert rc == 0, f"exit {rc}:\n{tail(d)}"
    lines = harness.committed_lines(out).get("nokey.t", [])
    got = collections.Counter()
    for line in lines:
        obj = json.loads(line)
        assert obj["op"] in ("r", "c"), obj
        got[(obj["after"]["id"], obj["after"]["v"])] += 1
    assert got == want, (f"{sum(got.values())} rows read, {sum(want.values())} in the table; "
                         f"missing {list((want - got).items())[:5]}, "
                         f"extra {list((got - want).items())[:5]}")
    print(f"     with scan.incremental.snapshot.chunk.key-column (file sink): "
          f"{sum(got.values())} rows, each once")

    # With one, into StarRocks: Primary Key tables need a key.
    d = start(pipeline("nokey_sr", "nokey.\\.*", mode + chunk_key))
    rc = d.wait(120)
    if rc == 0:
        got = collections.Counter((r["id"], r["v"]) for r in EMU.dump("nokey", "t"))
        assert got == want, f"StarRocks nokey.t differs: {len(got)} vs {len(want)}"
        print(f"     with the chunk key column into StarRocks: {sum(got.values())} rows")
    else:
        errors = error_text(d)
        assert "nokey.t" in errors and "primary key" in errors, f"exit {rc}: {errors or tail(d)}"
        print(f"     with the chunk key column into StarRocks: exit {rc}, "
              f"{[e.get('error') for e in events(d) if e.get('level') == 'error'][:1]}")


# --- 4. every type: the snapshot's values are the binlog's -------------------------------------

ODD_TABLE = ("CREATE TABLE {t} (id INT PRIMARY KEY, f FLOAT, d DOUBLE, f2 FLOAT(7,3), "
             "fu FLOAT UNSIGNED, dt DATE, dtm DATETIME(3), ts TIMESTAMP(2) NULL, "
             "i INT(6) ZEROFILL, dec1 DECIMAL(8,3) ZEROFILL, c CHAR(6), bn BINARY(3), "
             "e ENUM('x','y'))")

ODD_ROWS = ("(1, PI(), PI(), PI(), 1e-40, '0000-00-00', '0000-00-00 00:00:00', "
            "'0000-00-00 00:00:00', 42, 1.5, 'a  ', X'0100', 'nope'), "
            "(2, 1/3, 1/3, 1/3, 16777217, '2024-00-15', '2024-02-00 10:00:00.123', NULL, 0, 0, "
            "'', '', 'y'), "
            "(3, 3.4028234e38, 2.2250738585072014e-308, -0.0005, 0, '2024-02-29', "
            "'2024-02-29 23:59:59.999', '2038-01-19 03:14:07.99', 7, 0.001, 'x', X'61', 'x')")

EXTRA_TYPES_ROW = (
    "INSERT INTO {t} (id, f, d, dec1, dec3, tm3, dtm6, ts, vc, bn, j, g) VALUES (4, PI(), 1/3, "
    "-0.5, 0.05, '-00:00:01.5', '2024-02-29 12:34:56.000001', '2038-01-19 03:14:07.5', "
    "'tab\\there \\\\ \u00e0', X'01', '{{\"a\": \"\\\\u00e9\"}}', POINT(-0.25, 1e10))")


def fill_types(suffix):
    t = f"types.all_{suffix}"
    o = f"types.odd_{suffix}"
    DB.execute("SET SESSION sql_mode = ''",
               f"INSERT INTO {t} VALUES " + ",".join(TYPES_ROWS),
               EXTRA_TYPES_ROW.format(t=t),
               f"INSERT INTO {o} VALUES " + ODD_ROWS)


@case
def every_type_is_identical_through_the_snapshot_and_the_binlog():
    DB.execute("CREATE DATABASE types",
               TYPES_TABLE.replace("types.all_types", "types.all_snap"),
               TYPES_TABLE.replace("types.all_types", "types.all_binlog"),
               "SET SESSION sql_mode = ''",
               ODD_TABLE.format(t="types.odd_snap"), ODD_TABLE.format(t="types.odd_binlog"))
    fill_types("snap")
    cfg = pipeline("types", "types.\\.*", "  scan.startup.mode: initial\n"
                   "  scan.incremental.snapshot.chunk.size: 2\n")
    d = start(cfg)
    try:
        wait_event(d, "Snapshot finished.", 60)
        fill_types("binlog")
        # Both StarRocks tables are compared with each other value for value (the binlog path
        # is compared with the server's own values in mysql_to_starrocks_test.py).
        for name in ("all", "odd"):
            n = DB.scalar(f"SELECT COUNT(*) FROM types.{name}_snap")
            for suffix in ("snap", "binlog"):
                assert harness.wait_until(lambda: sink_count("types", f"{name}_{suffix}") == n,
                                          60, 0.2), f"types.{name}_{suffix}: not {n} rows"
            snap = EMU.dump("types", f"{name}_snap")
            binlog = EMU.dump("types", f"{name}_binlog")
            for a, b in zip(snap, binlog):
                cols = {c: (a[c], b.get(c)) for c in a if a[c] != b.get(c)}
                assert not cols, f"types.{name} id {a.get('id')}: (snapshot, binlog) {cols}"
            assert snap == binlog, (snap, binlog)
            desc = [json.loads(EMU.sql(f"DESC types.{name}_{s}"))["rows"]
                    for s in ("snap", "binlog")]
            assert desc[0] == desc[1], f"StarRocks column types differ: {desc}"
            print(f"     types.{name}: {len(snap)} rows x {len(snap[0])} columns, snapshot and "
                  "binlog values and StarRocks types identical")
        stop(d)
    finally:
        d.kill()


# --- 6. tables created or renamed in while running -----------------------------------------------

@case
def tables_created_or_renamed_while_running_are_copied():
    DB.execute("CREATE DATABASE grow",
               "CREATE TABLE grow.cap_a (id INT PRIMARY KEY, v VARCHAR(20))",
               "INSERT INTO grow.cap_a SELECT seq, CONCAT('a', seq) FROM grow.seq_1_to_100",
               "CREATE TABLE grow.other (id INT PRIMARY KEY, v VARCHAR(20))",
               "INSERT INTO grow.other SELECT seq, CONCAT('o', seq) FROM grow.seq_1_to_20000")
    cfg = pipeline("grow", "grow.cap_\\.*", "  scan.startup.mode: initial\n"
                   "  scan.binlog.newly-added-table.enabled: true\n"
                   "  scan.incremental.snapshot.chunk.size: 1000\n")
    d = start(cfg)
    try:
        wait_event(d, "Snapshot finished.", 60)
        wait_equal("grow", "cap_a")
        DB.execute("CREATE TABLE grow.cap_new (id INT PRIMARY KEY, v VARCHAR(20))",
                   "INSERT INTO grow.cap_new SELECT seq, CONCAT('n', seq) "
                   "FROM grow.seq_1_to_10000",
                   "UPDATE grow.cap_new SET v = 'changed' WHERE id % 100 = 0",
                   "DELETE FROM grow.cap_new WHERE id % 1000 = 1",
                   "RENAME TABLE grow.other TO grow.cap_renamed",
                   "UPDATE grow.cap_renamed SET v = 'changed' WHERE id % 100 = 0",
                   "INSERT INTO grow.cap_renamed VALUES (30000, 'after the rename')",
                   "INSERT INTO grow.cap_a VALUES (101, 'a101')")
        n_new = wait_equal("grow", "cap_new", timeout=90)
        n_renamed = wait_equal("grow", "cap_renamed", timeout=90)
        wait_equal("grow", "cap_a")
        assert sink_table("grow", "other", {"id": "int"}, ("id",)) is None, \
            "grow.other is not captured"
        stop(d)
    finally:
        d.kill()
    print(f"     created while running: grow.cap_new {n_new} rows equal; renamed in: "
          f"grow.cap_renamed {n_renamed} rows equal")


@case
def tables_added_to_the_pattern_are_copied_on_restart():
    """scan.newly-added-table.enabled: a table added to `tables` between two runs is copied by
    the second one (its rows from before, and changes made while the daemon was down); the
    table copied before is not copied again. `starcdc status` shows both copies."""
    DB.execute("CREATE DATABASE added",
               "CREATE TABLE added.a (id INT PRIMARY KEY, v INT)",
               "INSERT INTO added.a SELECT seq, seq FROM added.seq_1_to_1000",
               "CREATE TABLE added.b (id INT PRIMARY KEY, v INT)",
               "INSERT INTO added.b SELECT seq, seq FROM added.seq_1_to_3000")
    extra = "  scan.newly-added-table.enabled: true\n"
    cfg = pipeline("added", "added.a", extra)
    d = start(cfg)
    try:
        wait_equal("added", "a")
        stop(d)
    finally:
        d.kill()
    DB.execute("INSERT INTO added.b VALUES (5000, 5)", "UPDATE added.b SET v = 0 WHERE id < 10")
    cfg = pipeline("added", "added.a,added.b", extra)
    first = len(d.lines())  # the second run logs to the same file
    d = start(cfg)
    try:
        wait_event(d, "Table snapshot finished.", 60, first, table="added.b")
        DB.execute("UPDATE added.b SET v = 7 WHERE id = 20", "INSERT INTO added.a VALUES (5000, 5)")
        n = wait_equal("added", "b")
        wait_equal("added", "a")
        assert find_event(d, "Table snapshot finished.", first, table="added.a") is None, \
            "added.a was copied again"
        stop(d)
    finally:
        d.kill()
    out = subprocess.run([ARGS.binary, "status", "-c", cfg], capture_output=True, text=True,
                         check=True).stdout
    assert "snapshot\n" in out and "added.b" in out.split("snapshot\n", 1)[1], out
    print(f"     added.b (added to the pattern) copied on restart: {n} rows equal")


@case
def a_column_added_during_the_copy_restarts_that_table():
    """ALTER TABLE ... ADD COLUMN while the table is being copied: the rows copied so far lack
    the column, so the pipeline restarts from its checkpoint and copies the table again; it ends
    equal, new column included."""
    DB.execute("CREATE DATABASE alter_mid",
               "CREATE TABLE alter_mid.t (id BIGINT PRIMARY KEY, v INT, s VARCHAR(80))",
               "INSERT INTO alter_mid.t SELECT seq, seq, REPEAT('x', 60) "
               "FROM alter_mid.seq_1_to_300000")
    # StarRocks answers each load 20 ms late, so the copy lasts while the ALTER runs.
    EMU.faults({"kind": "delay", "endpoint": "load", "db": "alter_mid", "delay_ms": 20,
                "count": -1})
    cfg = pipeline("alter_mid", "alter_mid.t", "  scan.incremental.snapshot.chunk.size: 2000\n",
                   interval="200ms",
                   sink=EMU.sink_block("  sink.label-prefix: alter_mid\n"
                                       "  sink.buffer-flush.max-bytes: 256KiB\n"),
                   pipeline_extra="  buffer.max-bytes: 1MiB\n")
    d = start(cfg)
    try:
        wait_event(d, "Snapshot started.", 30)
        harness.wait_until(lambda: (snapshot_table_state(cfg, "alter_mid.t") or {})
                           .get("chunks", 0) > 5, 60, 0.05)
        DB.execute("ALTER TABLE alter_mid.t ADD COLUMN extra INT NOT NULL DEFAULT 5",
                   "UPDATE alter_mid.t SET extra = 6 WHERE id % 1000 = 3")
        wait_event(d, "The table changed while it was being copied; copying it again.", 60,
                   table="alter_mid.t")
        EMU.clear_faults()
        n = wait_equal("alter_mid", "t", timeout=120)
        stop(d)
    finally:
        d.kill()
    print(f"     ADD COLUMN during the copy: copied again, {n} rows equal with the new column")


def main():
    global ARGS, DB, EMU, WORK
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--big-rows", type=int, default=2_000_000)
    ap.add_argument("--kill-rows", type=int, default=1_000_000)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--only", default="", help="comma-separated case name prefixes")
    ap.add_argument("--keep-logs", action="store_true")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("STARCDC_TEST_SEED", "0")) or
                    random.randrange(1, 10 ** 6))
    ARGS = ap.parse_args()
    print(f"seed {ARGS.seed} (STARCDC_TEST_SEED={ARGS.seed} repeats the run)")
    random.seed(ARGS.seed)
    WORK = harness.tempdir("starcdc-snapshot-")
    DB = MariaDB(name="snapshot", server_id=1,
                 extra_args=["--innodb-buffer-pool-size=512M",
                             "--innodb-flush-log-at-trx-commit=2"])
    failed = []
    selected = [fn for fn in CASES if not ARGS.only or
                any(fn.__name__.startswith(p) for p in ARGS.only.split(","))]
    t_all = time.monotonic()
    try:
        DB.start()
        EMU = Emulator(ARGS.emulator)
        DB.create_user("cdc", "cdcpass")
        DB.create_user("root_tcp", "rootpass", grants="ALL PRIVILEGES")
        for fn in selected:
            t0 = time.monotonic()
            try:
                fn()
                print(f"ok   {fn.__name__} ({time.monotonic() - t0:.0f} s)", flush=True)
            except Exception:  # noqa: BLE001 - report every case, fail at the end
                failed.append(fn.__name__)
                print(f"FAIL {fn.__name__} ({time.monotonic() - t0:.0f} s)\n"
                      f"{traceback.format_exc()}", flush=True)
            finally:
                for d in DAEMONS:
                    d.kill()
                    d.wait(30)
                DAEMONS.clear()
    finally:
        for d in DAEMONS:
            d.kill()
        if EMU is not None:
            EMU.stop()
            shutil.rmtree(EMU.dir, ignore_errors=True)
        DB.stop()
        if failed or ARGS.keep_logs:
            print(f"logs kept in {WORK}")
        else:
            shutil.rmtree(WORK, ignore_errors=True)
    if failed:
        print(f"{len(failed)} of {len(selected)} cases failed: {', '.join(failed)}")
        sys.exit(1)
    print(f"all {len(selected)} cases passed in {time.monotonic() - t_all:.0f} s")


if __name__ == "__main__":
    main()
