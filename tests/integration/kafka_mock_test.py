#!/usr/bin/python3
"""The Kafka test tooling against itself (tests/tools/kmock + kafka.py + kcat): keyed messages
come back complete and in order per partition, tombstones stay tombstones, a consumer rides out
its broker going down and up, injected request errors are retried by the client and used up,
and a consumer group's committed offsets are readable and resumed from. Every check compares
exact offsets and values, so a broken helper fails here before it misleads another test."""

import argparse
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kafka import KafkaError, KafkaMock  # noqa: E402

KEYED_MESSAGES = 10_000
KEYS = 487


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def by_partition(records):
    out = {}
    for p, o, k, v in records:
        out.setdefault(p, []).append((o, k, v))
    return out


def keyed_in_order(kafka):
    kafka.create_topic("keyed", 3)
    sent = [(f"key-{i % KEYS}", json.dumps({"key": i % KEYS, "seq": i})) for i in
            range(KEYED_MESSAGES)]
    t0 = time.monotonic()
    check(kafka.produce("keyed", sent) == KEYED_MESSAGES, "produce count")
    produced_s = time.monotonic() - t0
    records = kafka.consume("keyed")
    check(len(records) == KEYED_MESSAGES, f"read {len(records)} of {KEYED_MESSAGES} messages")
    parts = by_partition(records)
    check(sorted(parts) == [0, 1, 2], f"partitions used: {sorted(parts)}")
    key_partition = {}
    seen = set()
    for p, recs in parts.items():
        check([o for o, _, _ in recs] == list(range(len(recs))),
              f"partition {p}: offsets are not 0..{len(recs) - 1}")
        last = -1
        for o, k, v in recs:
            body = json.loads(v)
            check(k == f"key-{body['key']}", f"{p}@{o}: key {k} with value {v}")
            check(body["seq"] > last, f"{p}@{o}: seq {body['seq']} after {last}")
            last = body["seq"]
            check(key_partition.setdefault(k, p) == p, f"key {k} in partitions "
                  f"{key_partition[k]} and {p}")
            seen.add(body["seq"])
    check(seen == set(range(KEYED_MESSAGES)), "some messages are missing or repeated")
    check(kafka.end_offsets("keyed") == {p: len(r) for p, r in parts.items()},
          "watermarks differ from what was read")
    # An explicit partition: appended after what is there, in order.
    before = kafka.end_offsets("keyed")[2]
    kafka.produce("keyed", [f"p2-{i}" for i in range(100)], key="explicit", partition=2)
    tail = kafka.consume("keyed", partition=2, offset=before)
    check([(p, o, k, v) for p, o, k, v in tail] ==
          [(2, before + i, "explicit", f"p2-{i}") for i in range(100)], "explicit partition")
    print(f"keyed: {KEYED_MESSAGES} messages over 3 partitions "
          f"({', '.join(str(len(parts[p])) for p in sorted(parts))}) in order per partition, "
          f"produced in {produced_s:.2f} s; 100 more into partition 2 at {before}..")


def tombstones(kafka):
    kafka.create_topic("tomb", 1)
    kafka.produce("tomb", [("a", '{"id":1}'), ("a", None), (None, "no key"),
                           ("b", "line\nbreak\ttab \u00fcn\u00efc\u00f8d\u00e9"), ("b", None)])
    got = kafka.consume("tomb")
    want = [(0, 0, "a", '{"id":1}'), (0, 1, "a", None), (0, 2, None, "no key"),
            (0, 3, "b", "line\nbreak\ttab \u00fcn\u00efc\u00f8d\u00e9"), (0, 4, "b", None)]
    check(got == want, f"tombstones: got {got}")
    raw = kafka.consume("tomb", raw=True)
    check(raw[1][3] is None and raw[0][3] == b'{"id":1}', "raw read")
    print("tombstones: NULL values and keys round-trip, bytes exact")


def broker_down_up(kafka):
    # One partition led by broker 1; the group's coordinator elsewhere, so that the outage hits
    # the fetches and not the group.
    kafka.create_topic("failover", 1)
    kafka.set_leader("failover", 0, 1)
    kafka.set_coordinator("g-failover", 2)
    consumer = kafka.consumer("failover", group="g-failover")
    try:
        kafka.produce("failover", [f"before-{i}" for i in range(100)], key="k")
        consumer.wait_for(100)
        kafka.broker_down(1)
        result = {}
        producer = threading.Thread(target=lambda: result.setdefault("n", kafka.produce(
            "failover", [f"during-{i}" for i in range(100)], key="k",
            props={"message.timeout.ms": "60000"})))
        producer.start()
        time.sleep(2)
        check(producer.is_alive(), "the producer finished while the leader was down")
        check(len(consumer.records()) == 100, "records arrived while the leader was down")
        kafka.broker_up(1)
        producer.join(60)
        check(result.get("n") == 100, "the producer did not finish after the broker came up")
        kafka.produce("failover", [f"after-{i}" for i in range(100)], key="k")
        recs = consumer.wait_for(300)
    finally:
        recs = consumer.stop()
    want = ([f"before-{i}" for i in range(100)] + [f"during-{i}" for i in range(100)] +
            [f"after-{i}" for i in range(100)])
    check([o for _, o, _, _ in recs] == list(range(300)), "offsets after the outage")
    check([v for _, _, _, v in recs] == want, "values after the outage")
    committed = kafka.committed_offsets("g-failover", "failover")
    check(committed == {0: 300}, f"committed after leaving: {committed}")
    print("broker down/up: the producer waited and delivered, the group consumer continued: "
          "300 records, no gap, no duplicate; committed 300")


def injected_errors(kafka):
    kafka.create_topic("errs", 1)
    kafka.set_leader("errs", 0, 2)
    # Broker-level errors: counted, so the test sees they were really answered.
    kafka.inject_errors("Produce", ["NOT_LEADER_FOR_PARTITION", "REQUEST_TIMED_OUT"], count=4,
                        broker=2, delay_ms=50)
    check(kafka.pending_errors(2, "Produce") == 4, "errors not queued")
    kafka.produce("errs", [f"m{i}" for i in range(10)], key="k")
    check(kafka.pending_errors(2, "Produce") == 0, "the producer did not meet the errors")
    kafka.inject_errors("Fetch", ["NOT_LEADER_FOR_PARTITION", "UNKNOWN_TOPIC_OR_PART"], count=3,
                        broker=2)
    got = kafka.consume("errs")
    check(kafka.pending_errors(2, "Fetch") == 0, "the consumer did not meet the errors")
    check([(o, v) for _, o, _, v in got] == [(i, f"m{i}") for i in range(10)],
          f"after Produce/Fetch errors: {got}")
    # Cluster-level errors (any broker), including a dropped connection.
    kafka.inject_errors("Produce", ["_TRANSPORT", "NOT_ENOUGH_REPLICAS"], count=2)
    kafka.produce("errs", [f"n{i}" for i in range(10)], key="k")
    got = kafka.consume("errs", offset=10)
    check([(o, v) for _, o, _, v in got] == [(10 + i, f"n{i}") for i in range(10)],
          f"after cluster-level errors: {got}")
    try:
        kafka.command("error NoSuchApi 1 0")
        check(False, "an unknown ApiKey was accepted")
    except KafkaError:
        pass
    print("errors: Produce and Fetch errors retried by kcat, each one used up; "
          "a dropped connection reconnected; bad commands answer error")


def committed_offsets(kafka):
    kafka.create_topic("commits", 3)
    kafka.produce("commits", [(f"k{i}", f"v{i}") for i in range(300)])
    ends = kafka.end_offsets("commits")
    check(kafka.committed_offsets("g-fresh", "commits") == {0: None, 1: None, 2: None},
          "a group that never committed has offsets")
    first = kafka.consume("commits", group="g-commit", count=40)
    check(len(first) == 40, f"first member read {len(first)}")
    mid = kafka.committed_offsets("g-commit", "commits")
    check(sum(o or 0 for o in mid.values()) == 40, f"committed after 40 records: {mid}")
    rest = kafka.consume("commits", group="g-commit")
    keys = sorted((p, o) for p, o, _, _ in first + rest)
    check(keys == sorted((p, o) for p, n in ends.items() for o in range(n)),
          "the second member did not continue exactly where the first stopped")
    check(kafka.committed_offsets("g-commit", "commits") == ends, "final committed offsets")
    print(f"committed offsets: 40 after the first member, {ends} after the second, "
          "which read the other 260 exactly")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kmock", help="tests/tools/kmock (default: $STARCDC_KMOCK or build/)")
    args = ap.parse_args()
    with KafkaMock(args.kmock, brokers=3) as kafka:
        print(f"kmock at {kafka.bootstrap}")
        keyed_in_order(kafka)
        tombstones(kafka)
        injected_errors(kafka)
        committed_offsets(kafka)
        broker_down_up(kafka)
    print("ok")


if __name__ == "__main__":
    main()
