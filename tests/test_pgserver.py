"""The PostgreSQL test fixtures themselves: a real database, restarts, killed connections."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.pgserver import PgServer

psycopg = pytest.importorskip("psycopg")


def _dsn(sqlalchemy_url: str) -> str:
    """libpq accepts the SQLAlchemy URL once the '+psycopg' driver suffix is gone."""
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_pg_url_is_a_fresh_database(pg_url: str) -> None:
    assert pg_url.startswith("postgresql+psycopg://")
    dbname = urlsplit(pg_url).path.lstrip("/")
    with psycopg.connect(_dsn(pg_url), autocommit=True) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (dbname,)
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        assert tables == (0,)
        conn.execute("CREATE TABLE sale (id serial PRIMARY KEY, total_cents integer NOT NULL)")
        conn.execute("INSERT INTO sale (total_cents) VALUES (1250), (300)")
        rows = conn.execute("SELECT total_cents FROM sale ORDER BY id").fetchall()
    assert rows == [(1250,), (300,)]


def test_each_test_gets_its_own_database(pg_url: str) -> None:
    with psycopg.connect(_dsn(pg_url)) as conn:
        exists = conn.execute("SELECT to_regclass('public.sale')").fetchone()
    assert exists == (None,)


def test_url_and_admin_dsn(pg_server: PgServer) -> None:
    assert urlsplit(pg_server.url("shop")).path == "/shop"
    with psycopg.connect(pg_server.admin_dsn) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_from_url_keeps_credentials_and_query() -> None:
    server = PgServer.from_url(
        "postgresql+psycopg://pos:s%40cret@db.test:6543/admin?sslmode=disable"
    )
    assert (server.host, server.port, server.user, server.password) == (
        "db.test",
        6543,
        "pos",
        "s@cret",
    )
    assert (
        server.url("pos_1")
        == "postgresql+psycopg://pos:s%40cret@db.test:6543/pos_1?sslmode=disable"
    )
    assert server.admin_dsn == "postgresql://pos:s%40cret@db.test:6543/admin?sslmode=disable"
    assert not server.can_restart


def test_stop_and_start_keeps_data(pg_server: PgServer, pg_url: str) -> None:
    if not pg_server.can_restart:
        pytest.skip("external server (POS_TEST_PG_URL) cannot be restarted")
    with psycopg.connect(_dsn(pg_url), autocommit=True) as conn:
        conn.execute("CREATE TABLE ticket (n integer)")
        conn.execute("INSERT INTO ticket VALUES (7)")
        pg_server.stop()
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(_dsn(pg_url), connect_timeout=2)

    pg_server.start()
    with psycopg.connect(_dsn(pg_url)) as conn:
        assert conn.execute("SELECT n FROM ticket").fetchall() == [(7,)]


def test_terminate_backends_kills_open_connection(pg_server: PgServer, pg_url: str) -> None:
    dbname = urlsplit(pg_url).path.lstrip("/")
    with psycopg.connect(_dsn(pg_url), autocommit=True) as victim:
        assert victim.execute("SELECT 1").fetchone() == (1,)
        assert pg_server.terminate_backends(dbname) == 1
        with pytest.raises(psycopg.OperationalError):
            victim.execute("SELECT 1")
        assert victim.closed
    # The database itself is fine: new connections work.
    with psycopg.connect(_dsn(pg_url)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_pg_url_teardown_restarts_a_stopped_server(pg_server: PgServer, pg_url: str) -> None:
    """A test that dies with the server down must not break the tests after it."""
    if not pg_server.can_restart:
        pytest.skip("external server (POS_TEST_PG_URL) cannot be restarted")
    pg_server.stop()
    assert not pg_server.running


def test_server_is_back_after_a_test_left_it_stopped(pg_url: str) -> None:
    with psycopg.connect(_dsn(pg_url)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_tests_using_the_fixtures_get_the_postgres_marker(
    pg_server: PgServer, request: pytest.FixtureRequest
) -> None:
    assert request.node.get_closest_marker("postgres") is not None


def test_tests_without_the_fixtures_are_not_marked(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("postgres") is None
