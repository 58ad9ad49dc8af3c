#!/usr/bin/python3
"""The MySQL protocol client (sources/mysql/protocol) against a private MariaDB, through
tests/tools/mysql_probe: native and ed25519 authentication and their wrong-password errors, TLS
with a CA and server certificate made by the openssl CLI (required, preferred, verify-ca,
verify-identity, and their failures), text result sets, COM_PING, COM_REGISTER_SLAVE, binlog
dumps from file+position (TABLE_MAP and WRITE_ROWS seen, a 20 MiB event split over several
packets), error 1236 for bogus positions, and the read timeout.

MariaDB has no caching_sha2_password or sha256_password; those plugins are covered by the unit
tests only (tests/unit/sources/mysql/protocol)."""

import argparse
import base64
import os
import random
import string
import subprocess
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mariadb  # noqa: E402

PROBE = None
RESULTS = []


class Probe:
    """One run of mysql_probe: exit code and parsed lines."""

    def __init__(self, args, timeout=60):
        r = subprocess.run([PROBE, *args], capture_output=True, text=True, timeout=timeout)
        self.rc = r.returncode
        self.out = r.stdout
        self.lines = r.stdout.splitlines()
        self.stderr = r.stderr

    def fields(self, prefix):
        """key=value pairs of the first line starting with `prefix` (message= takes the rest)."""
        for line in self.lines:
            if line.startswith(prefix + " "):
                out = {}
                rest = line[len(prefix) + 1:]
                while rest:
                    key, _, rest = rest.partition("=")
                    if key == "message":
                        out[key] = rest
                        break
                    value, _, rest = rest.partition(" ")
                    out[key] = value
                return out
        return None

    def rows(self):
        return [line.split("\t")[1:] for line in self.lines if line.startswith("row\t")]

    def events(self):
        return [self._kv(line) for line in self.lines if line.startswith("event ")]

    @staticmethod
    def _kv(line):
        return {k: int(v) for k, v in (p.split("=") for p in line.split()[1:])}

    def __str__(self):
        return f"rc={self.rc}\nstdout:\n{self.out}\nstderr:\n{self.stderr}"


def check(cond, what, probe=None):
    if not cond:
        raise AssertionError(what + ("\n" + str(probe) if probe is not None else ""))


def case(fn):
    RESULTS.append(fn)
    return fn


def make_certs(d):
    """A CA, a server certificate for DNS:localhost signed by it, and an unrelated second CA."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    j = lambda name: os.path.join(d, name)  # noqa: E731
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", j("ca.key"), "-out",
        j("ca.pem"), "-days", "2", "-subj", "/CN=starcdc test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", j("server.key"), "-out",
        j("server.csr"), "-subj", "/CN=localhost")
    with open(j("ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost\n")
    run("x509", "-req", "-in", j("server.csr"), "-CA", j("ca.pem"), "-CAkey", j("ca.key"),
        "-CAcreateserial", "-out", j("server.pem"), "-days", "2", "-extfile", j("ext.cnf"))
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", j("other-ca.key"), "-out",
        j("other-ca.pem"), "-days", "2", "-subj", "/CN=another CA")
    return {k: j(k + ".pem") for k in ("ca", "server", "other-ca")} | {"key": j("server.key")}


class Env:
    db = None        # MariaDB with TLS
    plain = None     # MariaDB without TLS
    certs = None

    @classmethod
    def base(cls, user="cdc", password="cdcpass", host="127.0.0.1", db=None):
        db = db or cls.db
        return ["--host", host, "--port", str(db.port), "--user", user, "--password", password,
                "--connect-timeout-ms", "10000"]


# --- authentication --------------------------------------------------------------------------

@case
def native_password_connects_and_runs_the_setup_queries():
    p = Probe(Env.base() + [
        "--ssl-mode", "disabled",
        "--query", "SELECT @@server_id, @@global.binlog_checksum, @@binlog_format, NULL",
        "--query", "SHOW MASTER STATUS",
        "--query", "SHOW BINARY LOGS",
        "--query", "SHOW GRANTS",
        "--query", "SET @master_binlog_checksum = @@global.binlog_checksum",
        "--query", "SET @slave_connect_state = '0-1-1'",
        "--query", "SELECT @master_binlog_checksum, @slave_connect_state",
        "--ping"])
    check(p.rc == 0, "connect failed", p)
    c = p.fields("connected")
    check(c["plugin"] == "mysql_native_password" and c["mariadb"] == "1" and c["tls"] == "none",
          "connected line", p)
    rows = p.rows()
    check(rows[0] == ["1", "CRC32", "ROW", "\\N"], "variables row", p)
    check(rows[1][0].startswith("binlog.") and int(rows[1][1]) >= 4, "SHOW MASTER STATUS", p)
    check(any(r[0] == rows[1][0] for r in rows[2:]), "SHOW BINARY LOGS lists the file", p)
    check(any("REPLICATION SLAVE" in r[0] for r in rows), "SHOW GRANTS", p)
    check(["CRC32", "0-1-1"] in rows, "session variables", p)
    check("pong" in p.lines and p.lines[-1] == "quit", "ping and quit", p)


@case
def wrong_password_is_refused_with_errno_user_and_endpoint():
    p = Probe(Env.base(password="wrong"))
    e = p.fields("error")
    check(p.rc == 3 and e and e["kind"] == "refused" and e["code"] == "1045", "1045", p)
    check(f"127.0.0.1:{Env.db.port}" in e["message"] and "user 'cdc'" in e["message"]
          and "Access denied" in e["message"], "message names user, endpoint, text", p)


@case
def ed25519_authenticates_and_matches_the_servers_public_key():
    for user, pw in (("edu", "edpass"), ("edlong", Env.ed_long_password)):
        p = Probe(Env.base(user=user, password=pw) + ["--query", "SELECT CURRENT_USER()"])
        check(p.rc == 0 and p.fields("connected")["plugin"] == "client_ed25519",
              f"ed25519 login of {user}", p)
        check(p.rows() == [[f"{user}@%"]], "current user", p)
    # The public key MariaDB computed from the password equals ours.
    stored = Env.db.scalar("SELECT authentication_string FROM mysql.user WHERE user = 'edlong'")
    ours = Probe(["--ed25519-public-key", Env.ed_long_password]).lines[0].split()[1]
    check(ours == stored, f"public key {ours} != server's {stored}")
    base64.b64decode(stored + "=")  # well-formed
    p = Probe(Env.base(user="edu", password="edpasz"))
    e = p.fields("error")
    check(p.rc == 3 and e["code"] == "1045" and "client_ed25519" in e["message"],
          "wrong ed25519 password", p)


@case
def unknown_server_port_is_a_transient_error():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = Probe(["--host", "127.0.0.1", "--port", str(port), "--user", "cdc"])
    e = p.fields("error")
    check(p.rc == 1 and e["kind"] == "transient" and "cannot connect" in e["message"],
          "connection refused", p)


@case
def a_server_that_never_greets_times_out_within_the_connect_timeout():
    import socket
    import time
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # the kernel completes the TCP handshake; nobody ever writes
    try:
        t0 = time.monotonic()
        p = Probe(["--host", "127.0.0.1", "--port", str(listener.getsockname()[1]), "--user",
                   "cdc", "--connect-timeout-ms", "700"])
        elapsed = time.monotonic() - t0
    finally:
        listener.close()
    e = p.fields("error")
    check(p.rc == 1 and e["kind"] == "transient" and "timed out" in e["message"], "timeout", p)
    check(elapsed < 30, f"gave up after {elapsed:.1f} s")


# --- TLS ------------------------------------------------------------------------------------

@case
def tls_required_and_preferred_encrypt_disabled_does_not():
    for mode in ("required", "preferred"):
        p = Probe(Env.base() + ["--ssl-mode", mode, "--query", "SHOW STATUS LIKE 'Ssl_version'"])
        check(p.rc == 0 and p.fields("connected")["tls"].startswith("TLSv1"), mode, p)
        check(p.rows()[0][1].startswith("TLSv1"), "server sees TLS", p)
    p = Probe(Env.base() + ["--ssl-mode", "disabled"])
    check(p.rc == 0 and p.fields("connected")["tls"] == "none", "disabled", p)


@case
def an_account_that_requires_ssl_is_refused_without_it():
    p = Probe(Env.base(user="tlsuser", password="tlspass") + ["--ssl-mode", "disabled"])
    check(p.rc == 3 and p.fields("error")["code"] == "1045", "REQUIRE SSL without TLS", p)
    p = Probe(Env.base(user="tlsuser", password="tlspass") + ["--ssl-mode", "required"])
    check(p.rc == 0, "REQUIRE SSL with TLS", p)


@case
def verify_ca_accepts_our_ca_and_refuses_another():
    p = Probe(Env.base() + ["--ssl-mode", "verify-ca", "--ssl-ca", Env.certs["ca"]])
    check(p.rc == 0 and p.fields("connected")["tls"] != "none", "verify-ca with the CA", p)
    p = Probe(Env.base() + ["--ssl-mode", "verify-ca", "--ssl-ca", Env.certs["other-ca"]])
    e = p.fields("error")
    check(p.rc == 3 and e["kind"] == "refused" and "certificate" in e["message"],
          "verify-ca with another CA", p)


@case
def verify_identity_checks_the_host_name():
    p = Probe(Env.base(host="localhost") +
              ["--ssl-mode", "verify-identity", "--ssl-ca", Env.certs["ca"]])
    check(p.rc == 0, "verify-identity with the certificate's name", p)
    # The certificate names only DNS:localhost, so 127.0.0.1 is the wrong name.
    p = Probe(Env.base() + ["--ssl-mode", "verify-identity", "--ssl-ca", Env.certs["ca"]])
    e = p.fields("error")
    check(p.rc == 3 and e["kind"] == "refused" and "mismatch" in e["message"].lower(),
          "verify-identity with the wrong name", p)
    # verify-ca does not look at names.
    p = Probe(Env.base() + ["--ssl-mode", "verify-ca", "--ssl-ca", Env.certs["ca"]])
    check(p.rc == 0, "verify-ca ignores the name", p)


@case
def tls_required_but_not_offered_is_refused():
    p = Probe(Env.base(db=Env.plain) + ["--ssl-mode", "required"])
    e = p.fields("error")
    check(p.rc == 3 and "does not offer" in e["message"], "required without server TLS", p)
    p = Probe(Env.base(db=Env.plain) + ["--ssl-mode", "preferred"])
    check(p.rc == 0 and p.fields("connected")["tls"] == "none", "preferred falls back", p)


@case
def an_unreadable_ca_file_is_a_configuration_error():
    p = Probe(Env.base() + ["--ssl-mode", "verify-ca", "--ssl-ca", "/nonexistent/ca.pem"])
    check(p.rc == 2 and p.fields("error")["kind"] == "config", "missing CA file", p)


# --- binlog -----------------------------------------------------------------------------------

DUMP_SETUP = ["--query", "SET @master_binlog_checksum = @@global.binlog_checksum",
              "--query", "SET @mariadb_slave_capability = 4"]


def check_positions(events, p):
    """Every event's bytes are its declared size; real events follow each other in the file
    (with gaps where the server left out ANNOTATE_ROWS events, which we do not ask for)."""
    prev = None
    for ev in events:
        check(ev["size"] == ev["event_size"], "event size matches its header", p)
        if ev["next_pos"] == 0:  # artificial (fake ROTATE, FD sent from a later position)
            continue
        if prev is not None:
            check(ev["next_pos"] - ev["event_size"] >= prev, "events follow in file order", p)
        prev = ev["next_pos"]


@case
def a_dump_from_file_and_position_sees_table_map_and_write_rows():
    f, pos = Env.db.binlog_status()
    Env.db.execute("CREATE TABLE shop.orders (id INT PRIMARY KEY, customer VARCHAR(64), "
                   "amount DECIMAL(10,2))",
                   "INSERT INTO shop.orders VALUES (1, 'alice', 10.50), (2, 'bob', NULL)",
                   "INSERT INTO shop.orders VALUES (3, 'carol', 30.25)")
    end_file, end_pos = Env.db.binlog_status()
    p = Probe(Env.base() + DUMP_SETUP + ["--register", "4242", "--dump", f"{f}:{pos}",
                                         "--server-id", "4242", "--non-block"])
    check(p.rc == 0 and any(line.startswith("registered") for line in p.lines), "dump", p)
    events = p.events()
    types = [e["type"] for e in events]
    check(types[0] == 4 and events[0]["flags"] & 0x20, "starts with an artificial ROTATE", p)
    check(types[1] == 15, "then FORMAT_DESCRIPTION", p)
    check(types.count(19) == 2 and types.count(23) == 2, "two TABLE_MAP and WRITE_ROWS_V1", p)
    check(types.count(16) == 2 and 162 in types, "XIDs and MariaDB GTIDs", p)
    check(p.lines[-1].startswith("eof"), "non-blocking dump ends with EOF", p)
    check(events[-1]["next_pos"] == end_pos and end_file == f, "ends at the binlog end", p)
    check_positions(events, p)


@case
def a_blocking_dump_stops_after_n_events_and_times_out_when_idle():
    f, pos = Env.db.binlog_status()
    Env.db.execute("INSERT INTO shop.orders VALUES (10, 'dave', 1.00)")
    p = Probe(Env.base() + DUMP_SETUP + ["--dump", f"{f}:{pos}", "--server-id", "4243",
                                         "--events", "3"])
    check(p.rc == 0 and len(p.events()) == 3, "three events", p)
    # No heartbeat period set, so after the last event the server stays silent.
    p = Probe(Env.base() + DUMP_SETUP + ["--read-timeout-ms", "1500", "--dump", f"{f}:{pos}",
                                         "--server-id", "4244"])
    e = p.fields("error")
    check(p.rc == 1 and e["kind"] == "transient" and "timed out" in e["message"], "timeout", p)
    check(any(ev["type"] == 23 for ev in p.events()), "events came before the timeout", p)


@case
def packets_larger_than_16_mib_arrive_whole_both_ways():
    f, pos = Env.db.binlog_status()
    conn = Env.db.admin()
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE TABLE shop.blobs (id INT PRIMARY KEY, b LONGBLOB)")
            cur.execute("INSERT INTO shop.blobs VALUES (1, REPEAT('x', 20 * 1024 * 1024))")
    finally:
        conn.close()
    p = Probe(Env.base() + DUMP_SETUP + ["--dump", f"{f}:{pos}", "--server-id", "4245",
                                         "--non-block"])
    check(p.rc == 0, "dump", p)
    big = [e for e in p.events() if e["type"] == 23]
    check(len(big) == 1 and big[0]["size"] > 20 * 1024 * 1024, "one 20 MiB WRITE_ROWS", p)
    check_positions(p.events(), p)
    # And a result row above 16 MiB.
    p = Probe(Env.base() + ["--query", "SELECT LENGTH(b), MD5(b) = MD5(REPEAT('x', 20971520)) "
                                       "FROM shop.blobs"])
    check(p.rows() == [["20971520", "1"]], "blob in place", p)
    p = Probe(Env.base() + ["--query", "SELECT b FROM shop.blobs"])
    check(p.rc == 0 and len(p.rows()[0][0]) == 20971520, "20 MiB row read whole", p)
    # And a command above 16 MiB, split by us and joined by the server.
    n = 17 * 1024 * 1024
    p = Probe(Env.base() + ["--long-query-bytes", str(n)])
    check(p.rc == 0 and p.rows() == [[str(n)]], "17 MiB query sent whole", p)


@case
def a_bogus_position_or_file_is_error_1236():
    f, _ = Env.db.binlog_status()
    for spec in (f"{f}:999999999", "binlog.999999:4"):
        p = Probe(Env.base() + DUMP_SETUP + ["--dump", spec, "--server-id", "4246",
                                             "--non-block"])
        e = p.fields("error")
        check(p.rc == 3 and e["kind"] == "refused" and e["code"] == "1236", spec, p)
        check(spec.split(":")[0] in e["message"], "message names the start", p)


@case
def com_binlog_dump_gtid_reaches_the_server():
    # MariaDB does not know MySQL's COM_BINLOG_DUMP_GTID: it answers "unknown command", which
    # shows the command is framed and sent, and that the stream surfaces the ERR.
    p = Probe(Env.base() + DUMP_SETUP + ["--dump-gtid", "0000000000000000", "--server-id",
                                         "4247", "--non-block"])
    e = p.fields("error")
    check(p.rc == 3 and e["code"] == "1047", "unknown command from MariaDB", p)


def main():
    global PROBE
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", required=True)
    args = ap.parse_args()
    PROBE = args.probe
    work = tempfile.mkdtemp(prefix="starcdc-proto-test-")
    Env.certs = make_certs(work)
    Env.ed_long_password = "".join(random.choice(string.ascii_letters + string.digits + " !#%")
                                   for _ in range(random.randint(33, 70)))
    failed = []
    Env.db = mariadb.MariaDB(name="proto-tls", server_id=1, extra_args=[
        f"--ssl-ca={Env.certs['ca']}", f"--ssl-cert={Env.certs['server']}",
        f"--ssl-key={Env.certs['key']}", "--max-allowed-packet=64M"])
    Env.plain = mariadb.MariaDB(name="proto-plain", server_id=2)
    try:
        Env.db.start()
        Env.plain.start()
        for db in (Env.db, Env.plain):
            db.create_user("cdc", "cdcpass")
        Env.db.create_user("edu", "edpass", plugin="ed25519")
        Env.db.create_user("edlong", Env.ed_long_password, plugin="ed25519")
        Env.db.create_user("tlsuser", "tlspass", require_ssl=True)
        Env.db.execute("CREATE DATABASE shop")
        for fn in RESULTS:
            try:
                fn()
                print(f"ok   {fn.__name__}")
            except Exception:  # noqa: BLE001 - report every case, fail at the end
                failed.append(fn.__name__)
                print(f"FAIL {fn.__name__}\n{traceback.format_exc()}")
    finally:
        Env.db.stop()
        Env.plain.stop()
        subprocess.run(["rm", "-rf", work])
    if failed:
        print(f"{len(failed)} of {len(RESULTS)} cases failed: {', '.join(failed)}")
        sys.exit(1)
    print(f"all {len(RESULTS)} cases passed")


if __name__ == "__main__":
    main()
