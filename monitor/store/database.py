"""Opening the database for a command: connect, migrate to head, hand out sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from monitor.errors import RuntimeFailure
from monitor.store import migrate
from monitor.store.engine import make_engine, session_factory

log = logging.getLogger(__name__)


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Everything inside commits together or not at all."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_database(
    database_url: str, busy_timeout_seconds: float = 30.0, upgrade: bool = True
) -> Database:
    """Connect and (by default) bring the schema to the newest revision.

    Raises ``DatabaseUnavailable`` with the URL (password hidden) when it cannot connect.
    """
    engine = make_engine(database_url, busy_timeout_seconds)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        if upgrade and not migrate.is_up_to_date(engine):
            log.info("upgrading database schema", extra={"database": shown})
            migrate.upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"cannot use the database {shown}: {_first_line(exc)}") from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"database {shown} failed: {_first_line(exc)}") from None
    return Database(engine=engine, sessions=session_factory(engine))


def _first_line(exc: Exception) -> str:
    origin = getattr(exc, "orig", None) or exc
    return str(origin).strip().splitlines()[0] if str(origin).strip() else type(origin).__name__


class DatabaseUnavailable(RuntimeFailure):
    """The database cannot be reached or migrated; nothing was written."""
