"""One daemon per database: a file lock on SQLite, a PostgreSQL advisory lock otherwise.

SQLite: an exclusive ``flock`` on ``<database file>.daemon.lock``. The kernel drops it when
the process dies, however it dies, so a SIGKILL never leaves a stale lock behind.

PostgreSQL: a session-level ``pg_try_advisory_lock`` held on a dedicated connection. The
server releases it when that session ends (the leader exited, was killed, or its network
went away and TCP keepalives noticed), so a standby polling for it takes over. Advisory
locks are scoped to one database, so replicas of other installations on the same server
do not interfere.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from monitor.config.settings import Settings
from monitor.store.engine import normalized_url

log = logging.getLogger(__name__)

# Any constant works, as long as every replica uses the same one (and not the migration lock).
PG_LEADER_LOCK = 0x636D6C64
# Notice a leader whose network vanished within about 10 + 3 * 5 seconds.
_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5}
_KEEPALIVES |= {"keepalives_count": 3}


class DaemonLock(Protocol):
    can_wait: bool  # True: a second daemon stands by; False: it refuses to start

    def try_acquire(self) -> bool: ...

    def still_held(self) -> bool: ...

    def release(self) -> None: ...

    def describe(self) -> str: ...


class FileLock:
    can_wait = False

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def still_held(self) -> bool:
        return self._fd is not None

    def holder(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def describe(self) -> str:
        holder = self.holder()
        return f"lock file {self.path}" + (f" (held by pid {holder})" if holder else "")


class PostgresLeaderLock:
    can_wait = True

    def __init__(self, database_url: str, key: int = PG_LEADER_LOCK) -> None:
        self.key = key
        self._engine: Engine = create_engine(
            normalized_url(database_url),
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args=_KEEPALIVES,
        )
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        try:
            connection = self._engine.connect()
        except SQLAlchemyError as exc:
            log.warning("cannot reach PostgreSQL to take the leader lock: %s", exc)
            return False
        try:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            ).scalar()
        except SQLAlchemyError as exc:
            log.warning("taking the leader lock failed: %s", exc)
            got = False
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def still_held(self) -> bool:
        """The lock lives exactly as long as its session: a live session still holds it."""
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            self._connection = None
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                self._connection.close()
            except SQLAlchemyError:
                pass  # the session is gone, and the lock with it
            self._connection = None
        self._engine.dispose()

    def describe(self) -> str:
        return f"PostgreSQL advisory lock {self.key}"


def lock_for(settings: Settings) -> DaemonLock:
    url = settings.storage.database_url
    assert url is not None and settings.storage.data_dir is not None  # filled by the loader
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return PostgresLeaderLock(url)
    database = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if database and database != ":memory:":
        return FileLock(
            Path(database).expanduser().resolve().with_name(Path(database).name + ".daemon.lock")
        )
    return FileLock(settings.storage.data_dir / "daemon.lock")
