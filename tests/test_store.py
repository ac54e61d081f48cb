"""The store on a real database: atomic units of work, UTC timestamps, shared SQLite file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from monitor.store.database import open_database
from monitor.store.models import Alert, Codebase, Deprecation, JobRun


def _deprecation(key: str) -> Deprecation:
    return Deprecation(
        natural_key=key,
        kind="field",
        action="deprecated",
        surface="Developer Platform API",
        items=["LineItem.quantity"],
        title="LineItem quantity",
        announced_on=date(2026, 3, 18),
        announced_on_source="changelog",
        window_closes_on=date(2026, 9, 18),
        source_url="https://docs.instacart.com/x#march-18-2026",
        origin="changelog",
    )


def test_failed_unit_of_work_leaves_previous_state(database_url: str) -> None:
    database = open_database(database_url)
    try:
        with database.transaction() as session:
            session.add(_deprecation("a"))
        with pytest.raises(IntegrityError), database.transaction() as session:
            session.add(Codebase(name="shop", location="/srv/shop"))
            session.flush()
            session.add(_deprecation("a"))  # violates the natural key: whole unit rolls back
            session.flush()
        with database.sessions() as session:
            assert session.scalars(select(Codebase)).all() == []
            assert len(session.scalars(select(Deprecation)).all()) == 1
    finally:
        database.close()


def test_alert_uniqueness_per_deprecation_target_threshold(database_url: str) -> None:
    database = open_database(database_url)
    try:
        with database.transaction() as session:
            dep = _deprecation("b")
            session.add(dep)
            session.flush()
            session.add(
                Alert(
                    key="k1",
                    kind="threshold",
                    deprecation_id=dep.id,
                    target="#a",
                    threshold="30",
                    payload={},
                )
            )
        with pytest.raises(IntegrityError), database.transaction() as session:
            session.add(
                Alert(
                    key="k2",
                    kind="threshold",
                    deprecation_id=dep.id,
                    target="#a",
                    threshold="30",
                    payload={},
                )
            )
    finally:
        database.close()


def test_timestamps_round_trip_as_aware_utc(database_url: str) -> None:
    database = open_database(database_url)
    started = datetime(2026, 11, 29, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    try:
        with database.transaction() as session:
            session.add(JobRun(job="scrape", started_at=started))
        with database.sessions() as session:
            run = session.scalars(select(JobRun)).one()
        assert run.started_at == started
        assert run.started_at.tzinfo is not None and run.started_at.utcoffset() == timedelta(0)
        with pytest.raises(Exception, match="naive"), database.transaction() as session:
            session.add(JobRun(job="scan", started_at=datetime(2026, 1, 1)))
    finally:
        database.close()


def test_sqlite_writer_waits_for_another_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A second process holding a write transaction makes us wait, not crash."""
    url = f"sqlite:///{tmp_path / 'monitor.db'}"
    open_database(url).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sqlite3, time
                db = sqlite3.connect({str(tmp_path / "monitor.db")!r}, isolation_level=None)
                db.execute("BEGIN IMMEDIATE")
                db.execute(
                    "INSERT INTO job_runs (job, started_at, status, summary)"
                    " VALUES ('x', '2026-01-01', 'ok', '{{}}')"
                )
                print("locked", flush=True)
                time.sleep(1.5)
                db.execute("COMMIT")
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        database = open_database(url, busy_timeout_seconds=10)
        with database.transaction() as session:
            session.add(JobRun(job="scan", started_at=datetime.now(UTC)))
        waited = time.monotonic() - started
        with database.sessions() as session:
            jobs = sorted(session.scalars(select(JobRun.job)).all())
        database.close()
        assert jobs == ["scan", "x"]
        assert waited > 0.5  # it really waited for the other writer
    finally:
        holder.wait(timeout=10)
