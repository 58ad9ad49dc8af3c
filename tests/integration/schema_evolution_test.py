#!/usr/bin/python3
"""Random schema evolution, MariaDB → starcdc → StarRocks (the emulator), checked value by value
and column by column:

  1. evolve: a seeded random workload of DDL and DML on three tables (ADD COLUMN with and
     without DEFAULT, NOT NULL, FIRST/AFTER; DROP COLUMN; widening MODIFY COLUMN: INT → BIGINT,
     VARCHAR(n) → VARCHAR(m > n), DECIMAL(p, s) → DECIMAL(p' ≥ p, s' ≥ s); RENAME COLUMN; CHANGE
     COLUMN with the same or a wider type; two-clause ALTERs; names dropped earlier used again;
     rows written right before and right after each DDL, updates, deletes, key updates,
     multi-statement transactions) runs while the daemon streams. StarRocks ends equal to the
     source value by value, has the source's column names, and each column the type a table
     created afresh from the final shape gets (a second pipeline copies the source into another
     database to tell);
  2. evolve with kill -9 during schema changes, 10 times: the emulator's ALTER jobs are slow,
     a writer keeps doing DDL and DML, and the daemon is killed at a random instant of an ALTER
     job it submitted or right after a change was applied, then restarted. Each DDL waits until
     the daemon checkpointed past the one before (--strict-replay lifts that). StarRocks ends
     equal to the source, columns and types as in case 1;
  3. lenient: the same kind of workload (without names used again) ends with every source
     column's values in StarRocks, which may keep dropped columns and renamed columns' old
     names besides. As in Flink CDC, a rename adds the new name beside the old one: a row not
     written since keeps its value under the old name (and NULL under the new), a row written
     since has it under the new name.

--strict adds the harder workloads (see STRICT_DEFAULTS and STRICT_REPLAY); the ctest
registration passes it.

The workload's seed is printed; --seed replays it. On failure the work directory (logs, the
workload's statements) is kept and named.
"""

import argparse
import collections
import decimal
import json
import os
import random
import re
import shutil
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from emulator import Emulator  # noqa: E402
from mariadb import MariaDB  # noqa: E402
from mysql_to_starrocks_test import (canon, diff, pipeline_file, sink_rows,  # noqa: E402
                                     source_rows)

TABLES = {
    "t1": ["id INT NOT NULL PRIMARY KEY", "a INT", "b VARCHAR(10)", "c DECIMAL(8,2)"],
    "t2": ["id INT NOT NULL PRIMARY KEY", "name VARCHAR(16) NOT NULL DEFAULT ''",
           "qty INT NOT NULL DEFAULT 0", "price DECIMAL(10,3)"],
    "t3": ["id BIGINT NOT NULL PRIMARY KEY", "v VARCHAR(5)", "n INT", "big BIGINT"],
}
INITIAL_ROWS = 20
# What --strict adds (the ctest registration passes it).
STRICT_DEFAULTS = ("the workloads also ADD COLUMN ... NOT NULL without DEFAULT, whose implicit "
                   "default (0, '') the rows that exist take in MariaDB and must get in "
                   "StarRocks")
STRICT_REPLAY = ("the kill -9 case writes each DDL without waiting for the daemon to checkpoint "
                 "past the one before, so a restart replays DDL that more DDL followed, and the "
                 "schema history kept with the checkpoint must be the one as of its position")
# Text values: quotes, a backslash, multi-byte UTF-8 (2, 3 and 4 bytes) and spaces.
ALPHABET = "abcdefxyzABC0189 '\"\\_%,\u00e9\u00fc\u2713\u4e2d\U0001F600"


class Col:
    """A column as information_schema describes it."""

    def __init__(self, name, data_type, length, precision, scale, nullable, default, key):
        self.name = name
        self.data_type = data_type
        self.length = length
        self.precision = precision
        self.scale = scale
        self.nullable = nullable
        self.default = None if default in (None, "NULL") else default
        self.key = key

    def sql_type(self):
        if self.data_type == "varchar":
            return f"VARCHAR({self.length})"
        if self.data_type == "decimal":
            return f"DECIMAL({self.precision},{self.scale})"
        return self.data_type.upper()

    def attributes(self):
        """NOT NULL and DEFAULT as they are, to restate in MODIFY and CHANGE."""
        text = "" if self.nullable else " NOT NULL"
        return text + (f" DEFAULT {self.default}" if self.default is not None else "")


def q(name):
    return f"`{name}`"


# One clause of an ALTER TABLE: its SQL, its kind ("add (default)"), the column names it
# touches, the column to write right after it (or None) and, for a rename, (old, new).
Clause = collections.namedtuple("Clause", "sql kind touched write_after rename")


class Workload:
    """Random DDL and DML on the tables of one database, each statement chosen from the tables'
    shapes as information_schema shows them after the last DDL. One connection, one thread."""

    def __init__(self, db, database, seed, reuse_names=True, ddl_share=0.3,
                 implicit_defaults=False):
        self.database = database
        self.implicit_defaults = implicit_defaults
        self.ddl_share = ddl_share
        self.rng = random.Random(seed)
        self.reuse_names = reuse_names
        self.conn = db.admin()
        self.cols = {}
        self.ids = {}
        self.next_id = {}
        self.used_names = {}
        self.next_name = 0
        self.statements = 0
        self.ddl = 0
        self.kinds = {}
        self.log = []
        self.last_ddl_end = ("", 0)
        # Column → the names it had, newest first (renames; names are not used again where
        # this is read).
        self.lineage = {}
        for table in TABLES:
            self.refresh(table)
            self.used_names[table] = {c.name for c in self.cols[table]}
            self.lineage[table] = {c.name: [c.name] for c in self.cols[table]}
            with self.conn.cursor() as cur:
                cur.execute(f"SELECT id FROM {q(database)}.{q(table)}")
                self.ids[table] = sorted(r[0] for r in cur.fetchall())
            self.next_id[table] = max(self.ids[table], default=0) + 1

    def close(self):
        self.conn.close()

    # --- shapes and values -------------------------------------------------------------------

    def refresh(self, table):
        with self.conn.cursor() as cur:
            cur.execute("SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, "
                        "NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE, COLUMN_DEFAULT, "
                        "COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s "
                        "AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION", (self.database, table))
            self.cols[table] = [Col(n, t, ln, p, s, nl == "YES", d, k == "PRI")
                                for n, t, ln, p, s, nl, d, k in cur.fetchall()]

    def value(self, col):
        r = self.rng
        if col.nullable and r.random() < 0.15:
            return None
        if col.data_type in ("int", "bigint"):
            bits = 31 if col.data_type == "int" else 63
            return r.choice([r.randint(-1000, 1000), r.randint(-2**bits, 2**bits - 1)])
        if col.data_type == "varchar":
            return "".join(r.choice(ALPHABET) for _ in range(r.randint(0, col.length)))
        digits = 10 ** col.precision - 1
        return decimal.Decimal(r.choice([r.randint(-999, 999), r.randint(-digits, digits)])
                               ).scaleb(-col.scale)

    def literal(self, col):
        """A DEFAULT literal for `col`."""
        v = None
        while v is None:
            v = self.value(col)
        if isinstance(v, str):
            return "'" + "".join(ch for ch in v if ch.isalnum())[:col.length] + "'"
        return format(v, "f") if isinstance(v, decimal.Decimal) else str(v)

    def new_type(self):
        r = self.rng
        kind = r.choice(["int", "bigint", "varchar", "decimal"])
        p = r.randint(4, 14)
        return Col("", kind, r.choice([1, 4, 8, 16, 32]), p, r.randint(0, min(4, p - 1)), True,
                   None, False)

    def widened(self, col):
        """A wider type for `col`, or None (BIGINT stays)."""
        r = self.rng
        w = Col(col.name, col.data_type, col.length, col.precision, col.scale, col.nullable,
                col.default, False)
        if col.data_type == "int":
            w.data_type = "bigint"
        elif col.data_type == "varchar":
            w.length = col.length + r.randint(1, 40)
        elif col.data_type == "decimal":
            ds = r.randint(0, 2)
            w.scale = col.scale + ds
            w.precision = min(30, col.precision + ds + r.randint(0 if ds else 1, 4))
            if w.precision - w.scale < col.precision - col.scale:
                return None
        else:
            return None
        return w

    def fresh_name(self, table, taken):
        present = {c.name for c in self.cols[table]} | taken
        old = sorted(self.used_names[table] - present)
        if self.reuse_names and old and self.rng.random() < 0.35:
            return self.rng.choice(old)
        self.next_name += 1
        return f"c{self.next_name}"

    # --- statements --------------------------------------------------------------------------

    def run(self, cur, sql, params=None):
        text = cur.mogrify(sql, params) if params else sql
        self.log.append(text)
        cur.execute(sql, params)
        self.statements += 1

    def insert(self, cur, table):
        cols = [c for c in self.cols[table] if not c.key]
        chosen = [c for c in cols if self.rng.random() < 0.8 or
                  (not c.nullable and c.default is None)]
        i = self.next_id[table]
        self.next_id[table] += 1
        names = ["id"] + [c.name for c in chosen]
        self.run(cur, f"INSERT INTO {q(self.database)}.{q(table)} "
                 f"({', '.join(q(n) for n in names)}) VALUES "
                 f"({', '.join(['%s'] * len(names))})", [i] + [self.value(c) for c in chosen])
        self.ids[table].append(i)

    def update(self, cur, table, column=None):
        if not self.ids[table]:
            return self.insert(cur, table)
        cols = [c for c in self.cols[table] if not c.key]
        chosen = [c for c in cols if c.name == column] or self.rng.sample(
            cols, self.rng.randint(1, min(2, len(cols))))
        i = self.rng.choice(self.ids[table])
        sets = ", ".join(f"{q(c.name)} = %s" for c in chosen)
        self.run(cur, f"UPDATE {q(self.database)}.{q(table)} SET {sets} WHERE id = %s",
                 [self.value(c) for c in chosen] + [i])

    def delete(self, cur, table):
        if len(self.ids[table]) < 5:
            return self.insert(cur, table)
        i = self.rng.choice(self.ids[table])
        self.ids[table].remove(i)
        self.run(cur, f"DELETE FROM {q(self.database)}.{q(table)} WHERE id = %s", [i])

    def move_key(self, cur, table):
        if not self.ids[table]:
            return self.insert(cur, table)
        i = self.rng.choice(self.ids[table])
        j = self.next_id[table]
        self.next_id[table] += 1
        self.ids[table].remove(i)
        self.ids[table].append(j)
        self.run(cur, f"UPDATE {q(self.database)}.{q(table)} SET id = %s WHERE id = %s", [j, i])

    def dml(self, cur, table):
        op = self.rng.random()
        if op < 0.45:
            self.insert(cur, table)
        elif op < 0.8:
            self.update(cur, table)
        elif op < 0.97:
            self.delete(cur, table)
        else:
            self.move_key(cur, table)

    # --- DDL clauses (None when the table has no column for one) -----------------------------

    def add_clause(self, table, taken):
        r = self.rng
        col = self.new_type()
        col.name = self.fresh_name(table, taken)
        forms = ["null", "default", "not null default"]
        if self.implicit_defaults:
            forms.append("not null")  # see STRICT_DEFAULTS
        form = r.choice(forms)
        text = f"ADD COLUMN {q(col.name)} {col.sql_type()}"
        if form == "default":
            text += f" DEFAULT {self.literal(col)}"
        elif form == "not null default":
            text += f" NOT NULL DEFAULT {self.literal(col)}"
        elif form == "not null":
            text += " NOT NULL"  # rows that exist take the type's implicit default (0, '')
        where = r.random()
        others = [c.name for c in self.cols[table] if c.name not in taken]
        if where < 0.2:
            text += " FIRST"
        elif where < 0.6 and others:
            text += f" AFTER {q(r.choice(others))}"
        return Clause(text, f"add ({form})", {col.name}, col.name, None)

    def drop_clause(self, table, taken):
        cols = [c.name for c in self.cols[table] if not c.key and c.name not in taken]
        if len(cols) < 2:
            return None
        name = self.rng.choice(cols)
        return Clause(f"DROP COLUMN {q(name)}", "drop", {name}, None, None)

    def modify_clause(self, table, taken):
        cols = [c for c in self.cols[table] if not c.key and c.name not in taken]
        self.rng.shuffle(cols)
        for c in cols:
            w = self.widened(c)
            if w:
                where = " FIRST" if self.rng.random() < 0.1 else ""
                return Clause(f"MODIFY COLUMN {q(c.name)} {w.sql_type()}{c.attributes()}{where}",
                              f"modify ({c.data_type})", {c.name}, c.name, None)
        return None

    def rename_clause(self, table, taken):
        cols = [c for c in self.cols[table] if not c.key and c.name not in taken]
        if not cols:
            return None
        c = self.rng.choice(cols)
        new = self.fresh_name(table, taken)
        return Clause(f"RENAME COLUMN {q(c.name)} TO {q(new)}", "rename", {c.name, new}, new,
                      (c.name, new))

    def change_clause(self, table, taken):
        cols = [c for c in self.cols[table] if not c.key and c.name not in taken]
        if not cols:
            return None
        c = self.rng.choice(cols)
        new = self.fresh_name(table, taken)
        w = self.widened(c) if self.rng.random() < 0.5 else None
        kind = "change (widened)" if w else "change (same type)"
        return Clause(f"CHANGE COLUMN {q(c.name)} {q(new)} {(w or c).sql_type()}{c.attributes()}",
                      kind, {c.name, new}, new, (c.name, new))

    def ddl_step(self, cur, table):
        r = self.rng
        makers = [(self.add_clause, 3), (self.drop_clause, 2), (self.modify_clause, 2),
                  (self.rename_clause, 1.5), (self.change_clause, 1.5)]
        clauses = []
        taken = set()
        for _ in range(2 if r.random() < 0.12 else 1):
            for _ in range(10):
                make = r.choices([m for m, _ in makers], [w for _, w in makers])[0]
                if clauses and make in (self.rename_clause, self.change_clause):
                    continue  # a second clause is never a rename
                got = make(table, taken)
                if got:
                    clauses.append(got)
                    taken |= got.touched
                    break
        if not clauses:
            return
        # A row right before the change, and rows right after it that use the changed column.
        self.dml(cur, table)
        self.run(cur, f"ALTER TABLE {q(self.database)}.{q(table)} " +
                 ", ".join(c.sql for c in clauses))
        self.ddl += 1
        cur.execute("SHOW MASTER STATUS")  # where the statement ends
        file, end = cur.fetchone()[:2]
        self.last_ddl_end = (file, int(end))
        self.log.append(f"-- ends at {file}:{end}")
        kind = " + ".join(c.kind for c in clauses)
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.used_names[table] |= set().union(*(c.touched for c in clauses))
        names = self.lineage[table]
        for c in clauses:
            if c.rename:
                names[c.rename[1]] = [c.rename[1]] + names.pop(c.rename[0])
            elif c.kind.startswith("add"):
                names[c.write_after] = [c.write_after]
            elif c.kind == "drop":
                names.pop(next(iter(c.touched)))
        self.refresh(table)
        present = {c.name for c in self.cols[table]}
        for c in clauses:
            if c.write_after in present:
                self.update(cur, table, c.write_after)
        self.insert(cur, table)

    def step(self, ddl_allowed=True):
        """One DDL with rows around it, a transaction, or one row statement."""
        r = self.rng
        table = r.choice(sorted(TABLES))
        with self.conn.cursor() as cur:
            op = r.random()
            if op < self.ddl_share:
                if ddl_allowed:
                    self.ddl_step(cur, table)
                else:
                    self.dml(cur, table)
            elif op < self.ddl_share + 0.1:
                cur.execute("BEGIN")
                for _ in range(r.randint(2, 5)):
                    self.dml(cur, r.choice(sorted(TABLES)))
                cur.execute("COMMIT")
            else:
                self.dml(cur, table)

    def summary(self):
        """DDL clauses by kind, e.g. "add 12, drop 7, ..., 4 with two clauses"."""
        clauses = {}
        for kind, n in self.kinds.items():
            for clause in kind.split(" + "):
                word = clause.split(" (")[0]
                clauses[word] = clauses.get(word, 0) + n
        two = sum(n for kind, n in self.kinds.items() if " + " in kind)
        return ", ".join(f"{k} {n}" for k, n in sorted(clauses.items())) + \
            f"; {two} with two clauses"

    def save(self, path):
        with open(path, "w") as f:
            f.write("".join(line + ("\n" if line.startswith("--") else ";\n")
                            for line in self.log))


class Writer(threading.Thread):
    """Runs a Workload step after step until stopped, `pause` seconds apart; a DDL only when
    `ddl_allowed()` says so (row statements in its place otherwise)."""

    def __init__(self, workload, pause, ddl_allowed=lambda: True):
        super().__init__(daemon=True)
        self.workload = workload
        self.pause = pause
        self.ddl_allowed = ddl_allowed
        self.stop_flag = threading.Event()
        self.error = None

    def run(self):
        try:
            while not self.stop_flag.is_set():
                self.workload.step(self.ddl_allowed())
                time.sleep(self.pause)
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e


def create_tables(db, database):
    stmts = [f"CREATE DATABASE {database}"]
    rng = random.Random(database)
    for table, cols in TABLES.items():
        stmts.append(f"CREATE TABLE {database}.{table} ({', '.join(cols)})")
        rows = []
        for i in range(1, INITIAL_ROWS + 1):
            rows.append(f"({i}, " + ", ".join(_initial_value(c, i, rng) for c in cols[1:]) + ")")
        stmts.append(f"INSERT INTO {database}.{table} VALUES {', '.join(rows)}")
    db.execute(*stmts)


def _initial_value(col, i, rng):
    if "VARCHAR" in col:
        return f"'r{i}'"
    if "DECIMAL" in col:
        return f"{rng.randint(0, 99999) / 100}"
    return str(rng.randint(-1000, 1000))


def evolve_config(db, emu, work, name, database, behavior):
    cfg = os.path.join(work, name + ".yaml")
    pipeline_file(cfg, db, emu, name, work, "", tables=f"{database}.\\.*")
    # Text values hold 4-byte UTF-8 characters (utf8mb4): StarRocks sizes VARCHAR in bytes.
    text = open(cfg).read().replace("pipeline:\n",
                                    f"pipeline:\n  schema.change.behavior: {behavior}\n")
    harness.write_pipeline(cfg, text.replace("sink:\n", "sink:\n  unicode-char.max-bytes: 4\n", 1))
    return cfg


def log_tail(d, n=12):
    """The daemon's last warnings and errors, with the rows StarRocks rejected when it says."""
    notable = [line for line in d.lines() if '"level":"error"' in line or
               '"level":"warn"' in line]
    text = "\n".join(notable[-n:])
    found = re.search(r"rejected rows: (http://[^ )\"]+)", text)
    if found:
        try:
            with urllib.request.urlopen(found.group(1), timeout=5) as r:
                text += "\nrejected rows:\n" + r.read().decode(errors="replace")[:2000]
        except OSError as e:
            text += f"\n(rejected rows not readable: {e})"
    return text


def sink_rows_lenient(emu, database, table, types, lineage):
    """StarRocks' rows as lenient keeps them: a renamed column's value is under its new name,
    or under an older one for a row not written since the rename (rows written later carry
    NULL under the old names)."""
    out = {}
    for row in emu.dump(database, table):
        r = {}
        for c in types:
            names = lineage.get(c, [c])
            r[c] = canon(next((row[n] for n in names if row.get(n) is not None), None), types[c])
        out[r["id"]] = r
    return out


def wait_tables_equal(db, emu, database, d, timeout, sink_db=None, lineage=None):
    """Every table of TABLES equal in the source and StarRocks (the source's columns); fails at
    once when the daemon exits. With `lineage` (lenient), renamed columns as
    sink_rows_lenient() reads them."""
    deadline = time.monotonic() + timeout
    while True:
        differ = []
        total = 0
        for table in TABLES:
            want, types = source_rows(db, database, table)
            try:
                got = (sink_rows_lenient(emu, database, table, types, lineage[table]) if lineage
                       else sink_rows(emu, sink_db or database, table, types))
            except Exception:  # noqa: BLE001 - not created yet
                got = {}
            total += len(want)
            if want != got:
                differ.append(f"{database}.{table}:\n" + diff(want, got))
        if not differ:
            return total
        if d.proc.poll() is not None:
            raise AssertionError(f"the daemon exited ({d.proc.returncode}) with "
                                 + "\n".join(differ) + "\n" + log_tail(d))
        if time.monotonic() > deadline:
            raise AssertionError(f"differs after {timeout} s:\n" + "\n".join(differ) + "\n" +
                                 log_tail(d))
        time.sleep(0.3)


def sink_types(emu, database, table):
    """{column: COLUMN_TYPE} of a StarRocks table, in table order."""
    out = json.loads(emu.sql("SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS "
                             f"WHERE TABLE_SCHEMA = '{database}' AND TABLE_NAME = '{table}' "
                             "ORDER BY ORDINAL_POSITION"))
    return {name: ctype for name, ctype in out["rows"]}


def source_names(db, database, table):
    return [r[0] for r in db.execute(
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
        f"'{database}' AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION")]


def fresh_copy(args, db, emu, work, database):
    """A second pipeline copies the source's final tables into `<database>_fresh` (tables created
    from the final shape); returns {table: {column: type}} there."""
    name = database + "_fresh"
    cfg = os.path.join(work, name + ".yaml")
    pipeline_file(cfg, db, emu, name, work, "", tables=f"{database}.\\.*")
    routes = "".join(f"  - source-table: {database}.{t}\n    sink-table: {name}.{t}\n"
                     for t in TABLES)
    text = open(cfg).read().replace("sink:\n", "sink:\n  unicode-char.max-bytes: 4\n", 1)
    harness.write_pipeline(cfg, text + "route:\n" + routes)
    d = harness.Daemon(args.binary, cfg, os.path.join(work, name + ".log"))
    try:
        wait_tables_equal(db, emu, database, d, 60, sink_db=name)
    finally:
        d.kill(15)
        d.wait(30)
    return {t: sink_types(emu, name, t) for t in TABLES}


def columns_like_fresh(args, db, emu, work, database):
    """Asserts that each StarRocks table has the source's column names, each with the type a
    table created from the final shape has; returns a note on column order (ADD COLUMN ...
    FIRST/AFTER and MODIFY ... FIRST place columns StarRocks appends or keeps in place)."""
    fresh = fresh_copy(args, db, emu, work, database)
    order = []
    for t in TABLES:
        evolved = sink_types(emu, database, t)
        names = source_names(db, database, t)
        assert sorted(evolved) == sorted(names), (t, "StarRocks", list(evolved), "source", names)
        assert evolved == fresh[t], (t, "evolved", evolved, "created afresh", fresh[t])
        if list(evolved) != list(fresh[t]):
            order.append(t)
    return f" (column order differs in {', '.join(order)})" if order else ""


def random_evolve(args, db, emu, work):
    database = "evo"
    create_tables(db, database)
    cfg = evolve_config(db, emu, work, database, database, "evolve")
    d = harness.Daemon(args.binary, cfg, os.path.join(work, database + ".log"))
    w = Workload(db, database, args.seed, implicit_defaults=args.strict_defaults)
    try:
        wait_tables_equal(db, emu, database, d, 60)
        # Mostly as fast as the server takes it (the daemon reads DDL long after it ran), with
        # a few pauses in which it catches up (and reads the next DDL as it happens).
        pauses = random.Random(args.seed)
        t0 = time.monotonic()
        while w.statements < args.statements:
            ddl = w.ddl
            w.step()
            if w.ddl > ddl and pauses.random() < 0.15:
                time.sleep(pauses.uniform(0.3, 1.0))
        wrote = time.monotonic() - t0
        n = wait_tables_equal(db, emu, database, d, 120)
        caught_up = time.monotonic() - t0
        order = columns_like_fresh(args, db, emu, work, database)
        print(f"evolve: {w.statements} statements ({w.ddl} DDL: {w.summary()}) written in "
              f"{wrote:.1f} s, StarRocks equal after {caught_up:.1f} s: {n} rows; columns and "
              "types equal to tables created from the final shape" + order)
        d.kill(15)
        assert d.wait(30) == 0, log_tail(d)
    finally:
        w.save(os.path.join(work, database + "-workload.sql"))
        w.close()
        d.kill(9)


def random_lenient(args, db, emu, work):
    database = "len"
    create_tables(db, database)
    cfg = evolve_config(db, emu, work, database, database, "lenient")
    d = harness.Daemon(args.binary, cfg, os.path.join(work, database + ".log"))
    w = Workload(db, database, args.seed + 1, reuse_names=False,
                 implicit_defaults=args.strict_defaults)
    try:
        wait_tables_equal(db, emu, database, d, 60)
        while w.statements < args.statements:
            w.step()
        n = wait_tables_equal(db, emu, database, d, 120, lineage=w.lineage)
        extra = 0
        for t in TABLES:
            sink = set(sink_types(emu, database, t))
            names = set(source_names(db, database, t))
            assert names <= sink, (t, "missing in StarRocks", names - sink)
            extra += len(sink - names)
        print(f"lenient: {w.statements} statements ({w.ddl} DDL), every source column's "
              f"values in StarRocks ({n} rows; {extra} columns kept beside them)")
        d.kill(15)
        assert d.wait(30) == 0, log_tail(d)
    finally:
        w.save(os.path.join(work, database + "-workload.sql"))
        w.close()
        d.kill(9)


def running_alters(emu, database):
    """Ids of the ALTER jobs StarRocks runs on the database's tables."""
    try:
        out = json.loads(emu.sql(f"SHOW ALTER TABLE COLUMN FROM {database}"))
    except Exception:  # noqa: BLE001 - the database may not exist yet
        return set()
    return {row[0] for row in out.get("rows", []) if row[9] == "RUNNING"}


def kills_during_changes(args, db, slow_emu, work):
    database = "evk"
    create_tables(db, database)
    cfg = evolve_config(db, slow_emu, work, database, database, "evolve")
    log = os.path.join(work, database + ".log")
    rng = random.Random(args.seed + 2)
    w = Workload(db, database, args.seed + 2, ddl_share=0.2,
                 implicit_defaults=args.strict_defaults)
    state_dir = os.path.join(work, database + "-state")

    def checkpoint_past_last_ddl():
        """The daemon checkpointed past the last DDL: a restart reads no DDL but the next."""
        try:
            position = harness.read_state(state_dir)["position"]
        except (TypeError, KeyError, ValueError, OSError):
            return False
        return (position["file"], position["pos"]) >= w.last_ddl_end

    # Without --strict-replay a DDL waits until the daemon checkpointed past the one before.
    writer = Writer(w, 0.05, (lambda: True) if args.strict_replay else checkpoint_past_last_ddl)
    hits = {"alter job running": 0, "right after a change was applied": 0, "no window": 0}
    d = harness.Daemon(args.binary, cfg, log)
    try:
        wait_tables_equal(db, slow_emu, database, d, 60)
        writer.start()
        old_jobs = set()
        ddl_at_kill = 0
        for k in range(args.kills):
            if k > 0:
                d = harness.Daemon(args.binary, cfg, log)
            seen = len(d.lines())
            deadline = time.monotonic() + 30
            hit = "no window"
            # Even kills: at a random instant of an ALTER job this run submitted (a job left
            # running by the run before is waited for first); odd kills: right after a change
            # was applied, before the checkpoint after it.
            while time.monotonic() < deadline and d.proc.poll() is None:
                if w.ddl == ddl_at_kill:
                    seen = len(d.lines())  # a DDL written after the last kill comes first
                elif k % 2 == 0:
                    jobs = running_alters(slow_emu, database)
                    if jobs - old_jobs:
                        old_jobs |= jobs
                        time.sleep(rng.uniform(0, args.alter_delay_ms / 1000 * 0.8))
                        hit = "alter job running"
                        break
                elif any("Schema change applied." in line and "create.table" not in line
                         for line in d.lines()[seen:]):
                    time.sleep(rng.uniform(0, 0.05))
                    hit = "right after a change was applied"
                    break
                time.sleep(0.01)
            assert d.proc.poll() is None, (f"the daemon exited ({d.proc.returncode}) before "
                                           f"kill {k + 1}:\n" + log_tail(d))
            d.kill(9)
            d.wait(30)
            ddl_at_kill = w.ddl
            hits[hit] += 1
        writer.stop_flag.set()
        writer.join(30)
        assert writer.error is None, writer.error
        d = harness.Daemon(args.binary, cfg, log)
        n = wait_tables_equal(db, slow_emu, database, d, 120)
        assert hits["no window"] == 0, hits
        order = columns_like_fresh(args, db, slow_emu, work, database)
        print(f"{args.kills} kill -9 during schema changes ("
              + ", ".join(f"{count} {what}" for what, count in hits.items() if count)
              + f"; ALTER jobs {args.alter_delay_ms} ms) under {w.statements} statements "
              f"({w.ddl} DDL): {n} rows equal; columns and types equal to tables created from "
              "the final shape" + order)
        d.kill(15)
        assert d.wait(30) == 0, log_tail(d)
    finally:
        writer.stop_flag.set()
        writer.join(30)
        w.save(os.path.join(work, database + "-workload.sql"))
        w.close()
        d.kill(9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("STARCDC_TEST_SEED", "23")))
    ap.add_argument("--statements", type=int, default=240,
                    help="statements of each random workload (at least 200 for the issue)")
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--alter-delay-ms", type=int, default=800,
                    help="how long the emulator's ALTER jobs run in the kill -9 case")
    ap.add_argument("--strict-defaults", action="store_true", help=STRICT_DEFAULTS)
    ap.add_argument("--strict-replay", action="store_true", help=STRICT_REPLAY)
    ap.add_argument("--strict", action="store_true", help="both of the above")
    ap.add_argument("--only", choices=["evolve", "kills", "lenient"], default=None)
    args = ap.parse_args()
    args.strict_defaults |= args.strict
    args.strict_replay |= args.strict
    print(f"seed {args.seed}")
    random.seed(args.seed)
    work = harness.tempdir("starcdc-evolution-")
    db = MariaDB(server_id=1)
    db.start()
    emu = Emulator(args.emulator, "--alter-delay-ms", "50")
    slow = Emulator(args.emulator, "--alter-delay-ms", str(args.alter_delay_ms))
    ok = False
    try:
        db.create_user("cdc", "cdcpass")
        if args.only in (None, "evolve"):
            random_evolve(args, db, emu, work)
        if args.only in (None, "kills"):
            kills_during_changes(args, db, slow, work)
        if args.only in (None, "lenient"):
            random_lenient(args, db, emu, work)
        ok = True
        print("ok")
    finally:
        emu.stop()
        slow.stop()
        db.stop()
        shutil.rmtree(emu.dir, ignore_errors=True)
        shutil.rmtree(slow.dir, ignore_errors=True)
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"seed {args.seed}; logs and workloads kept in {work}")


if __name__ == "__main__":
    main()
