"""One engine and session factory per database URL, tuned so processes can share SQLite.

WAL lets the daemon write while a CLI command reads; ``busy_timeout`` makes a writer wait
for another process's transaction instead of failing with "database is locked".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from monitor.errors import ConfigError, RuntimeFailure


def normalized_url(database_url: str) -> URL:
    """The parsed URL, with PostgreSQL on psycopg 3, the driver the `postgres` extra installs.

    ``postgresql://`` and ``postgresql+psycopg2://`` would otherwise ask for psycopg2.
    """
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise ConfigError(f"storage.database_url is not a valid database URL: {exc}") from None
    if url.get_backend_name() == "postgresql" and url.get_driver_name() in ("psycopg2", ""):
        url = url.set(drivername="postgresql+psycopg")
    return url


def make_engine(database_url: str, busy_timeout_seconds: float = 30.0) -> Engine:
    url = normalized_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(database_url, url.database, busy_timeout_seconds)
    return create_engine(url, pool_pre_ping=True, future=True)


def _sqlite_engine(database_url: str, database: str | None, busy_timeout: float) -> Engine:
    if database and database != ":memory:":
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RuntimeFailure(
                f"cannot create the database folder {folder}: {exc.strerror or exc}"
            ) from None
    engine = create_engine(database_url, connect_args={"timeout": busy_timeout}, future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling is disabled so "BEGIN IMMEDIATE" below takes the
        # write lock up front: two writers then queue on busy_timeout instead of deadlocking.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, future=True)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: everything inside commits together or not at all."""
    with factory() as session, session.begin():
        yield session
