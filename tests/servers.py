"""Real Redis and PostgreSQL servers for the tests: Debian's `redis-server` and `postgresql`,
each started in a temporary folder on a free port and stopped at the end of the session.

PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user
(made by Debian's package; `nobody` otherwise) and its commands run as that user. Each
pytest-xdist worker starts its own servers (free ports, own folders)."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REDIS_MISSING = "redis-server is not installed (Debian: apt-get install redis-server; ./bootstrap test does)"
PR_SET_PDEATHSIG = 1
POSTGRES_MISSING = "PostgreSQL is not installed (Debian: apt-get install postgresql; ./bootstrap test does)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child: the kernel ends it when the test process ends, however that ends."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_for_port(port: int, process: subprocess.Popen[bytes] | None, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.02)
    raise RuntimeError(f"nothing listens on port {port} after {timeout_s} s")


class RedisServer:
    """`redis-server` without persistence, on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip(REDIS_MISSING)
        self.folder = Path(tempfile.mkdtemp(prefix="intervox-redis-"))
        self.port = free_port()
        argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        argv += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"]
        log = (self.folder / "redis.log").open("wb")
        self.process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
        atexit.register(self.stop)
        _wait_for_port(self.port, self.process)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
            if self.process.poll() is None:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def _postgres_bin() -> Path | None:
    """The folder of `initdb`/`pg_ctl`: on the PATH, else Debian's /usr/lib/postgresql/<v>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    return Path(folders[-1]) if folders and Path(folders[-1], "pg_ctl").exists() else None


def _unprivileged_user() -> str | None:
    """Who runs PostgreSQL: ourselves unless we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("running as root and neither `postgres` nor `nobody` exists to run PostgreSQL")


class PostgresServer:
    """A throw-away cluster (trust authentication, no fsync) made by initdb and started by pg_ctl;
    `database()` gives each test an empty database of its own."""

    def __init__(self) -> None:
        bin_dir = _postgres_bin()
        if bin_dir is None:
            pytest.skip(POSTGRES_MISSING)
        self.bin, self.user = bin_dir, _unprivileged_user()
        self._reap_orphans()
        # /tmp is world-searchable, unlike pytest's 0700 tmp_path: the cluster's owner reaches it
        self.folder = Path(tempfile.mkdtemp(prefix="intervox-pg-"))
        if self.user is not None:
            shutil.chown(self.folder, self.user)
        (self.folder / "owner").write_text(str(os.getpid()))
        self.data = self.folder / "data"
        self.port = free_port()
        self._run("initdb", "-D", self.data, "-U", "intervox", "--auth=trust", "-E", "UTF8", "--no-locale")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        self._run("pg_ctl", "-D", self.data, "-l", self.folder / "postgres.log", "-o", options, "-w", "start")
        atexit.register(self.stop)
        self.url = f"postgresql+psycopg://intervox@127.0.0.1:{self.port}/postgres"
        self._count = 0

    def _reap_orphans(self) -> None:
        """pg_ctl detaches the server, so a test run that was killed leaves it running: stop
        the clusters whose test process is gone."""
        for folder in Path(tempfile.gettempdir()).glob("intervox-pg-*"):
            with contextlib.suppress(OSError, ValueError):
                os.kill(int((folder / "owner").read_text()), 0)
                continue  # its test process still runs
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", folder / "data", "-m", "immediate", "-w", "stop")
            shutil.rmtree(folder, ignore_errors=True)

    def _run(self, tool: str, *args: object) -> None:
        argv = [str(self.bin / tool), *map(str, args)]
        done = subprocess.run(argv, capture_output=True, user=self.user, cwd=self.folder, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout.decode()} {done.stderr.decode()}")

    def database(self) -> str:
        """A new, empty database; its SQLAlchemy URL."""
        import psycopg

        self._count += 1
        name = f"test_{os.getpid()}_{self._count}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=intervox dbname=postgres") as conn:
            conn.autocommit = True
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://intervox@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.data.exists() and (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


_postgres: PostgresServer | None = None


def shared_postgres() -> PostgresServer:
    """This process's PostgreSQL, started on first use and stopped at the end of the session
    (`INTERVOX_TEST_DATABASE=postgres` runs the API tests on it too)."""
    global _postgres
    if _postgres is None:
        _postgres = PostgresServer()
    return _postgres


def stop_shared_postgres() -> None:
    global _postgres
    if _postgres is not None:
        _postgres.stop()
        _postgres = None


def api_database_url(tmp_path: Path) -> str:
    """The database URL an API test uses: a SQLite file in `tmp_path`, or with
    INTERVOX_TEST_DATABASE=postgres a new database on this process's PostgreSQL."""
    if os.environ.get("INTERVOX_TEST_DATABASE") == "postgres":
        return shared_postgres().database()
    return f"sqlite:///{tmp_path}/api.db"
