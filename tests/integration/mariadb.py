"""A private MariaDB for integration tests: 127.0.0.1 only, a port picked by the OS, a temporary
datadir, binlog ROW with FULL row image and FULL row metadata (specs/test-env-recipes.md sections
2-3). Debian's /usr/bin/python3 with python3-pymysql.

    with MariaDB(server_id=1) as db:
        db.create_user("cdc", "cdcpass")
        db.execute("CREATE DATABASE shop")
        print(db.host, db.port)

The server is stopped by its PID (SIGTERM, then SIGKILL after a grace period) and its directory
removed, unless keep=True or the environment sets STARCDC_KEEP_MARIADB=1 (for post-mortems)."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pymysql

MARIADBD = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
INSTALL_DB = shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _run_as_root_args():
    # mariadbd refuses to run as root unless told to.
    return ["--user=root"] if os.geteuid() == 0 else []


def _template_dir():
    """A datadir made once by mariadb-install-db and copied per server (about 4x faster than
    running install-db every time). Built in a temp dir and renamed into place, so concurrent
    test processes never see half of one."""
    version = subprocess.run([MARIADBD, "--version"], capture_output=True, text=True).stdout
    tag = "".join(c if c.isalnum() else "_" for c in version.split("Ver", 1)[-1].strip())[:40]
    path = os.path.join(tempfile.gettempdir(), f"starcdc-mdb-template-{os.geteuid()}-{tag}")
    if os.path.isdir(path):
        return path
    staging = tempfile.mkdtemp(prefix="starcdc-mdb-template-staging-")
    data = os.path.join(staging, "data")
    log = os.path.join(staging, "install.log")
    with open(log, "wb") as out:
        rc = subprocess.run(
            [INSTALL_DB, "--no-defaults", *_run_as_root_args(), f"--datadir={data}",
             "--auth-root-authentication-method=normal", "--skip-test-db",
             "--skip-name-resolve"], stdout=out, stderr=subprocess.STDOUT).returncode
    if rc != 0:
        with open(log, errors="replace") as f:
            text = f.read()
        shutil.rmtree(staging, ignore_errors=True)
        raise RuntimeError(f"mariadb-install-db failed ({rc}):\n{text}")
    try:
        os.rename(data, path)
    except OSError:
        pass  # another process won the race; its copy is as good
    shutil.rmtree(staging, ignore_errors=True)
    return path


class MariaDB:
    """One private mariadbd. `extra_args` are passed to mariadbd as they are (e.g. TLS files)."""

    def __init__(self, name="src", server_id=1, extra_args=(), keep=False):
        self.name = name
        self.server_id = server_id
        self.extra_args = list(extra_args)
        self.keep = keep or os.environ.get("STARCDC_KEEP_MARIADB") == "1"
        self.host = "127.0.0.1"
        self.port = None
        self.proc = None
        self.dir = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self):
        self.dir = tempfile.mkdtemp(prefix=f"starcdc-mdb-{self.name}-")
        self.datadir = os.path.join(self.dir, "data")
        self.socket = os.path.join(self.dir, "mysql.sock")
        self.error_log = os.path.join(self.dir, "error.log")
        shutil.copytree(_template_dir(), self.datadir, symlinks=True)
        # The OS picks a free port; another process may take it before mariadbd binds, so a
        # failed bind is retried with a new port.
        for attempt in range(5):
            self.port = _free_port()
            if self._launch():
                return self
            if "Address already in use" not in self._log_text() or attempt == 4:
                break
        raise RuntimeError(f"mariadbd did not start; {self.error_log}:\n{self._log_text()[-4000:]}")

    def _launch(self):
        args = [
            MARIADBD, "--no-defaults", *_run_as_root_args(),
            f"--datadir={self.datadir}", f"--socket={self.socket}", f"--port={self.port}",
            "--bind-address=127.0.0.1", f"--pid-file={os.path.join(self.dir, 'mariadbd.pid')}",
            f"--log-error={self.error_log}", f"--server-id={self.server_id}",
            f"--log-bin={os.path.join(self.datadir, 'binlog')}", "--binlog-format=ROW",
            "--binlog-row-image=FULL", "--binlog-row-metadata=FULL", "--skip-name-resolve",
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
            "--innodb-buffer-pool-size=64M", *self.extra_args,
        ]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                self.admin().close()
                return True
            except pymysql.err.OperationalError:
                time.sleep(0.05)
        self._kill()
        return False

    def restart(self):
        """Stops the server (SIGTERM, a clean shutdown) and starts it again on the same port and
        datadir; the binlog continues in a new file."""
        self._kill()
        if not self._launch():
            raise RuntimeError(f"mariadbd did not restart; {self.error_log}")
        return self

    def stop(self):
        self._kill()
        if self.dir and not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _kill(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _log_text(self):
        try:
            with open(self.error_log, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- SQL ---------------------------------------------------------------------------------

    def admin(self):
        """root over the Unix socket (root has no password in the private server)."""
        return pymysql.connect(unix_socket=self.socket, user="root", password="",
                               autocommit=True, connect_timeout=5)

    def connect(self, user, password, **kwargs):
        return pymysql.connect(host=self.host, port=self.port, user=user, password=password,
                               autocommit=True, connect_timeout=5, **kwargs)

    def execute(self, *statements):
        """Runs the statements as root; returns the rows of the last one."""
        conn = self.admin()
        try:
            with conn.cursor() as cur:
                rows = ()
                for sql in statements:
                    cur.execute(sql)
                    rows = cur.fetchall()
                return rows
        finally:
            conn.close()

    def scalar(self, sql):
        rows = self.execute(sql)
        return rows[0][0] if rows else None

    def create_user(self, user, password, plugin=None, host="%",
                    grants="REPLICATION SLAVE, REPLICATION CLIENT, SELECT", require_ssl=False):
        """Creates `user`@`host`. plugin None = mysql_native_password; "ed25519" installs the
        plugin when needed."""
        q = pymysql.converters.escape_string
        if plugin == "ed25519":
            self.install_plugin("ed25519", "auth_ed25519")
            ident = f"IDENTIFIED VIA ed25519 USING PASSWORD('{q(password)}')"
        elif plugin in (None, "mysql_native_password"):
            ident = f"IDENTIFIED BY '{q(password)}'"
        else:
            ident = f"IDENTIFIED VIA {plugin} USING PASSWORD('{q(password)}')"
        require = " REQUIRE SSL" if require_ssl else ""
        self.execute(f"CREATE USER '{q(user)}'@'{q(host)}' {ident}{require}",
                     f"GRANT {grants} ON *.* TO '{q(user)}'@'{q(host)}'")

    def install_plugin(self, name, soname):
        have = self.execute(f"SELECT PLUGIN_STATUS FROM information_schema.PLUGINS "
                            f"WHERE PLUGIN_NAME = '{name}'")
        if not have:
            self.execute(f"INSTALL SONAME '{soname}'")

    def binlog_status(self):
        """(file, position) of the end of the binlog."""
        rows = self.execute("SHOW MASTER STATUS")
        return rows[0][0], int(rows[0][1])
