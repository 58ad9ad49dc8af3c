"""A private Kafka cluster for integration tests and benchmarks: librdkafka's mock cluster run by
tests/tools/kmock on 127.0.0.1 (ports picked by the OS), fed and read with kcat. Debian's
/usr/bin/python3, stdlib only.

    with KafkaMock(kmock_binary, brokers=3) as kafka:
        kafka.create_topic("orders", 3)
        kafka.produce("orders", [("k1", '{"id":1}'), ("k1", None)])   # None: a tombstone
        for partition, offset, key, value in kafka.consume("orders"):
            ...
        kafka.broker_down(1); kafka.broker_up(1)
        kafka.inject_errors("Fetch", ["NOT_LEADER_FOR_PARTITION"], count=3)
        kafka.committed_offsets("group-1", "orders")   # {partition: offset or None}

Everything lives in kmock's memory and is gone when it stops. Its directory (bootstrap file,
stderr log, kcat input files) is removed by stop() unless keep=True or STARCDC_KEEP_KAFKA=1.

The mock's limits (tests/README.md, specs/test-env-recipes.md section 4): each partition keeps
only its newest 5 MiB of record batches and drops older ones silently (check watermarks() when
producing much), PLAINTEXT only, no admin API (topics come from create_topic() or
auto-creation, 4 partitions), a consumer group's first join waits 3 s, and transactions are
accepted but not isolated (read_committed sees aborted records)."""

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

KCAT = shutil.which("kcat") or "/usr/bin/kcat"
START_TIMEOUT_S = 10
COMMAND_TIMEOUT_S = 30
# Message and key separators handed to kcat -D / -K: ASCII record and unit separators, which
# no test message may contain (produce() checks).
MESSAGE_SEP = b"\x1e"
KEY_SEP = b"\x1f"
# Client settings that make consumer groups usable against the mock: its rebalance waits for
# session.timeout.ms, 45 s by default.
GROUP_SETTINGS = {"session.timeout.ms": "6000", "heartbeat.interval.ms": "500",
                  "auto.offset.reset": "earliest"}


def default_kmock():
    """kmock from $STARCDC_KMOCK, else the usual build directories beside the source tree."""
    if os.environ.get("STARCDC_KMOCK"):
        return os.environ["STARCDC_KMOCK"]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for build in ("build", "../build"):
        path = os.path.join(root, build, "tests", "tools", "kmock")
        if os.path.exists(path):
            return os.path.normpath(path)
    return "kmock"


class KafkaError(RuntimeError):
    pass


class KafkaMock:
    """One kmock process. Control commands go to its stdin and each waits for its answer."""

    def __init__(self, kmock=None, brokers=3, topics=None, keep=False):
        self.kmock = kmock or default_kmock()
        self.brokers = brokers
        self.initial_topics = dict(topics or {})
        self.keep = keep or os.environ.get("STARCDC_KEEP_KAFKA") == "1"
        self.dir = None
        self.proc = None
        self.bootstrap = None
        self._lock = threading.Lock()
        self._files = 0

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="starcdc-kafka-")
        self.log_path = os.path.join(self.dir, "kmock.log")
        bootstrap_file = os.path.join(self.dir, "bootstrap")
        topics = [f"{name}:{parts}" for name, parts in self.initial_topics.items()]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [self.kmock, "-b", str(self.brokers), "-f", bootstrap_file, *topics],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        first = self._read_line(START_TIMEOUT_S)
        if first is None or not os.path.exists(bootstrap_file):
            self.stop()
            raise KafkaError(f"kmock did not start; see {self.log_path}")
        self.bootstrap = first
        return self

    def stop(self):
        """Closes kmock's stdin (its signal to stop), then SIGTERM, then SIGKILL."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        if self.proc is not None and self.proc.stdout:
            self.proc.stdout.close()
        if self.dir and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- control commands (tests/tools/kmock.cpp lists them) ---------------------------------

    def _read_line(self, timeout):
        result = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            return None
        return result[0].decode().rstrip("\n")

    def command(self, line):
        """Sends one command; returns what follows "ok" in the answer, raises on "error"."""
        with self._lock:
            if self.proc.poll() is not None:
                raise KafkaError(f"kmock exited; see {self.log_path}")
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
            reply = self._read_line(COMMAND_TIMEOUT_S)
        if reply is None:
            raise KafkaError(f"kmock gave no answer to {line!r}; see {self.log_path}")
        if reply == "ok" or reply.startswith("ok "):
            return reply[3:]
        raise KafkaError(f"kmock: {line}: {reply}")

    def create_topic(self, name, partitions, replication=None):
        self.command(f"topic {name} {partitions}" + (f" {replication}" if replication else ""))

    def broker_down(self, broker):
        """The broker's listener refuses connections and drops the open ones (-1: all)."""
        self.command(f"down {broker}")

    def broker_up(self, broker):
        self.command(f"up {broker}")

    def set_rtt(self, broker, ms):
        self.command(f"rtt {broker} {ms}")

    def set_leader(self, topic, partition, broker):
        self.command(f"leader {topic} {partition} {broker}")

    def set_coordinator(self, group, broker, kind="group"):
        self.command(f"coordinator {kind} {group} {broker}")

    def inject_errors(self, api, errors, count=None, broker=None, delay_ms=0):
        """The next `count` (default: len(errors)) requests of `api` (a name such as "Produce",
        "Fetch", "OffsetCommit", or a number) fail with `errors` in turn, the last one repeated.
        Errors are names from rdkafka.h without the prefix ("NOT_LEADER_FOR_PARTITION",
        "_TRANSPORT" drops the connection) or numbers. With `broker`, only that broker's
        requests fail, each answer delayed by `delay_ms`; pending_errors() then counts what is
        left."""
        errors = [errors] if isinstance(errors, (str, int)) else list(errors)
        count = count or len(errors)
        if broker is None:
            self.command(f"error {api} {count} " + " ".join(str(e) for e in errors))
            return
        seq = [errors[min(i, len(errors) - 1)] for i in range(count)]
        self.command(f"broker-error {broker} {api} " +
                     " ".join(f"{e} {delay_ms}" for e in seq))

    def pending_errors(self, broker, api):
        return int(self.command(f"pending {broker} {api}"))

    def clear_errors(self, api):
        self.command(f"clear {api}")

    def committed_offsets(self, group, topic):
        """{partition: next offset to read} as committed by `group`; None where it committed
        nothing. Read with OffsetFetch by a client that does not join the group."""
        return {int(p): None if o == "none" else int(o)
                for p, o in (item.split("=") for item in self.command(
                    f"committed {group} {topic}").split())}

    def watermarks(self, topic):
        """{partition: (low, high)}; high is the offset the next message will get."""
        out = {}
        for item in self.command(f"watermarks {topic}").split():
            p, lo_hi = item.split("=")
            lo, hi = lo_hi.split(":")
            out[int(p)] = (int(lo), int(hi))
        return out

    def end_offsets(self, topic):
        return {p: hi for p, (_, hi) in self.watermarks(topic).items()}

    # --- kcat --------------------------------------------------------------------------------

    def _new_file(self, name):
        self._files += 1
        return os.path.join(self.dir, f"{self._files:04d}-{name}")

    @staticmethod
    def _props(props):
        out = []
        for k, v in (props or {}).items():
            out += ["-X", f"{k}={v}"]
        return out

    def produce(self, topic, messages, key=None, partition=None, headers=None,
                compression=None, props=None, timeout=120):
        """Produces `messages` in order. Each item is a value or a (key, value) pair; `key` is
        the key of items without one. Values and keys are str or bytes; a None value is a
        tombstone (NULL value); a None or empty key is no key (an empty value is sent as NULL
        too: kcat -Z). Without `partition`, kcat's partitioner picks by key (random when
        keyless). Returns the number of messages; raises when kcat reports a failure."""
        path = self._new_file(f"produce-{topic}")
        count = 0
        with open(path, "wb") as f:
            for item in messages:
                k, v = item if isinstance(item, tuple) else (key, item)
                kb = b"" if k is None else (k if isinstance(k, bytes) else str(k).encode())
                vb = b"" if v is None else (v if isinstance(v, bytes) else str(v).encode())
                for part in (kb, vb):
                    if MESSAGE_SEP in part or KEY_SEP in part:
                        raise ValueError("a message or key contains \\x1e or \\x1f")
                f.write(kb + KEY_SEP + vb + MESSAGE_SEP)
                count += 1
        cmd = [KCAT, "-P", "-b", self.bootstrap, "-t", topic, "-K", "\\x1f", "-D", "\\x1e",
               "-Z", *self._props(props)]
        if partition is not None:
            cmd += ["-p", str(partition)]
        if compression:
            cmd += ["-z", compression]
        for h in headers or ():
            cmd += ["-H", h]
        with open(path, "rb") as stdin:
            r = subprocess.run(cmd, stdin=stdin, capture_output=True, timeout=timeout)
        if r.returncode != 0 or b"delivery failed" in r.stderr.lower():
            raise KafkaError(f"kcat -P {topic}: rc={r.returncode}: "
                             f"{r.stderr.decode(errors='replace')[-2000:]}")
        if not self.keep:
            os.unlink(path)
        return count

    def consume(self, topic, partition=None, offset="beginning", count=None, group=None,
                props=None, raw=False, timeout=120):
        """Reads `topic` until the end of every partition (kcat -e): a list of
        (partition, offset, key, value), key and value None when NULL, str unless raw=True.
        With `group`, reads as a member of that consumer group (kcat -G: starts at the
        group's committed offsets, commits what it read when it leaves)."""
        fmt = "%p %o %K %S\\n%k%s"
        cmd = [KCAT, "-b", self.bootstrap, "-e", "-q", "-f", fmt, *self._props(props)]
        if group is not None:
            cmd += ["-G", group, *self._props(GROUP_SETTINGS)]
        else:
            cmd += ["-C", "-t", topic, "-o", str(offset)]
            if partition is not None:
                cmd += ["-p", str(partition)]
        if count is not None:
            cmd += ["-c", str(count)]
        if group is not None:
            cmd.append(topic)
        r = subprocess.run(cmd, capture_output=True, timeout=timeout)
        if r.returncode != 0:
            raise KafkaError(f"kcat consume {topic}: rc={r.returncode}: "
                             f"{r.stderr.decode(errors='replace')[-2000:]}")
        return parse_records(r.stdout, raw)

    def consumer(self, topic, group=None, props=None):
        """A kcat consumer running in the background (until stop()), for tests that change the
        cluster while it reads: records() returns what it printed so far."""
        return BackgroundConsumer(self, topic, group, props)

    def metadata(self):
        r = subprocess.run([KCAT, "-L", "-J", "-b", self.bootstrap], capture_output=True,
                           timeout=30)
        if r.returncode != 0:
            raise KafkaError(f"kcat -L: {r.stderr.decode(errors='replace')}")
        return json.loads(r.stdout)


class BackgroundConsumer:
    def __init__(self, kafka, topic, group, props):
        self.path = kafka._new_file(f"consume-{topic}")
        self.err_path = self.path + ".err"
        fmt = "%p %o %K %S\\n%k%s"
        cmd = [KCAT, "-b", kafka.bootstrap, "-u", "-q", "-f", fmt, *kafka._props(props)]
        if group is not None:
            cmd += ["-G", group, *kafka._props(GROUP_SETTINGS), topic]
        else:
            cmd += ["-C", "-t", topic, "-o", "beginning"]
        self.out = open(self.path, "wb")
        self.err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=self.err)

    def records(self, raw=False):
        with open(self.path, "rb") as f:
            return parse_records(f.read(), raw, partial_ok=True)

    def wait_for(self, n, timeout=60):
        """Waits until at least n records arrived; returns them (or raises with what came)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            recs = self.records()
            if len(recs) >= n:
                return recs
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise KafkaError(f"consumer: {len(self.records())} of {n} records; "
                         f"stderr: {open(self.err_path, errors='replace').read()[-2000:]}")

    def stop(self):
        """SIGTERM: kcat leaves its group (committing what it read) and exits."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        self.err.close()
        return self.records()


def parse_records(data, raw=False, partial_ok=False):
    """kcat output in the "%p %o %K %S\\n%k%s" format: a header line with the key and value
    lengths (-1 = NULL), then the bytes themselves. Binary-safe."""
    out = []
    pos = 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl < 0:
            if partial_ok:
                break
            raise KafkaError(f"truncated kcat output at byte {pos}")
        p, o, klen, vlen = (int(x) for x in data[pos:nl].split())
        pos = nl + 1
        kn, vn = max(klen, 0), max(vlen, 0)
        if pos + kn + vn > len(data):
            if partial_ok:
                break
            raise KafkaError(f"truncated kcat output at byte {pos}")
        k = None if klen < 0 else data[pos:pos + kn]
        v = None if vlen < 0 else data[pos + kn:pos + kn + vn]
        pos += kn + vn
        if not raw:
            k = None if k is None else k.decode("utf-8", "replace")
            v = None if v is None else v.decode("utf-8", "replace")
        out.append((p, o, k, v))
    return out
