#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets from captured binlog files and DDL corpora.

usage: make_corpus.py OUT_DIR BINLOG_FILE_OR_DIR_OR_DDL_CORPUS_OR_KAFKA_FIXTURES...

Creates OUT_DIR/binlog_event, OUT_DIR/binlog_table_map, OUT_DIR/binlog_json,
OUT_DIR/ddl_parser and OUT_DIR/kafka_{debezium,canal,maxwell,json} (emptied first).
Each binlog file (magic fe 62 69 6e, then v4 events; *.gz decompressed) is split into its
events. binlog_event gets, per event, the file's FORMAT_DESCRIPTION, the TABLE_MAP a rows event
refers to, and the event, in the framing of tests/fuzz/binlog_event_fuzz.cpp, plus the start of
each file as one stream; at most SEEDS_PER_TYPE seeds per file and event type (a capture repeats
the same event thousands of times). binlog_table_map gets every distinct TABLE_MAP body.
binlog_json gets a few hand-assembled values (sql-common/json_binary.h, sql/json_diff.cc, WKB).
ddl_parser gets every statement of the DDL corpus files (*.txt, the format of
tests/fixtures/ddl/corpus.txt) behind the options byte of tests/fuzz/ddl_parser_fuzz.cpp.
A Kafka fixtures folder (tests/fixtures/kafka: one folder per format, each NAME.json a message
value with NAME.key its key) gives the kafka_* corpora in the framing of tests/fuzz/kafka_fuzz.hpp.
Missing inputs are skipped, so the corpus is smaller but the run goes on."""

import gzip
import hashlib
import os
import shutil
import struct
import sys
import zlib

MAGIC = b"\xfe\x62\x69\x6e"
HEADER = 19
FORMAT_DESCRIPTION = 15
TABLE_MAP = 19
# Rows events: WRITE/UPDATE/DELETE v0 (20-22), v1 (23-25), v2 (30-32), PARTIAL_UPDATE (39),
# MariaDB compressed v1 (169-171).
ROWS = {20, 21, 22, 23, 24, 25, 30, 31, 32, 39, 169, 170, 171}
SEEDS_PER_TYPE = 16
STREAM_EVENTS = 64
MAX_SEED_BYTES = 1 << 16

# Options byte of binlog_event_fuzz: no prelude (the seed brings its own FORMAT_DESCRIPTION),
# verify checksums, pad BINARY, apply JSON diffs.
EVENT_OPTIONS = 0x04 | 0x20 | 0x80

JSON_SEEDS = [
    # {"a":1,"bb":"x"}
    "00 00 0200 1700 1200 0100 1300 0200 05 0100 0C 1500 61 6262 01 78",
    # [true,-5,3000000000,1.5,"..."] as a large array
    "00 03 05000000 2e000000 04 01000000 07 fbffffff 08 005ed0b2 0B 21000000 0C 29000000"
    " 000000000000f83f 04 c3a9220a",
    # {"k":[null,{}]}
    "00 00 0100 1a00 0b00 0100 02 0c00 6b 0200 0e00 04 0000 00 0a00 0000 0400",
    "00 09 0000000000000080",
    "00 0B 000000000000d0bf",
    "00 0F F6 07 0a04 8004d2162e",
    "00 0F 0C 08 70580a053144b219",
    "00 0F 0B 08 e05ef87cefffffff",
    # diff list: REPLACE $.a = 2, REMOVE $.b[2]
    "01 00 03 242e61 03 050200 02 06 242e625b325d",
    # {"a":1} with REPLACE $.a = 2, INSERT $.b = "x"
    "02 0d00 00 0100 0c00 0b00 0100 05 0100 61 00 03 242e61 03 050200 01 03 242e62 03 0c0178",
    # [1,2,3] with REMOVE $[1], INSERT $[0] = "a"
    "02 0e00 02 0300 0d00 05 0100 05 0200 05 0300 02 04 245b315d 01 04 245b305d 03 0c0161",
    # POINT(1 -2), with SRID 4326 and prefix
    "03 00000000 01 01000000 000000000000f03f 00000000000000c0",
    "07 e6100000 01 01000000 000000000000f03f 00000000000000c0",
    # big-endian POLYGON((0 0,1 0,0 0))
    "03 00000000 00 00000003 00000001 00000003 0000000000000000 0000000000000000"
    " 3ff0000000000000 0000000000000000 0000000000000000 0000000000000000",
    # GEOMETRYCOLLECTION(LINESTRING(0 0,1.5 2.5))
    "03 00000000 01 07000000 01000000 01 02000000 02000000 0000000000000000 0000000000000000"
    " 000000000000f83f 0000000000000440",
]


def read_events(path):
    """The events of one binlog file as bytes; stops at a truncated tail."""
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    if not data.startswith(MAGIC):
        return []
    events = []
    pos = len(MAGIC)
    while pos + HEADER <= len(data):
        size = struct.unpack_from("<I", data, pos + 9)[0]
        if size < HEADER or pos + size > len(data):
            break
        events.append(data[pos:pos + size])
        pos += size
    return events


def has_crc32(fde):
    """Whether the events after this FORMAT_DESCRIPTION end in a CRC-32: the algorithm byte
    before its own 4 checksum bytes is 1 and those bytes are the CRC-32 of the event."""
    if len(fde) < HEADER + 57 + 5:
        return False
    return fde[-5] == 1 and zlib.crc32(fde[:-4]) == struct.unpack_from("<I", fde, len(fde) - 4)[0]


def table_id(event, fde_crc):
    # TABLE_MAP and rows events start with a 6-byte table id on every server since 5.1.
    body = event[HEADER:len(event) - (4 if fde_crc else 0)]
    return int.from_bytes(body[:6], "little"), body


def frame(events):
    out = bytearray([EVENT_OPTIONS])
    for e in events:
        out += struct.pack("<H", len(e)) + e
    return bytes(out)


# Options byte of ddl_parser_fuzz per corpus "@mode" word; 8 = no default database.
DDL_MODES = {"ansi_quotes": 1, "no_backslash_escapes": 2, "real_as_float": 4}
DDL_NO_DATABASE = 8


def ddl_statements(path):
    """(options byte, statement) of each case of a DDL corpus file: optional @db/@mode lines,
    the statement up to a "----" line, the expectation up to a blank line; // comments."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        if not lines[i] or lines[i].startswith("//"):
            i += 1
            continue
        options = 0
        while i < len(lines) and lines[i].startswith("@"):
            words = lines[i].split()
            if words[0] == "@db" and len(words) == 1:
                options |= DDL_NO_DATABASE
            elif words[0] == "@mode":
                for w in words[1:]:
                    options |= DDL_MODES.get(w, 0)
            i += 1
        sql = []
        while i < len(lines) and lines[i] != "----":
            sql.append(lines[i])
            i += 1
        while i < len(lines) and lines[i]:
            i += 1
        yield options, "\n".join(sql)


KAFKA_FORMATS = {"debezium-json": "kafka_debezium", "canal-json": "kafka_canal",
                 "maxwell-json": "kafka_maxwell", "json": "kafka_json"}


def is_kafka_fixtures(path):
    return os.path.isdir(os.path.join(path, "debezium-json"))


def kafka_seeds(root):
    """(corpus name, seed) of every message fixture: options byte, key length, key, value."""
    for folder, corpus in KAFKA_FORMATS.items():
        for sub in ("", "bad"):
            d = os.path.join(root, folder, sub)
            if not os.path.isdir(d):
                continue
            for name in sorted(os.listdir(d)):
                if not name.endswith(".json"):
                    continue
                with open(os.path.join(d, name), "rb") as f:
                    value = f.read()
                key = b""
                key_path = os.path.join(d, name[:-5] + ".key")
                if os.path.isfile(key_path):
                    with open(key_path, "rb") as f:
                        key = f.read().rstrip(b"\n")[:255]
                options = 2 if os.path.isfile(os.path.join(d, name[:-5] + ".options")) else 0
                yield corpus, bytes([options, len(key)]) + key + value


def binlog_files(args):
    for a in args:
        if a.endswith(".txt") or (os.path.isdir(a) and is_kafka_fixtures(a)):
            continue
        if os.path.isdir(a):
            for name in sorted(os.listdir(a)):
                full = os.path.join(a, name)
                if os.path.isfile(full) and name.startswith(("mysql-bin", "mariadb")):
                    yield full
        elif os.path.isfile(a):
            yield a


def write(directory, seed):
    name = hashlib.sha1(seed).hexdigest()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(seed)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = sys.argv[1]
    dirs = {t: os.path.join(out, t)
            for t in ("binlog_event", "binlog_table_map", "binlog_json", "ddl_parser",
                      *KAFKA_FORMATS.values())}
    for d in dirs.values():
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    counts = dict.fromkeys(dirs, 0)

    for path in binlog_files(sys.argv[2:]):
        events = [e for e in read_events(path) if len(e) <= 0xFFFF]
        if not events or events[0][4] != FORMAT_DESCRIPTION:
            print(f"make_corpus: {path}: no FORMAT_DESCRIPTION first; skipped", file=sys.stderr)
            continue
        fde = events[0]
        crc = has_crc32(fde)
        mariadb = b"MariaDB" in fde[HEADER + 2:HEADER + 52]
        tables = {}
        per_type = {}
        seeds = set()
        stream = []
        for e in events:
            if sum(len(s) for s in stream) + len(e) <= MAX_SEED_BYTES and len(stream) < STREAM_EVENTS:
                stream.append(e)
        seeds.add(frame(stream))
        for e in events[1:]:
            t = e[4]
            if t == TABLE_MAP:
                tid, body = table_id(e, crc)
                tables[tid] = e
                seed = bytes([1 if mariadb else 0]) + body
                write(dirs["binlog_table_map"], seed)
            if per_type.get(t, 0) >= SEEDS_PER_TYPE:
                continue
            per_type[t] = per_type.get(t, 0) + 1
            chain = [fde]
            if t in ROWS:
                tid, _ = table_id(e, crc)
                if tid in tables:
                    chain.append(tables[tid])
            chain.append(e)
            seeds.add(frame(chain))
        for s in seeds:
            write(dirs["binlog_event"], s)

    for h in JSON_SEEDS:
        write(dirs["binlog_json"], bytes.fromhex(h.replace(" ", "")))

    for a in sys.argv[2:]:
        if a.endswith(".txt") and os.path.isfile(a):
            for options, sql in ddl_statements(a):
                write(dirs["ddl_parser"], bytes([options]) + sql.encode("utf-8"))

    for a in sys.argv[2:]:
        if os.path.isdir(a) and is_kafka_fixtures(a):
            for corpus, seed in kafka_seeds(a):
                write(dirs[corpus], seed)

    for t, d in dirs.items():
        counts[t] = len(os.listdir(d))
    print("make_corpus: " + ", ".join(f"{t} {n} seeds" for t, n in counts.items()))


if __name__ == "__main__":
    main()
