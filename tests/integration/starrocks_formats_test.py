#!/usr/bin/python3
"""Load bodies in every shape the sink writes, into the emulator: JSON and CSV, uncompressed and
compressed with each codec, rows with awkward values, and partial row images (binlog_row_image
MINIMAL) that must update only the columns they carry. Each run must leave the same rows."""

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from emulator import Emulator  # noqa: E402

# Values that break naive CSV: separators, delimiters, quotes, backslashes, the NULL marker as
# text, line breaks, non-ASCII.
AWKWARD = ["plain", "tab\there", "comma,here", 'quote"here', "back\\slash", "\\N", "line\nbreak",
           "crlf\r\nend", "ünïcødé ✓", "", " lead and trail "]


def yaml_str(s):
    out = '"'
    for ch in s:
        if ch == '"':
            out += '\\"'
        elif ch == "\\":
            out += "\\\\"
        elif ch == "\n":
            out += "\\n"
        elif ch == "\r":
            out += "\\r"
        elif ch == "\t":
            out += "\\t"
        else:
            out += ch
    return out + '"'


def events(texts):
    ev = ["  events:",
          "    - create: app.items",
          "      columns: {id: bigint not null, name: varchar(64), amount: \"decimal(10,2)\", "
          "note: text}",
          "      primary-key: [id]"]
    expected = {}
    for i in range(1, 41):
        name = texts[i % len(texts)]
        note = texts[(i * 7) % len(texts)]
        ev.append(f"    - insert: app.items")
        ev.append(f"      row: {{id: {i}, name: {yaml_str(name)}, amount: \"{i}.50\", "
                  f"note: {yaml_str(note)}}}")
        expected[i] = {"id": i, "name": name, "amount": f"{i}.50", "note": note}
    # Partial images: only amount changes (MINIMAL logs the key before, the change after).
    for i in range(1, 41, 3):
        ev.append("    - update: app.items")
        ev.append("      partial: true")
        ev.append(f"      before: {{id: {i}}}")
        ev.append(f"      row: {{amount: \"{i}.75\"}}")
        expected[i]["amount"] = f"{i}.75"
    # Full updates after partial ones, and deletes.
    for i in range(2, 41, 5):
        ev.append("    - update: app.items")
        ev.append(f"      row: {{id: {i}, name: \"renamed\", amount: \"0.01\", note: null}}")
        expected[i] = {"id": i, "name": "renamed", "amount": "0.01", "note": None}
    for i in range(5, 41, 9):
        ev.append("    - delete: app.items")
        ev.append(f"      row: {{id: {i}}}")
        del expected[i]
    # And a partial update of a row after its full update, in the same epoch.
    ev.append("    - update: app.items")
    ev.append("      partial: true")
    ev.append("      before: {id: 2}")
    ev.append("      row: {note: \"after all\"}")
    expected[2]["note"] = "after all"
    return "\n".join(ev) + "\n", expected


def normalize(row):
    out = {}
    for k, v in row.items():
        if k == "amount" and v is not None:
            v = f"{float(v):.2f}"
        out[k] = v
    return out


def run(binary, emu, work, name, props, texts, fails_with=None):
    body, expected = events(texts)
    cfg = os.path.join(work, name + ".yaml")
    harness.write_pipeline(
        cfg, "source:\n  type: values\n" + body + "sink:\n" +
        emu.sink_block(f"  sink.label-prefix: {name}\n" + props) +
        f"route:\n  - source-table: app.items\n    sink-table: {name}.items\n" +
        f"pipeline:\n  name: {name}\n  state.dir: {os.path.join(work, name + '-state')}\n"
        "  checkpoint.interval: 1s\n")
    d = harness.Daemon(binary, cfg, os.path.join(work, name + ".log"))
    code = d.wait(120)
    if fails_with:
        errors = [line for line in d.lines() if '"level":"error"' in line]
        assert code == 1 and any(fails_with in line for line in errors), (name, code, errors)
        print(f"{name}: exit 1 before any checkpoint past the row: {fails_with}")
        return
    assert code == 0, name + ": " + "\n".join(d.lines()[-10:])
    got = {r["id"]: normalize(r) for r in emu.dump(name, "items")}
    want = {k: normalize(v) for k, v in expected.items()}
    if got != want:
        for k in sorted(set(got) | set(want)):
            if got.get(k) != want.get(k):
                print(f"{name}: id {k}: got {got.get(k)!r}, want {want.get(k)!r}")
        raise AssertionError(name + ": the table differs from the expected rows")
    print(f"{name}: {len(got)} rows exact")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--emulator", required=True)
    args = ap.parse_args()
    work = harness.tempdir("starcdc-formats-")
    emu = Emulator(args.emulator)
    try:
        plain = ["plain", "with space", "\u00fcn\u00efc\u00f8d\u00e9 \u2713", ""]
        no_null_marker = [t for t in AWKWARD if t != "\\N"]
        run(args.binary, emu, work, "json", "", AWKWARD)
        # Transaction loads take CSV without enclose/escape: plain values only, and a clear stop
        # on a value holding a separator.
        run(args.binary, emu, work, "csv", "  sink.properties.format: csv\n", plain)
        run(args.binary, emu, work, "csv_awkward", "  sink.properties.format: csv\n", AWKWARD,
            fails_with="cannot be written as CSV")
        # Plain Stream Load (at-least-once) encloses and escapes: every byte round-trips.
        run(args.binary, emu, work, "csv_alo", "  sink.properties.format: csv\n"
            "  sink.semantic: at-least-once\n", no_null_marker)
        for codec in ("lz4_frame", "zstd", "gzip"):
            run(args.binary, emu, work, "json_" + codec,
                f"  sink.properties.compression: {codec}\n", AWKWARD)
            run(args.binary, emu, work, "csv_" + codec,
                f"  sink.properties.format: csv\n  sink.properties.compression: {codec}\n", plain)
        print("ok")
    finally:
        emu.stop()
        shutil.rmtree(emu.dir, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
