"""Reading APScheduler's job table directly: next run times and the heartbeat for `status`.

`status` must work while a daemon runs and when none ever has, so it reads the table
without starting a scheduler, and an absent table simply means "no daemon yet".
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from monitor.daemon.triggers import HEARTBEAT

TABLE = "apscheduler_jobs"


@dataclass(frozen=True, slots=True)
class StoredJobs:
    next_runs: dict[str, datetime | None]
    heartbeat_next: datetime | None  # None: no daemon has registered a heartbeat
    heartbeat_interval: timedelta | None


def read_jobs(engine: Engine) -> StoredJobs:
    try:
        if not inspect(engine).has_table(TABLE):
            return StoredJobs({}, None, None)
        with engine.connect() as connection:
            rows = connection.execute(
                text(f"SELECT id, next_run_time, job_state FROM {TABLE} ORDER BY id")
            ).all()
    except SQLAlchemyError:
        return StoredJobs({}, None, None)
    next_runs: dict[str, datetime | None] = {}
    beat_next, beat_interval = None, None
    for job_id, next_run, state in rows:
        when = datetime.fromtimestamp(next_run, UTC) if next_run is not None else None
        if job_id == HEARTBEAT:
            beat_next, beat_interval = when, _interval(state)
            continue
        next_runs[job_id] = when
    return StoredJobs(next_runs, beat_next, beat_interval)


def _interval(state: bytes) -> timedelta | None:
    try:
        trigger = pickle.loads(state).get("trigger")  # our own job table, as APScheduler reads it
    except Exception:
        return None
    interval = getattr(trigger, "interval", None)
    return interval if isinstance(interval, timedelta) else None


@dataclass(frozen=True, slots=True)
class StoredPlan:
    name: str | None  # the label written at the last start (schedule and zone)
    next_run_time: datetime | None


def stored_plans(engine: Engine) -> dict[str, StoredPlan]:
    """What the previous start left in the store, read before the scheduler replaces it."""
    try:
        if not inspect(engine).has_table(TABLE):
            return {}
        with engine.connect() as connection:
            rows = connection.execute(
                text(f"SELECT id, next_run_time, job_state FROM {TABLE}")
            ).all()
    except SQLAlchemyError:
        return {}
    plans = {}
    for job_id, next_run, state in rows:
        try:
            name = pickle.loads(state).get("name")  # our own job table, as APScheduler reads it
        except Exception:
            name = None
        when = datetime.fromtimestamp(next_run, UTC) if next_run is not None else None
        plans[job_id] = StoredPlan(name, when)
    return plans


def remove_job_row(engine: Engine, job_id: str) -> None:
    try:
        with engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {TABLE} WHERE id = :id"), {"id": job_id})
    except SQLAlchemyError:
        pass  # best effort: a stale heartbeat only makes `status` say "down"
