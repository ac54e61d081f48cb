"""Reading APScheduler's job table directly: next run times and the heartbeat for `status`.

`status` must work while a daemon runs and when none ever has, so it reads the table
without starting a scheduler, and an absent table simply means "no daemon yet".
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

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
    next_runs: dict[str, datetime | None] = {}
    beat_next, beat_interval = None, None
    for job_id, when, state in _rows(engine):
        if job_id == HEARTBEAT:
            beat_next, beat_interval = when, _interval(_state(state))
            continue
        next_runs[job_id] = when
    return StoredJobs(next_runs, beat_next, beat_interval)


def _interval(state: dict[str, Any]) -> timedelta | None:
    interval = getattr(state.get("trigger"), "interval", None)
    return interval if isinstance(interval, timedelta) else None


@dataclass(frozen=True, slots=True)
class StoredPlan:
    name: str | None  # the label written at the last start (schedule and zone)
    next_run_time: datetime | None


def stored_plans(engine: Engine) -> dict[str, StoredPlan]:
    """What the previous start left in the store, read before the scheduler replaces it."""
    return {
        job_id: StoredPlan(_state(state).get("name"), when) for job_id, when, state in _rows(engine)
    }


def _rows(engine: Engine) -> list[tuple[str, datetime | None, bytes]]:
    """Every job's id, next run and pickled state; none when the table is absent or unreadable."""
    try:
        if not inspect(engine).has_table(TABLE):
            return []
        with engine.connect() as connection:
            rows = connection.execute(
                text(f"SELECT id, next_run_time, job_state FROM {TABLE} ORDER BY id")
            ).all()
    except SQLAlchemyError:
        return []
    return [
        (job_id, datetime.fromtimestamp(next_run, UTC) if next_run is not None else None, state)
        for job_id, next_run, state in rows
    ]


def _state(blob: bytes) -> dict[str, Any]:
    """A job's state as APScheduler stored it; empty when it cannot be read back."""
    try:
        state = pickle.loads(blob)  # our own job table, as APScheduler reads it
    except Exception:
        return {}
    return state if isinstance(state, dict) else {}


def remove_job_row(engine: Engine, job_id: str) -> None:
    try:
        with engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {TABLE} WHERE id = :id"), {"id": job_id})
    except SQLAlchemyError:
        pass  # best effort: a stale heartbeat only makes `status` say "down"
