"""Pytest plugin: a throwaway PostgreSQL server and a fresh database per test.

Fixtures:
- ``pg_server`` (session): the server, as a :class:`PgServer`. Uses ``POS_TEST_PG_URL`` when
  set, otherwise starts its own server from the local binaries (one per xdist worker).
- ``pg_url`` (function): a new, uniquely named database on it, as a SQLAlchemy URL;
  dropped after the test.

Tests using either fixture get the ``postgres`` marker automatically. Where no server can
be started the tests skip with the reason, unless ``POS_REQUIRE_PG`` is set (as in
``.ci/run``): then they fail.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote, unquote, urlsplit

import pytest

SUPERUSER = "postgres"
LOOPBACK = "127.0.0.1"
_PG_FIXTURES = frozenset({"pg_server", "pg_url"})


class PgUnavailable(Exception):
    """No local PostgreSQL can be started here (missing binaries or system user)."""


class PgStartError(Exception):
    """The binaries exist but initdb or the server failed."""


def _require_pg() -> bool:
    return os.environ.get("POS_REQUIRE_PG", "").strip().lower() not in ("", "0", "false", "no")


# --------------------------------------------------------------------------- local server


def find_pg_bindir() -> Path:
    """The folder holding initdb and pg_ctl: PATH first, then the newest /usr/lib/postgresql."""
    candidates: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        # Resolve symlinks (/usr/local/bin/pg_ctl -> /usr/lib/postgresql/15/bin/pg_ctl) so
        # initdb, pg_ctl and postgres all come from one installation.
        candidates.append(Path(os.path.realpath(on_path)).parent)

    def version_key(path: str) -> tuple[int, ...]:
        version = Path(path).parent.name
        return tuple(int(part) for part in re.findall(r"\d+", version)) or (0,)

    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key, reverse=True)
    candidates.extend(Path(p) for p in debian)
    for bindir in candidates:
        if all(os.access(bindir / exe, os.X_OK) for exe in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise PgUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH or in "
        "/usr/lib/postgresql/*/bin; install the Debian package 'postgresql' "
        "or set POS_TEST_PG_URL"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def _world_traversable(path: Path) -> bool:
    """True when every folder above ``path`` lets another user (postgres) pass through."""
    for parent in [path, *path.parents]:
        if not os.stat(parent).st_mode & 0o001:
            return False
    return True


class LocalCluster:
    """A data folder and the server running on it; started as ``postgres`` when we are root."""

    def __init__(self, bindir: Path, worker: str) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.owner: pwd.struct_passwd | None = None
        if self.as_root:
            # PostgreSQL refuses to run as root; hand the folder to the postgres user.
            try:
                self.owner = pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise PgUnavailable(
                    "running as root and there is no 'postgres' system user to run the "
                    "server as; install the Debian package 'postgresql'"
                ) from None
            if not shutil.which("runuser"):
                raise PgUnavailable("running as root and 'runuser' (util-linux) is missing")
        base = Path(tempfile.gettempdir())
        if self.as_root and not _world_traversable(base):
            base = Path("/tmp")
        self.root = Path(tempfile.mkdtemp(prefix=f"pos-pg-{worker}-", dir=base))
        self.datadir = self.root / "data"
        self.sockdir = self.root / "sock"
        self.logfile = self.root / "server.log"
        self.sockdir.mkdir()
        if self.owner is not None:
            for path in (self.root, self.sockdir):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        self.port = 0
        self.running = False
        self.removed = False

    # -- process helpers

    def _run(self, exe: str, args: Sequence[str], timeout: float = 120) -> str:
        cmd = [str(self.bindir / exe), *args]
        if self.owner is not None:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        # cwd: pg_ctl fails when it cannot read the current folder (e.g. /root as postgres).
        proc = subprocess.run(
            cmd,
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            raise PgStartError(
                f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
                + self._log_tail()
            )
        return proc.stdout

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.logfile.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return "\n--- server log (tail) ---\n" + "\n".join(text) if text else ""

    # -- lifecycle

    def initdb(self) -> None:
        common = ["-D", str(self.datadir), "-A", "trust", "-U", SUPERUSER]
        common += ["--no-sync", "-E", "UTF8"]
        try:
            self._run("initdb", [*common, "--locale=C.UTF-8"])
        except PgStartError:
            # Some systems lack the C.UTF-8 locale: fall back to plain C.
            shutil.rmtree(self.datadir, ignore_errors=True)
            self._run("initdb", [*common, "--no-locale"])

    def _options(self) -> str:
        # Speed without lying about commits: fsync=off only skips flushes to disk, which a
        # killed server does not need. synchronous_commit stays on on purpose: with it off,
        # rows committed just before stop() (-m immediate) are lost on restart (seen 3/3
        # here), which would break the "server dies mid-sale" tests.
        return (
            f"-h {LOOPBACK} -p {self.port} -k {self.sockdir} -F"
            " -c fsync=off -c full_page_writes=off"
            " -c max_connections=200"
        )

    def start(self) -> None:
        """Start the server; the first start picks a free port, later ones reuse it."""
        if self.running:
            return
        attempts = 1 if self.port else 3
        for attempt in range(attempts):
            if not self.port or attempt:
                self.port = _free_port()
            try:
                # -l matters: without it the server inherits our pipes and run() never returns.
                where = ["-D", str(self.datadir), "-l", str(self.logfile)]
                self._run("pg_ctl", ["-w", "-t", "60", *where, "-o", self._options(), "start"])
            except PgStartError:
                if attempt == attempts - 1:
                    raise
                continue  # most likely another process took the port in between
            self.running = True
            return

    def stop(self) -> None:
        """Stop at once, like a crash: the next start runs recovery."""
        if not self.running:
            return
        self._run("pg_ctl", ["-w", "-D", str(self.datadir), "-m", "immediate", "stop"])
        self.running = False

    def destroy(self) -> None:
        if self.removed:
            return
        try:
            self.stop()
        except (PgStartError, subprocess.TimeoutExpired):
            pass
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.removed = True


# --------------------------------------------------------------------------- the value


@dataclass(frozen=True)
class PgServer:
    """A PostgreSQL server for tests. ``base_url`` points at its admin database."""

    host: str
    port: int
    user: str
    base_url: str
    password: str | None = field(default=None, repr=False)
    _netloc: str = field(default="", repr=False)
    _query: str = field(default="", repr=False)
    _admin_db: str = field(default="postgres", repr=False)
    _cluster: LocalCluster | None = field(default=None, repr=False, compare=False)

    @classmethod
    def local(cls, cluster: LocalCluster) -> PgServer:
        netloc = f"{SUPERUSER}@{LOOPBACK}:{cluster.port}"
        return cls(
            host=LOOPBACK,
            port=cluster.port,
            user=SUPERUSER,
            base_url=f"postgresql+psycopg://{netloc}/postgres",
            _netloc=netloc,
            _cluster=cluster,
        )

    @classmethod
    def from_url(cls, url: str) -> PgServer:
        """An existing server, from ``postgresql+psycopg://user[:pw]@host:port/dbname``."""
        parts = urlsplit(url)
        if not parts.scheme.startswith(("postgresql", "postgres")):
            raise ValueError(f"not a PostgreSQL URL: {url!r}")
        admin_db = parts.path.lstrip("/") or "postgres"
        return cls(
            host=parts.hostname or "",
            port=parts.port or 5432,
            user=unquote(parts.username or ""),
            base_url=url,
            password=unquote(parts.password) if parts.password is not None else None,
            _netloc=parts.netloc,
            _query=parts.query,
            _admin_db=admin_db,
        )

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL of database ``dbname`` on this server."""
        query = f"?{self._query}" if self._query else ""
        return f"postgresql+psycopg://{self._netloc}/{quote(dbname, safe='')}{query}"

    @property
    def admin_dsn(self) -> str:
        """libpq connection string (URI form) for psycopg, on the admin database."""
        query = f"?{self._query}" if self._query else ""
        return f"postgresql://{self._netloc}/{quote(self._admin_db, safe='')}{query}"

    def dsn(self, dbname: str) -> str:
        """libpq connection string for psycopg, on database ``dbname``."""
        query = f"?{self._query}" if self._query else ""
        return f"postgresql://{self._netloc}/{quote(dbname, safe='')}{query}"

    # -- fault injection (only for a server this plugin started)

    @property
    def can_restart(self) -> bool:
        return self._cluster is not None

    def _own_cluster(self) -> LocalCluster:
        if self._cluster is None:
            raise RuntimeError("cannot stop/start an external server (POS_TEST_PG_URL)")
        return self._cluster

    @property
    def running(self) -> bool:
        return self._cluster.running if self._cluster is not None else True

    def stop(self) -> None:
        """Kill the server immediately (no clean shutdown), keeping its data."""
        self._own_cluster().stop()

    def start(self) -> None:
        """Start it again on the same folder and port."""
        self._own_cluster().start()

    def terminate_backends(self, dbname: str) -> int:
        """Kill every connection to ``dbname``; return how many, once they are gone."""
        import psycopg

        with psycopg.connect(self.admin_dsn, autocommit=True, connect_timeout=10) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (dbname,),
            ).fetchall()
            pids = [row[0] for row in rows]
            for pid in pids:
                conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
            # Termination is asynchronous: wait so the caller's next query surely fails.
            deadline = time.monotonic() + 10
            while pids and time.monotonic() < deadline:
                left = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)
                ).fetchone()
                if not left or left[0] == 0:
                    break
                time.sleep(0.02)
        return len(pids)


# --------------------------------------------------------------------------- fixtures


def _unavailable(reason: str) -> NoReturn:
    if _require_pg():
        pytest.fail(f"PostgreSQL required (POS_REQUIRE_PG is set) but unavailable: {reason}")
    pytest.skip(f"PostgreSQL unavailable: {reason}")


def _check_connects(server: PgServer) -> None:
    import psycopg

    try:
        with psycopg.connect(server.admin_dsn, autocommit=True, connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        pytest.fail(f"cannot connect to PostgreSQL at {server.base_url}: {exc}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server (external via POS_TEST_PG_URL, or our own)."""
    external = os.environ.get("POS_TEST_PG_URL", "").strip()
    if external:
        server = PgServer.from_url(external)
        _check_connects(server)
        yield server
        return

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    try:
        cluster = LocalCluster(find_pg_bindir(), worker)
    except PgUnavailable as exc:
        _unavailable(str(exc))
    atexit.register(cluster.destroy)  # in case the session dies before teardown
    try:
        cluster.initdb()
        cluster.start()
    except (PgStartError, subprocess.TimeoutExpired) as exc:
        cluster.destroy()
        pytest.fail(f"could not start a throwaway PostgreSQL server: {exc}")
    server = PgServer.local(cluster)
    try:
        yield server
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh empty database on ``pg_server``; its SQLAlchemy URL. Dropped afterwards."""
    import psycopg
    from psycopg import sql

    if not pg_server.running:  # an earlier test stopped it and did not restart it
        pg_server.start()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    dbname = f"pos_test_{worker}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.admin_dsn, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    try:
        yield pg_server.url(dbname)
    finally:
        if not pg_server.running:  # the test stopped the server: bring it back to drop
            pg_server.start()
        with psycopg.connect(pg_server.admin_dsn, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
            )


# --------------------------------------------------------------------------- hooks


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgres: needs a real PostgreSQL server (POS_TEST_PG_URL or local binaries)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a PostgreSQL fixture, so ``-m 'not postgres'`` works."""
    for item in items:
        if _PG_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
