"""A throw-away PostgreSQL cluster for tests and benchmarks.

`PgServer` runs Debian's `initdb` into a temporary folder (as the `postgres` OS user when
we are root, since initdb refuses root), starts the server on a unix socket in that folder
(no TCP port at all), hands out fresh databases as SQLAlchemy URLs, and stops the server
and removes the folder afterwards. Where PostgreSQL is not installed or will not start,
`unavailable_reason()` says why, so callers can skip with that reason.
STUDYPLAN_TEST_NO_POSTGRES=1 turns it off (to run only the SQLite half).

    from pgserver import shared_server
    server = shared_server()          # one cluster per process, stopped at exit
    if server.error: pytest.skip(server.error)
    url = server.create_database()    # postgresql+psycopg://postgres@/db_1?host=/tmp/...

Run it as a script to start a cluster by hand: `python tests/pgserver.py` prints a URL and
waits for Ctrl-C.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

START_TIMEOUT_S = 60


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian layout, or initdb on PATH)."""
    candidates = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if candidates:
        newest = max(candidates, key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
        return Path(newest).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PgServer:
    """One throw-away cluster; `start()` never raises, it records `error` instead."""

    def __init__(self, fast: bool = True):
        self.fast = fast  # fsync off: nothing here must survive a power cut
        self.root: Path | None = None
        self.error: str | None = None
        self.started = False
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._as_user: list[str] = []

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> PgServer:
        try:
            self._start()
        except Exception as exc:  # every failure becomes a reason to skip, never a crash
            self.error = f"PostgreSQL could not be started: {exc}"
            self.stop()
        return self

    def _start(self) -> None:
        if os.environ.get("STUDYPLAN_TEST_NO_POSTGRES"):
            raise RuntimeError("disabled by STUDYPLAN_TEST_NO_POSTGRES")
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise RuntimeError("no initdb found (install Debian's 'postgresql' package; 'make test' does when root)")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise RuntimeError("the psycopg driver is not installed (pip install 'psycopg[binary]')") from None
        self.root = Path(tempfile.mkdtemp(prefix="studyplan-pg-"))
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise RuntimeError("running as root and no 'runuser' to drop to the postgres user")
            try:
                import pwd

                user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no 'postgres' OS user") from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as_user = [runuser, "-u", "postgres", "--"]
        data = self.root / "data"
        self._run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                   "--locale=C", "--no-sync"], "initdb")
        options = [f"-c unix_socket_directories={self.root}", "-c listen_addresses=''", "-c max_connections=100",
                   "-c shared_buffers=32MB"]
        if self.fast:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(self.root / "server.log"), "-w",
                   "-t", str(START_TIMEOUT_S), "-o", " ".join(options), "start"], "pg_ctl start")
        self.bin_dir = bin_dir
        self.started = True

    def _run(self, argv: list[str], what: str) -> None:
        proc = subprocess.run(self._as_user + argv, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30,
                              cwd=str(self.root))
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            log = self.root / "server.log" if self.root else None
            if log is not None and log.exists():
                detail += log.read_text(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"{what} failed: {' / '.join(detail[-4:]) or 'exit ' + str(proc.returncode)}")

    def stop(self) -> None:
        if self.started and self.root is not None:
            subprocess.run(self._as_user + [str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-m",
                                            "immediate", "-w", "stop"], capture_output=True, timeout=60,
                           cwd=str(self.root))
            self.started = False
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    # ------------------------------------------------------------------ databases

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{dbname}?host={self.root}"

    def _admin(self):
        import psycopg

        return psycopg.connect(host=str(self.root), user="postgres", dbname="postgres", autocommit=True)

    def create_database(self, prefix: str = "studyplan") -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        with self._lock:
            name = f"{prefix}_{os.getpid()}_{next(self._counter)}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_shared: PgServer | None = None


def shared_server() -> PgServer:
    """The process's one cluster, started on first use and removed when the process exits."""
    global _shared
    if _shared is None:
        _shared = PgServer().start()
        atexit.register(_shared.stop)
    return _shared


def unavailable_reason() -> str | None:
    """None when a cluster is running; otherwise why PostgreSQL tests cannot run here."""
    return shared_server().error


# ---------------------------------------------------------------- pytest fixtures
# Import them into a test module or conftest (`from pgserver import db_url, pg_url`): the
# cluster itself is the process's one `shared_server()`, however many modules import them.

try:
    import pytest
except ImportError:  # benchmarks import this module without pytest
    pytest = None

if pytest is not None:

    @pytest.fixture
    def pg_url():
        """A fresh database on the throw-away cluster; skipped, with the reason, where there is none."""
        server = shared_server()
        if server.error:
            pytest.skip(server.error)
        url = server.create_database()
        yield url
        server.drop_database(url)

    @pytest.fixture(params=["sqlite", "postgresql"])
    def db_url(request, tmp_path):
        """The database of a test, once as a SQLite file and once on PostgreSQL."""
        if request.param == "sqlite":
            yield str(tmp_path / "study.db")
        else:
            yield request.getfixturevalue("pg_url")


if __name__ == "__main__":
    server = PgServer().start()
    if server.error:
        raise SystemExit(server.error)
    try:
        print(server.create_database(), flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def query(url: str, sql: str, **params) -> list[tuple]:
    """The rows of one SQL query on the database at *url*, through a short-lived engine."""
    from sqlalchemy import create_engine, text

    from studyplan.db.engine import database_url

    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()
