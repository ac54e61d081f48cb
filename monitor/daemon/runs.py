"""Recording job runs in ``job_runs``: the one place every scheduled stage writes its outcome.

A run is written as ``running`` when it starts and finished with ``ok`` or ``failed`` (with
the error) when it ends, each in its own short transaction, so a process killed mid-run
leaves a ``running`` row that the next start turns into ``failed`` ("interrupted") and
runs again. ``runner`` (daemon or once) keeps a daemon from claiming a CLI run as its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.daemon.backoff import FailureStreak
from monitor.store.database import Database
from monitor.store.models import JobRun

INTERRUPTED = "interrupted: the process stopped before the run finished"
_STREAK_WINDOW = 40  # enough history to reach the backoff cap


def start_run(database: Database, job: str, now: datetime, runner: str) -> int:
    with database.transaction() as session:
        run = JobRun(job=job, started_at=now, status="running", summary={"runner": runner})
        session.add(run)
        session.flush()
        return run.id


def finish_run(
    database: Database,
    run_id: int,
    finished_at: datetime,
    ok: bool,
    summary: dict[str, Any],
    error: str | None = None,
) -> None:
    with database.transaction() as session:
        run = session.get(JobRun, run_id)
        if run is None:
            return
        runner = (run.summary or {}).get("runner")
        run.finished_at = finished_at
        run.status = "ok" if ok else "failed"
        run.error = error
        run.summary = {**summary, "runner": runner}


def failure_streak(session: Session, job: str) -> FailureStreak:
    """Consecutive finished failures of ``job``, newest first (running rows are ignored)."""
    rows = session.execute(
        select(JobRun.status, JobRun.started_at)
        .where(JobRun.job == job, JobRun.status != "running")
        .order_by(JobRun.id.desc())
        .limit(_STREAK_WINDOW)
    ).all()
    count, last = 0, None
    for status, started_at in rows:
        if status != "failed":
            break
        count += 1
        last = last or started_at
    return FailureStreak(count, last)


def recover_interrupted(
    database: Database, now: datetime, runner: str, jobs: Sequence[str]
) -> list[str]:
    """Mark ``runner``'s unfinished runs failed; returns the jobs that need running again.

    Only safe while holding the daemon lock: then no live process of this runner exists.
    """
    redo: list[str] = []
    with database.transaction() as session:
        rows = session.scalars(
            select(JobRun).where(JobRun.status == "running", JobRun.job.in_(list(jobs)))
        ).all()
        for run in rows:
            if (run.summary or {}).get("runner") != runner:
                continue
            run.status, run.error, run.finished_at = "failed", INTERRUPTED, now
            if run.job not in redo:
                redo.append(run.job)
    return redo
