"""Job runs: what `status`, backoff and the weekly report know about past runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from monitor.store.models import JobRun


def record_job_run(
    session: Session,
    job: str,
    started_at: datetime,
    finished_at: datetime,
    ok: bool,
    summary: dict[str, Any],
    error: str | None = None,
) -> JobRun:
    run = JobRun(
        job=job,
        started_at=started_at,
        finished_at=finished_at,
        status="ok" if ok else "failed",
        error=error,
        summary=summary,
    )
    session.add(run)
    return run
