#!/usr/bin/python3
"""The kafka source end to end: librdkafka's mock cluster (tests/tools/kmock) fed by kcat →
starcdc → StarRocks (the emulator), checked value by value against the state the messages
describe:

  - startup modes: specific-offsets and latest-offset start where they say;
  - retention: an offset to resume from that Kafka deleted stops the daemon (exit 3);
  - formats: debezium-json (with and without the schema wrapper), canal-json, maxwell-json and
    json, each with inserts, updates, deletes and a new column (the table is created from the
    messages and evolved);
  - kills: kill -9 of the daemon 20 times while messages keep arriving; StarRocks ends equal;
  - faults: a broker down for a while and request errors injected, under load;
  - rebalance: a second daemon joins the group and the first leaves, under load; partitions
    move only after their epoch is committed, and StarRocks ends equal;
  - bad messages: 50 malformed messages of different kinds between good ones under each
    scan.parse-errors policy: fail stops (exit 1) naming topic/partition/offset with nothing
    after the first bad message written; skip counts them; dead-letter writes them with the
    error to the dead-letter topic; every good message lands.
"""

import argparse
import base64
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
from kafka import KafkaMock  # noqa: E402

GROUP_PROPS = ("  properties.session.timeout.ms: 6000\n"
               "  properties.heartbeat.interval.ms: 500\n")


def pipeline(path, kafka, emu, work, name, topic, fmt, extra="", group=True):
    harness.write_pipeline(
        path,
        "source:\n  type: kafka\n"
        f"  properties.bootstrap.servers: {kafka.bootstrap}\n" +
        (f"  properties.group.id: {name}\n" + GROUP_PROPS if group else "") +
        f"  topic: {topic}\n  value.format: {fmt}\n"
        "  scan.startup.mode: earliest-offset\n" + extra +
        "sink:\n" + emu.sink_block(f"  sink.label-prefix: {name}\n") +
        f"pipeline:\n  name: {name}\n  state.dir: {os.path.join(work, name + '-state')}\n"
        "  checkpoint.interval: 300ms\n  schema.change.behavior: evolve\n")


def sink_state(emu, db, table):
    try:
        rows = emu.dump(db, table)
    except Exception:  # noqa: BLE001 - not created yet
        return None
    return {str(r["id"]): {k: None if v is None else str(v) for k, v in r.items() if k != "id"}
            for r in rows}


def wait_state(emu, db, table, want, timeout=90, daemon=None):
    deadline = time.monotonic() + timeout
    while True:
        got = sink_state(emu, db, table)
        if got == want:
            return
        if time.monotonic() > deadline or (daemon is not None and daemon.proc.poll() is not None):
            missing = {k: v for k, v in want.items() if (got or {}).get(k) != v}
            extra = {k: v for k, v in (got or {}).items() if k not in want}
            tail = "\n".join(daemon.lines()[-6:]) if daemon is not None else ""
            raise AssertionError(f"{db}.{table}: {len(missing)} rows differ, e.g. "
                                 f"{list(missing.items())[:3]}; extra {list(extra.items())[:3]}"
                                 f"\n{tail}")
        time.sleep(0.3)


# --- message writers, one per format: (op, row, before) → (key, value) ----------------------

def debezium(db, with_schema):
    def schema_of(row):
        fields = [{"field": "id", "type": "int64", "optional": False},
                  {"field": "name", "type": "string", "optional": True},
                  {"field": "qty", "type": "int32", "optional": True},
                  {"field": "price", "type": "bytes", "optional": True,
                   "name": "org.apache.kafka.connect.data.Decimal", "version": 1,
                   "parameters": {"scale": "2", "connect.decimal.precision": "10"}}]
        if "note" in row:
            fields.append({"field": "note", "type": "string", "optional": True})
        return fields

    def enc(row):
        if row is None:
            return None
        out = dict(row)
        if with_schema and out.get("price") is not None:
            cents = round(float(out["price"]) * 100)
            out["price"] = base64.b64encode(cents.to_bytes((cents.bit_length() + 8) // 8,
                                                           "big", signed=True)).decode()
        return out

    def write(op, row, before):
        payload = {"before": enc(before), "after": enc(row) if op != "d" else None,
                   "source": {"db": db, "table": "items", "ts_ms": 1700000000000},
                   "op": op, "ts_ms": 1700000000001}
        key = {"id": (row or before)["id"]}
        if with_schema:
            shape = row if op != "d" else before
            env = {"type": "struct", "optional": True, "fields": schema_of(shape)}
            payload = {"schema": {"type": "struct", "fields": [
                dict(env, field="before"), dict(env, field="after"),
                {"field": "source", "type": "struct", "fields": [
                    {"field": "db", "type": "string"}, {"field": "table", "type": "string"},
                    {"field": "ts_ms", "type": "int64"}]},
                {"field": "op", "type": "string"}, {"field": "ts_ms", "type": "int64"}]},
                "payload": payload}
            key = {"schema": {"type": "struct", "fields": [
                {"field": "id", "type": "int64", "optional": False}]}, "payload": key}
        return json.dumps(key), json.dumps(payload)
    return write


def canal(db):
    def text(row):
        return {k: None if v is None else str(v) for k, v in row.items()}

    def write(op, row, before):
        shape = row if op != "d" else before
        types = {"id": "bigint", "name": "varchar(20)", "qty": "int", "price": "decimal(10,2)"}
        if "note" in shape:
            types["note"] = "varchar(30)"
        msg = {"data": [text(shape)], "database": db, "table": "items", "es": 1700000000000,
               "ts": 1700000000001, "isDdl": False, "mysqlType": types, "pkNames": ["id"],
               "type": {"c": "INSERT", "u": "UPDATE", "d": "DELETE"}[op], "old": None, "id": 1}
        if op == "u":
            msg["old"] = [{k: None if v is None else str(v) for k, v in before.items()
                           if row.get(k) != v}]
        return str(shape["id"]), json.dumps(msg)
    return write


def maxwell(db):
    def write(op, row, before):
        shape = row if op != "d" else before
        msg = {"database": db, "table": "items",
               "type": {"c": "insert", "u": "update", "d": "delete"}[op], "ts": 1700000000,
               "xid": 7, "commit": True, "data": shape, "primary_key_columns": ["id"]}
        if op == "u":
            msg["old"] = {k: v for k, v in before.items() if row.get(k) != v}
        return json.dumps({"database": db, "table": "items", "pk.id": shape["id"]}), \
            json.dumps(msg)
    return write


def plain_json(db):
    def write(op, row, before):
        shape = dict(row if op != "d" else before)
        shape["__op"] = op
        return str(shape["id"]), json.dumps(shape)
    return write


class Model:
    """The rows the messages describe, and the messages that describe them."""

    def __init__(self, write):
        self.write = write
        self.rows = {}

    def insert(self, row):
        self.rows[row["id"]] = dict(row)
        return self.write("c", row, None)

    def update(self, id_, **changes):
        before = dict(self.rows[id_])
        self.rows[id_].update(changes)
        return self.write("u", dict(self.rows[id_]), before)

    def delete(self, id_):
        before = self.rows.pop(id_)
        return self.write("d", None, before)

    def expected(self, columns):
        return {str(i): {c: None if r.get(c) is None else str(r[c]) for c in columns}
                for i, r in self.rows.items()}


def format_cases(args, kafka, emu, work):
    cases = [("debezium-json", "dbz", lambda db: debezium(db, False), ""),
             ("debezium-json", "dbzs", lambda db: debezium(db, True),
              "  debezium-json.schema-include: true\n"),
             ("canal-json", "canal", canal, ""), ("maxwell-json", "maxwell", maxwell, ""),
             ("json", "plain", plain_json, "  json.primary-key: [id]\n  json.database: plain\n"
                                          "  json.table-field: tbl\n")]
    for fmt, db, writer, extra in cases:
        topic = f"t_{db}"
        kafka.create_topic(topic, 2)
        m = Model(writer(db))
        if db == "plain":  # the table comes from a field of each message
            base = m.write
            m.write = lambda op, row, before: (lambda kv: (kv[0], json.dumps(
                dict(json.loads(kv[1]), tbl="items"))))(base(op, row, before))
        msgs = [m.insert({"id": i, "name": f"n{i}", "qty": i, "price": f"{i}.25"})
                for i in range(1, 21)]
        msgs += [m.update(i, qty=i + 100) for i in range(1, 6)]
        msgs += [m.delete(i) for i in range(6, 9)]
        kafka.produce(topic, msgs)
        cfg = os.path.join(work, db + ".yaml")
        pipeline(cfg, kafka, emu, work, db, topic, fmt, extra)
        d = harness.Daemon(args.binary, cfg, os.path.join(work, db + ".log"))
        try:
            wait_state(emu, db, "items", m.expected(["name", "qty", "price"]), daemon=d)
            # A new column: the table grows.
            more = [m.insert({"id": i, "name": f"n{i}", "qty": i, "price": "1.50",
                              "note": f"x{i}"}) for i in range(21, 26)]
            for r in m.rows.values():
                r.setdefault("note", None)
            more.append(m.update(1, note="hello"))
            kafka.produce(topic, more)
            wait_state(emu, db, "items", m.expected(["name", "qty", "price", "note"]),
                       daemon=d)
            print(f"{fmt}{' (schema wrapper)' if db == 'dbzs' else ''}: {len(m.rows)} rows "
                  "equal after inserts, updates, deletes and a new column")
            d.kill(15)
            assert d.wait(30) == 0, "\n".join(d.lines()[-5:])
        finally:
            d.kill(9)


def load(kafka, topic, model, n, start, stop_event=None, rate_batch=200):
    """Upserts and deletes of 300 keys, `n` messages from sequence number `start`."""
    sent = 0
    while sent < n and not (stop_event and stop_event.is_set()):
        batch = []
        for seq in range(start + sent, start + sent + min(rate_batch, n - sent)):
            id_ = seq % 300
            if id_ in model.rows and seq % 11 == 0:
                batch.append(model.delete(id_))
            elif id_ in model.rows:
                batch.append(model.update(id_, qty=seq))
            else:
                batch.append(model.insert({"id": id_, "name": f"n{id_}", "qty": seq,
                                           "price": "2.00"}))
        kafka.produce(topic, batch)
        sent += len(batch)
        time.sleep(0.02)
    return sent


def kills(args, kafka, emu, work):
    topic = "t_kills"
    kafka.create_topic(topic, 3)
    m = Model(debezium("kills", False))
    cfg = os.path.join(work, "kills.yaml")
    # Without a group: a restart reads at once instead of waiting for the group to time the
    # killed member out (the rebalance case below kills nothing but moves partitions).
    pipeline(cfg, kafka, emu, work, "kills", topic, "debezium-json", group=False)
    log = os.path.join(work, "kills.log")
    seq = 0
    rng = random.Random(7)
    assigned = 0
    for i in range(20):
        d = harness.Daemon(args.binary, cfg, log)
        # Killed while it reads: after the group gave it the partitions.
        assigned += 1
        assert harness.wait_until(
            lambda: sum("Partitions assigned" in x for x in d.lines()) >= assigned, 60, 0.05), \
            "\n".join(d.lines()[-5:])
        stop = threading.Event()
        done = []
        t = threading.Thread(target=lambda: done.append(load(kafka, topic, m, 1500, seq, stop)))
        t.start()
        time.sleep(rng.uniform(0.3, 1.5))
        d.kill(9)
        d.wait(10)
        stop.set()
        t.join()
        seq += done[0]
    d = harness.Daemon(args.binary, cfg, os.path.join(work, "kills-final.log"))
    try:
        assert harness.wait_until(lambda: any("Partitions assigned" in x for x in d.lines()),
                                  60, 0.05)
        wait_state(emu, "kills", "items", m.expected(["name", "qty", "price"]), daemon=d)
        print(f"kills: 20 kill -9 under load ({seq} messages), StarRocks equals "
              f"{len(m.rows)} rows")
        d.kill(15)
        rc = d.wait(30)
        assert rc == 0, (rc, "\n".join(d.lines()[-5:]))
    finally:
        d.kill(9)


def faults(args, kafka, emu, work):
    topic = "t_faults"
    kafka.create_topic(topic, 3)
    m = Model(debezium("faults", False))
    cfg = os.path.join(work, "faults.yaml")
    pipeline(cfg, kafka, emu, work, "faults", topic, "debezium-json")
    d = harness.Daemon(args.binary, cfg, os.path.join(work, "faults.log"))
    try:
        seq = load(kafka, topic, m, 2000, 0)
        wait_state(emu, "faults", "items", m.expected(["name", "qty", "price"]), daemon=d)
        kafka.inject_errors("Fetch", ["NOT_LEADER_FOR_PARTITION", "_TRANSPORT",
                                      "REQUEST_TIMED_OUT"], count=12)
        kafka.inject_errors("OffsetCommit", ["COORDINATOR_NOT_AVAILABLE"], count=4)
        seq += load(kafka, topic, m, 2000, seq)
        leader = 1
        kafka.broker_down(leader)
        time.sleep(3)
        kafka.broker_up(leader)
        seq += load(kafka, topic, m, 2000, seq)
        wait_state(emu, "faults", "items", m.expected(["name", "qty", "price"]), daemon=d)
        print(f"faults: request errors and a broker down for 3 s under load; {seq} messages, "
              f"{len(m.rows)} rows equal")
        d.kill(15)
        assert d.wait(30) == 0
    finally:
        d.kill(9)


def rebalance(args, kafka, emu, work):
    topic = "t_group"
    kafka.create_topic(topic, 4)
    m = Model(debezium("grp", False))
    cfg = os.path.join(work, "grp.yaml")
    pipeline(cfg, kafka, emu, work, "grp", topic, "debezium-json")
    text = open(cfg).read()
    cfg_b = os.path.join(work, "grp-b.yaml")
    harness.write_pipeline(cfg_b, text.replace("grp-state", "grp-b-state").replace(
        "sink.label-prefix: grp", "sink.label-prefix: grpb"))
    a = harness.Daemon(args.binary, cfg, os.path.join(work, "grp-a.log"))
    b = None
    try:
        assert harness.wait_until(lambda: any("Partitions assigned" in x for x in a.lines()),
                                  60, 0.1)
        seq = load(kafka, topic, m, 1500, 0)
        stop = threading.Event()
        done = []
        t = threading.Thread(target=lambda: done.append(load(kafka, topic, m, 10**9, seq,
                                                             stop)))
        t.start()
        time.sleep(2)
        b = harness.Daemon(args.binary, cfg_b, os.path.join(work, "grp-b.log"))
        assert harness.wait_until(lambda: any("Partitions assigned" in x for x in b.lines()),
                                  60, 0.2)
        time.sleep(2)
        a.kill(15)
        assert a.wait(60) == 0, "\n".join(a.lines()[-5:])
        time.sleep(2)
        stop.set()
        t.join()
        wait_state(emu, "grp", "items", m.expected(["name", "qty", "price"]), daemon=b)
        a_log = "\n".join(a.lines())
        assert "committing their epoch before releasing them" in a_log, a_log[-2000:]
        assert "released after their epoch was committed" in a_log, a_log[-2000:]
        committed = kafka.committed_offsets("grp", topic)
        ends = kafka.end_offsets(topic)
        print(f"rebalance: a second daemon joined and the first left under load; partitions "
              f"released after their epoch committed; {len(m.rows)} rows equal; group offsets "
              f"{committed} of {ends}")
        b.kill(15)
        assert b.wait(30) == 0
    finally:
        a.kill(9)
        if b is not None:
            b.kill(9)


def startup_modes(args, kafka, emu, work):
    """specific-offsets and latest-offset start where they say. (timestamp is not tested: the
    2.0.2 mock answers a lookup by time with the end offset, as kcat -o s@T shows too.)"""
    topic = "t_modes"
    kafka.create_topic(topic, 1)
    m = Model(debezium("modes", False))
    first = [m.insert({"id": i, "name": f"n{i}", "qty": i, "price": "1.00"}) for i in range(10)]
    kafka.produce(topic, first, partition=0)
    second = [m.insert({"id": i, "name": f"n{i}", "qty": i, "price": "1.00"})
              for i in range(10, 20)]
    kafka.produce(topic, second, partition=0)
    want_all = m.expected(["name", "qty", "price"])
    cases = [("modes_spec", "  scan.startup.mode: specific-offsets\n"
                            "  scan.startup.specific-offsets: partition:0,offset:15\n",
              {k: v for k, v in want_all.items() if int(k) >= 15})]
    for name, extra, want in cases:
        cfg = os.path.join(work, name + ".yaml")
        pipeline(cfg, kafka, emu, work, name, topic, "debezium-json", group=False)
        text = open(cfg).read().replace("  scan.startup.mode: earliest-offset\n", extra)
        # Each case loads into a database of its own.
        text = text.replace("pipeline:\n", "route:\n  - source-table: modes.items\n"
                            f"    sink-table: {name}.items\npipeline:\n")
        harness.write_pipeline(cfg, text)
        d = harness.Daemon(args.binary, cfg, os.path.join(work, name + ".log"))
        try:
            wait_state(emu, name, "items", want, daemon=d)
            d.kill(15)
            assert d.wait(30) == 0
        finally:
            d.kill(9)
    # latest-offset: only what arrives after the start.
    cfg = os.path.join(work, "modes_latest.yaml")
    pipeline(cfg, kafka, emu, work, "modes_latest", topic, "debezium-json", group=False)
    text = open(cfg).read().replace("earliest-offset", "latest-offset").replace(
        "pipeline:\n", "route:\n  - source-table: modes.items\n"
        "    sink-table: modes_latest.items\npipeline:\n")
    harness.write_pipeline(cfg, text)
    d = harness.Daemon(args.binary, cfg, os.path.join(work, "modes_latest.log"))
    try:
        assert harness.wait_until(lambda: any("Partitions assigned" in x for x in d.lines()),
                                  60, 0.05)
        time.sleep(1)
        kafka.produce(topic, [m.update(3, qty=333)], partition=0)
        wait_state(emu, "modes_latest", "items",
                   {"3": {"name": "n3", "qty": "333", "price": "1.00"}}, daemon=d)
        d.kill(15)
        assert d.wait(30) == 0
    finally:
        d.kill(9)
    print("startup modes: specific-offsets and latest-offset start where they say")


def retention(args, kafka, emu, work):
    """An offset to resume from that retention deleted stops the daemon (exit 3) naming the
    partition, instead of jumping over the lost messages."""
    topic = "t_ret"
    kafka.create_topic(topic, 1)
    m = Model(debezium("ret", False))
    kafka.produce(topic, [m.insert({"id": i, "name": "n", "qty": i, "price": "1.00"})
                          for i in range(100)], partition=0)
    cfg = os.path.join(work, "ret.yaml")
    pipeline(cfg, kafka, emu, work, "ret", topic, "debezium-json", group=False)
    d = harness.Daemon(args.binary, cfg, os.path.join(work, "ret.log"))
    try:
        wait_state(emu, "ret", "items", m.expected(["name", "qty", "price"]), daemon=d)
        d.kill(15)
        assert d.wait(30) == 0
    finally:
        d.kill(9)
    # The mock keeps 5 MiB a partition: 12 MB more pushes the checkpoint's offset out.
    filler = [m.update(i % 100, name="x" * 400, qty=i) for i in range(100, 30100)]
    for i in range(0, len(filler), 10000):
        kafka.produce(topic, filler[i:i + 10000], partition=0)
    low = kafka.watermarks(topic)[0][0]
    assert low > 100, f"the mock kept everything (low watermark {low}); produce more"
    d = harness.Daemon(args.binary, cfg, os.path.join(work, "ret-again.log"))
    try:
        rc = d.wait(60)
        text = "\n".join(d.lines())
        assert rc == 3, (rc, text[-1500:])
        assert "no longer in Kafka" in text and f"{topic}/0" in text, text[-1500:]
    finally:
        d.kill(9)
    print(f"retention: resuming at offset 100 after the head moved to {low}: exit 3, "
          f"{topic}/0 named")


def security(args, kafka, emu, work):
    """TLS and SASL settings reach librdkafka, and a mismatch with the broker stops the daemon
    (exit 3) saying so: the mock serves PLAINTEXT only, without SASL."""
    topic = "t_sec"
    kafka.create_topic(topic, 1)
    secret = os.path.join(work, "sasl-password")
    with open(secret, "w") as f:
        f.write("s3cret-never-logged\n")
    cases = [
        ("tls", True, "  properties.security.protocol: SSL\n", "SSL handshake failed",
         "security.protocol must match"),
        ("sasl", False, "  properties.security.protocol: SASL_PLAINTEXT\n"
         "  properties.sasl.mechanism: PLAIN\n  properties.sasl.username: starcdc\n"
         f"  properties.sasl.password.file: {secret}\n", "SASL", "sasl.*"),
    ]
    for name, group, extra, error, hint in cases:
        cfg = os.path.join(work, f"sec-{name}.yaml")
        pipeline(cfg, kafka, emu, work, f"sec_{name}", topic, "json",
                 "  json.primary-key: [id]\n" + extra, group=group)
        d = harness.Daemon(args.binary, cfg, os.path.join(work, f"sec-{name}.log"))
        try:
            rc = d.wait(60)
            text = "\n".join(d.lines())
            assert rc == 3, (name, rc, text[-1500:])
            assert error in text and hint in text, (name, text[-1500:])
            assert "s3cret" not in text, "the SASL password appeared in the log"
        finally:
            d.kill(9)
    print("security: SSL against a plaintext listener and SASL against a broker without it "
          "stop with exit 3, naming why; the password file's secret is never logged")


BAD = [
    "not json at all", "{", '{"op":"c"}', '{"before":null,"after":{"id":1},"op":"x",'
    '"source":{"db":"bad","table":"items"}}', '[1,2,3]', '{"after":"string","op":"c",'
    '"source":{"db":"bad","table":"items"}}', '{"op":"c","after":{"id":1},"source":{}}',
    '{"op":"c","after":{"id":1},"source":{"db":"bad","table":"items"},"ts_ms":"x"' + "}" * 0,
    '\xff\xfe garbage', '{"op":"u","before":{"id":1},"after":[1],'
    '"source":{"db":"bad","table":"items"}}',
]


def bad_messages(args, kafka, emu, work, policy):
    topic = f"t_bad_{policy.replace('-', '_')}"
    kafka.create_topic(topic, 1)
    db = f"bad_{policy.replace('-', '_')}"
    m = Model(debezium(db, False))
    msgs = []
    bad_at = []
    for i in range(1, 101):
        msgs.append(m.insert({"id": i, "name": f"n{i}", "qty": i, "price": "1.00"}))
        if i % 2 == 0:
            bad_at.append(len(msgs))
            msgs.append((str(i), BAD[(i // 2) % len(BAD)]))
    assert len(bad_at) == 50
    kafka.produce(topic, msgs, partition=0)
    extra = f"  scan.parse-errors: {policy}\n"
    if policy == "dead-letter":
        kafka.create_topic("t_dlq", 1)
        extra += "  scan.parse-errors.dead-letter-topic: t_dlq\n"
    cfg = os.path.join(work, db + ".yaml")
    pipeline(cfg, kafka, emu, work, db, topic, "debezium-json", extra)
    d = harness.Daemon(args.binary, cfg, os.path.join(work, db + ".log"))
    try:
        if policy == "fail":
            rc = d.wait(60)
            text = "\n".join(d.lines())
            assert rc == 1, (rc, text[-1500:])
            assert f"{topic}/0/{bad_at[0]}" in text, text[-1500:]
            got = sink_state(emu, db, "items") or {}
            assert set(got) <= {"1", "2"}, sorted(got)
            print(f"parse errors, fail: exit 1 naming {topic}/0/{bad_at[0]}; rows after it not "
                  "written")
            return
        wait_state(emu, db, "items", m.expected(["name", "qty", "price"]), daemon=d)
        text = "\n".join(d.lines())
        if policy == "skip":
            assert text.count("Undecodable message skipped.") == 50, text[-1500:]
        else:
            dlq = kafka.consume("t_dlq")
            assert len(dlq) == 50, len(dlq)
            assert [v for _, _, _, v in dlq] == [msgs[i][1] for i in bad_at]
        print(f"parse errors, {policy}: 50 malformed messages {policy}ped, all 100 good rows "
              "landed".replace("dead-letterped", "dead-lettered"))
        d.kill(15)
        assert d.wait(30) == 0
    finally:
        d.kill(9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--kmock", required=True)
    args = ap.parse_args()
    work = harness.tempdir("starcdc-kafka-")
    emu = Emulator(args.emulator)
    only = os.environ.get("STARCDC_TEST_ONLY", "")
    try:
        with KafkaMock(args.kmock, brokers=3) as kafka:
            for name, fn in (("formats", format_cases), ("modes", startup_modes),
                             ("retention", retention), ("kills", kills), ("faults", faults),
                             ("rebalance", rebalance), ("security", security)):
                if not only or only == name:
                    fn(args, kafka, emu, work)
            for policy in ("fail", "skip", "dead-letter"):
                if not only or only == "bad":
                    bad_messages(args, kafka, emu, work, policy)
        print("ok")
    finally:
        emu.stop()
        shutil.rmtree(emu.dir, ignore_errors=True)
        if os.environ.get("STARCDC_TEST_KEEP"):
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
