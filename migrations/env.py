"""Alembic environment: runs against the connection the caller hands in, or builds one.

`connect-monitor db upgrade` passes its own connection (``config.attributes["connection"]``);
the plain ``alembic`` command (for writing new revisions) falls back to the effective
settings, so both use exactly the same database URL rules.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from monitor.config import load_settings
from monitor.store.engine import make_engine
from monitor.store.models import Base, UTCDateTime

# Tables owned by other libraries (APScheduler's job store pickles its own table).
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our UTC column type as plain DateTime so old revisions never import model code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    settings, _ = load_settings()
    url = context.config.get_main_option("sqlalchemy.url") or settings.storage.database_url
    engine = make_engine(str(url))
    with engine.connect() as new_connection:
        _run(new_connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit(
        "connect-monitor migrations run online only: use `connect-monitor db upgrade`."
    )
run_migrations_online()
