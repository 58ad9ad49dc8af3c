#!/usr/bin/python3
"""The first building blocks of the initial snapshot against a private MariaDB, through
tests/tools/snapshot_probe:

  1. every column type (the types table of mysql_to_starrocks_test.py), FLOATs, zero dates (as
     NULL and as text) and ZEROFILL read chunk by chunk over the text protocol give values
     identical to what the binlog decoder yields for the inserts;
  2. chunking: evenly spread integer keys (fixed steps), sparse keys, BIGINT UNSIGNED keys past
     2^63, string keys, composite keys, a repeated chunk key column, an empty table: every row
     read exactly once and the chunks about the size asked for; a table without a primary key is
     a clear error unless a chunk key column is given;
  3. a large SELECT streams through QueryCursor with the probe's memory far below its size.
"""

import argparse
import os
import random
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import mariadb  # noqa: E402
from mysql_to_starrocks_test import TYPES_ROWS, TYPES_TABLE  # noqa: E402

PROBE = None
DB = None
RESULTS = []


class Probe:
    def __init__(self, *args, timeout=300):
        r = subprocess.run([PROBE, "--host", DB.host, "--port", str(DB.port), "--user", "cdc",
                            "--password", "cdcpass", *args],
                           capture_output=True, text=True, timeout=timeout)
        self.rc = r.returncode
        self.out = r.stdout
        self.lines = r.stdout.splitlines()
        self.stderr = r.stderr

    def tagged(self, tag):
        return [line.split("\t")[1:] for line in self.lines if line.startswith(tag + "\t")]

    def chunks(self):
        return [dict(p.split("=", 1) for p in line.split()[1:])
                for line in self.lines if line.startswith("chunk ")]

    def field(self, prefix, key):
        for line in self.lines:
            if line.startswith(prefix + " "):
                return dict(p.split("=", 1) for p in line.split()[1:] if "=" in p).get(key)
        return None

    def __str__(self):
        return f"rc={self.rc}\nstdout:\n{self.out[-3000:]}\nstderr:\n{self.stderr[-2000:]}"


def check(cond, what, probe=None):
    if not cond:
        raise AssertionError(what + ("\n" + str(probe) if probe is not None else ""))


def case(fn):
    RESULTS.append(fn)
    return fn


def read_table(table, rows=8096, chunk_key=None):
    args = ["--table", table, "--chunk-rows", str(rows)]
    if chunk_key:
        args += ["--chunk-key", chunk_key]
    p = Probe(*args)
    check(p.rc == 0, f"reading {table}", p)
    return p


@case
def every_type_equals_the_binlog():
    file, pos = DB.binlog_status()
    DB.execute("CREATE DATABASE types", TYPES_TABLE,
               "INSERT INTO types.all_types VALUES " + ",".join(TYPES_ROWS),
               # Values where the text and binlog forms differ the most.
               "INSERT INTO types.all_types (id, f, d, dec1, dec3, tm3, dtm6, ts, vc, bn, j, g) "
               "VALUES (4, PI(), 1/3, -0.5, 0.05, '-00:00:01.5', '2024-02-29 12:34:56.000001', "
               "'2038-01-19 03:14:07.5', 'tab\\there \\\\ \u00e0', X'01', '{\"a\": \"\\\\u00e9\"}',"
               " POINT(-0.25, 1e10))")
    snap = read_table("types.all_types", rows=1)
    binlog = Probe("--table", "types.all_types", "--binlog", f"{file}:{pos}", "--server-id", str(random.randint(100, 999)))
    check(binlog.rc == 0, "binlog dump", binlog)
    want = binlog.tagged("binlog_row")
    got = snap.tagged("row")
    check(len(want) == 4, f"4 binlog rows, got {len(want)}", binlog)
    check(len(snap.chunks()) >= 2, "the types table read in several chunks", snap)
    names = [c.split()[0] for c in TYPES_TABLE.split("(", 1)[1].replace("\n", " ").split(", ")]
    for w, g in zip(want, got):
        diffs = [f"  #{i}: binlog {a!r} snapshot {b!r}" for i, (a, b) in enumerate(zip(w, g))
                 if a != b]
        check(not diffs, f"row {w[0]} differs ({len(names)} columns):\n" + "\n".join(diffs))
    check(want == got, "same rows in the same order", snap)
    print(f"     {len(got)} rows x {len(got[0])} columns identical to the binlog's")


@case
def floats_equal_the_binlog():
    """MariaDB prints FLOAT with 6 digits: the snapshot selects FLOAT + 0e0 to get it exactly."""
    file, pos = DB.binlog_status()
    DB.execute("CREATE TABLE types.floats (id INT PRIMARY KEY, f FLOAT, d DOUBLE, f2 FLOAT(7,3),"
               " d2 DOUBLE(10,4), fu FLOAT UNSIGNED)",
               "INSERT INTO types.floats VALUES (1, PI(), PI(), PI(), PI(), 1e-40), "
               "(2, 1/3, 1/3, 1/3, 1/3, 16777217), (3, 123456789, 1.2345678901234567e-300, 12.5,"
               " -0.00005, 0), (4, 3.4028234e38, 2.2250738585072014e-308, -0.0005, 1e5, -0)")
    same_as_binlog("types.floats", file, pos, 4)


@case
def zero_dates_and_zerofill_equal_the_binlog():
    file, pos = DB.binlog_status()
    DB.execute("SET SESSION sql_mode = ''",
               "CREATE TABLE types.edges (id INT PRIMARY KEY, d DATE, dt DATETIME(3), "
               "ts TIMESTAMP(2) NULL, i INT(6) ZEROFILL, dec1 DECIMAL(8,3) ZEROFILL, "
               "c CHAR(6), bn BINARY(3), e ENUM('x','y'))",
               "INSERT INTO types.edges VALUES (1, '0000-00-00', '0000-00-00 00:00:00', "
               "'0000-00-00 00:00:00', 42, 1.5, 'a  ', X'0100', 'nope'), "
               "(2, '2024-00-15', '2024-02-00 10:00:00.123', NULL, 0, 0, '', '', 'y')")
    same_as_binlog("types.edges", file, pos, 2)
    same_as_binlog("types.edges", file, pos, 2, "--zero-dates", "text")


def same_as_binlog(table, file, pos, rows, *options):
    snap = Probe("--table", table, "--chunk-rows", "1", *options)
    check(snap.rc == 0, f"reading {table}", snap)
    binlog = Probe("--table", table, "--binlog", f"{file}:{pos}", "--server-id",
                   str(random.randint(100, 999)), *options)
    check(binlog.rc == 0 and len(binlog.tagged("binlog_row")) == rows, "binlog dump", binlog)
    check(binlog.tagged("binlog_row") == snap.tagged("row"),
          f"{table} identical:\n" + binlog.out + snap.out)


def keys_of(p, at=0):
    return [row[at] for row in p.tagged("row")]


def chunk_sizes(p):
    sizes, current = [], None
    for line in p.lines:
        if line.startswith("chunk "):
            if current is not None:
                sizes.append(current)
            current = 0
        elif line.startswith("row\t"):
            current += 1
    if current is not None:
        sizes.append(current)
    return sizes


@case
def even_integer_keys_step_without_queries():
    DB.execute("USE chunks", "CREATE TABLE chunks.even (id INT PRIMARY KEY, v VARCHAR(20))",
               "INSERT INTO chunks.even SELECT seq, CONCAT('v', seq) FROM seq_1_to_5000",
               "ANALYZE TABLE chunks.even")
    p = read_table("chunks.even", rows=500)
    check(p.field("plan", "even") == "1", "fixed steps for an even key", p)
    check(keys_of(p) == [f"int:{i}" for i in range(1, 5001)], "every row once, in key order", p)
    sizes = chunk_sizes(p)
    check(len(sizes) >= 8 and max(sizes) <= 1000, f"chunks about 500 rows: {sizes}", p)


@case
def sparse_keys_ask_for_the_next_bound():
    DB.execute("USE chunks", "CREATE TABLE chunks.sparse (id BIGINT PRIMARY KEY)",
               "INSERT INTO chunks.sparse SELECT seq * seq * seq * 1000 FROM seq_1_to_3000",
               "ANALYZE TABLE chunks.sparse")
    p = read_table("chunks.sparse", rows=256)
    check(p.field("plan", "even") == "0", "queries for a sparse key", p)
    check(keys_of(p) == [f"int:{i ** 3 * 1000}" for i in range(1, 3001)], "every row once", p)
    sizes = chunk_sizes(p)
    check(sizes[:-1] == [256] * (len(sizes) - 1) and sizes[-1] <= 256, f"exact chunks: {sizes}",
          p)


@case
def unsigned_keys_past_two_to_the_63():
    base = 2 ** 64 - 2000
    DB.execute("USE chunks", "CREATE TABLE chunks.big (id BIGINT UNSIGNED PRIMARY KEY)",
               f"INSERT INTO chunks.big SELECT {base} + seq FROM seq_0_to_1999",
               "ANALYZE TABLE chunks.big")
    p = read_table("chunks.big", rows=300)
    check(keys_of(p) == [f"uint:{base + i}" for i in range(2000)], "every row once", p)
    check(len(chunk_sizes(p)) >= 5, "several chunks", p)
    DB.execute("USE chunks", "CREATE TABLE chunks.big2 (id BIGINT UNSIGNED PRIMARY KEY)",
               "INSERT INTO chunks.big2 VALUES (0), (1), (9223372036854775807), "
               "(9223372036854775808), (18446744073709551615)")
    p = read_table("chunks.big2", rows=2)
    check(keys_of(p) == ["uint:0", "uint:1", "uint:9223372036854775807",
                         "uint:9223372036854775808", "uint:18446744073709551615"],
          "both sides of 2^63", p)


@case
def string_and_composite_keys():
    DB.execute("USE chunks", "CREATE TABLE chunks.str (code VARCHAR(40) PRIMARY KEY, n INT) "
               "COLLATE utf8mb4_general_ci",
               "INSERT INTO chunks.str SELECT CONCAT(CHAR(65 + seq % 26), 'é''\\\\', seq), seq "
               "FROM seq_1_to_1500")
    p = read_table("chunks.str", rows=100)
    got = sorted(row[1] for row in p.tagged("row"))
    check(got == sorted(f"int:{i}" for i in range(1, 1501)), "every string-keyed row once", p)
    check(len(chunk_sizes(p)) == 15, f"15 chunks: {chunk_sizes(p)}", p)
    DB.execute("USE chunks", "CREATE TABLE chunks.comp (a INT, b VARBINARY(8), c DATE, v INT, "
               "PRIMARY KEY (a, b, c))",
               "INSERT INTO chunks.comp SELECT seq % 7, UNHEX(HEX(seq % 5)), "
               "DATE_ADD('2024-01-01', INTERVAL seq DAY), seq FROM seq_1_to_2000")
    p = read_table("chunks.comp", rows=128)
    got = sorted(int(row[3][4:]) for row in p.tagged("row"))
    check(got == list(range(1, 2001)), "every composite-keyed row once", p)
    sizes = chunk_sizes(p)
    check(sizes[:-1] == [128] * (len(sizes) - 1), f"exact chunks: {sizes}", p)
    # A chunk in the middle is an index range, not a scan from the start.
    sql = [line[4:] for line in p.lines if line.startswith("sql ")][len(sizes) // 2]
    plan = DB.execute("EXPLAIN " + sql)
    check(plan[0][3] == "range" and plan[0][5] == "PRIMARY", f"{sql}: {plan}")


@case
def no_primary_key_needs_a_chunk_key():
    DB.execute("USE chunks", "CREATE TABLE chunks.nokey (k INT, v INT, KEY (k))",
               "INSERT INTO chunks.nokey SELECT seq DIV 50, seq FROM seq_1_to_1000",
               "INSERT INTO chunks.nokey VALUES (NULL, 0), (NULL, -1)")
    p = Probe("--table", "chunks.nokey")
    check(p.rc == 2 and "chunks.nokey has no primary key" in p.out, "a clear error", p)
    p = read_table("chunks.nokey", rows=30, chunk_key="k")
    got = sorted(int(row[1][4:]) for row in p.tagged("row"))
    check(got == list(range(-1, 1001)), "every row once, NULL keys included", p)


@case
def empty_and_one_row_tables():
    DB.execute("USE chunks", "CREATE TABLE chunks.empty (id INT PRIMARY KEY)",
               "CREATE TABLE chunks.one (id INT PRIMARY KEY)", "INSERT INTO chunks.one VALUES (7)")
    p = read_table("chunks.empty", rows=10)
    check(p.field("done", "chunks") == "1" and p.field("done", "rows") == "0", "one empty chunk",
          p)
    p = read_table("chunks.one", rows=10)
    check(keys_of(p) == ["int:7"], "the one row", p)


@case
def a_large_select_streams():
    DB.execute("USE chunks", "CREATE TABLE chunks.large (id INT PRIMARY KEY, pad CHAR(200))",
               "INSERT INTO chunks.large SELECT seq, REPEAT('x', 200) FROM seq_1_to_400000")
    base = Probe("--stream", "SELECT 1")
    check(base.rc == 0, "a one-row stream", base)
    base_kb = int(base.field("streamed", "max_rss_kb"))
    p = Probe("--stream", "SELECT id, pad FROM chunks.large")
    check(p.rc == 0 and p.field("streamed", "rows") == "400000", "all rows streamed", p)
    size_kb = int(p.field("streamed", "bytes")) // 1024
    rss_kb = int(p.field("streamed", "max_rss_kb"))
    bounded = rss_kb - base_kb < 8_000 or harness.sanitized(PROBE)  # ASan keeps freed memory
    check(size_kb > 75_000 and bounded,
          f"{size_kb} KiB streamed in {rss_kb} KiB of memory ({base_kb} KiB for one row)", p)
    print(f"     {size_kb} KiB streamed, max RSS {rss_kb} KiB ({base_kb} KiB for one row)")


def main():
    global PROBE, DB
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    args = ap.parse_args()
    PROBE = args.probe
    failed = []
    DB = mariadb.MariaDB(name="snapshot-parts", server_id=1)
    try:
        DB.start()
        DB.create_user("cdc", "cdcpass")
        DB.execute("CREATE DATABASE chunks")
        for fn in RESULTS:
            try:
                fn()
                print(f"ok   {fn.__name__}")
            except Exception:  # noqa: BLE001 - report every case, fail at the end
                failed.append(fn.__name__)
                print(f"FAIL {fn.__name__}\n{traceback.format_exc()}")
    finally:
        DB.stop()
    if failed:
        print(f"{len(failed)} of {len(RESULTS)} cases failed: {', '.join(failed)}")
        sys.exit(1)
    print(f"all {len(RESULTS)} cases passed")


if __name__ == "__main__":
    main()
