"""Alembic round trip on a real database file (and PostgreSQL when configured)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from monitor.store import migrate
from monitor.store.engine import make_engine
from monitor.store.models import Base

EXPECTED_TABLES = {
    "sources",
    "page_snapshots",
    "changelog_entries",
    "entry_revisions",
    "deprecations",
    "deprecation_events",
    "codebases",
    "scan_runs",
    "findings",
    "alerts",
    "reports",
    "job_runs",
}


def _drift(engine) -> list:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _ours}
        )
        return compare_metadata(context, Base.metadata)


def _ours(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    return not (type_ == "table" and name in {"apscheduler_jobs", "alembic_version"})


def test_upgrade_matches_models_then_round_trips(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision(engine)
        assert set(inspect(engine).get_table_names()) >= EXPECTED_TABLES
        assert _drift(engine) == []

        migrate.downgrade(engine, "base")
        assert migrate.current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

        migrate.upgrade(engine)
        assert _drift(engine) == []
        migrate.upgrade(engine)  # idempotent
    finally:
        engine.dispose()


def test_drift_check_can_fail(database_url: str) -> None:
    """Guard against a comparison that always passes: a missing column must show."""
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE job_runs ADD COLUMN stray INTEGER")
        assert any("stray" in repr(diff) for diff in _drift(engine))
    finally:
        engine.dispose()
