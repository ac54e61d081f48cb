"""Health of an installation: what `status` prints and what the Docker HEALTHCHECK reads.

``gather`` reads the database (the edge); ``verdict`` is a pure rule over what was read:
healthy (0) when nothing needs attention, degraded (1) when a source fails, a parser
canary fired, an alert failed permanently or the last run of a job failed, down (3) when
a daemon has run here and its heartbeat is older than ``STALE_BEATS`` heartbeat intervals
(the daemon died without stopping cleanly; a clean stop removes the heartbeat). A
database that cannot be opened at all is also "down" (the command exits 3 before this).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.daemon.jobstore import StoredJobs
from monitor.errors import EXIT_FINDINGS, EXIT_OK, EXIT_RUNTIME
from monitor.store.counts import store_counts
from monitor.store.models import Codebase, JobRun, Source


@dataclass
class StatusSnapshot:
    database: str
    schema_revision: str | None
    deprecations: dict[str, int] = field(default_factory=dict)
    codebases: int = 0
    open_findings: int = 0
    alerts: dict[str, int] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_runs: dict[str, datetime | None] = field(default_factory=dict)
    daemon: dict[str, Any] = field(default_factory=dict)

    def problems(self) -> list[str]:
        found = []
        for source in self.sources:
            if source["last_status"] in ("failed", "canary"):
                found.append(f"source {source['name']}: {source['last_status']}: {source['error']}")
        if self.alerts.get("failed"):
            found.append(f"{self.alerts['failed']} alert(s) failed permanently")
        for job, run in self.jobs.items():
            if run["status"] == "failed":
                found.append(f"last {job} run failed: {run['error']}")
        return found

    def verdict(self) -> tuple[int, str]:
        if self.daemon.get("state") == "down":
            return EXIT_RUNTIME, "down"
        problems = self.problems()
        return (EXIT_FINDINGS, "degraded") if problems else (EXIT_OK, "healthy")

    def as_dict(self) -> dict[str, Any]:
        code, state = self.verdict()
        return {
            "state": state,
            "exit_code": code,
            "problems": self.problems(),
            "database": self.database,
            "schema_revision": self.schema_revision,
            "deprecations": self.deprecations,
            "codebases": self.codebases,
            "open_findings": self.open_findings,
            "alerts": self.alerts,
            "sources": self.sources,
            "jobs": self.jobs,
            "next_runs": self.next_runs,
            "daemon": self.daemon,
        }


STALE_BEATS = 3


def daemon_state(
    heartbeat_next: datetime | None, interval: timedelta | None, now: datetime
) -> dict[str, Any]:
    """What the heartbeat says (pure): none ever ran, running, or down since a time."""
    if heartbeat_next is None:
        return {"state": "not running", "heartbeat_due": None}
    beat = interval or timedelta(seconds=30)
    late = now - heartbeat_next
    state = "down" if late > beat * STALE_BEATS else "running"
    return {
        "state": state,
        "heartbeat_due": heartbeat_next,
        "heartbeat_seconds": beat.total_seconds(),
        "late_seconds": max(0.0, round(late.total_seconds(), 1)),
    }


def gather(
    session: Session,
    database: str,
    schema_revision: str | None,
    stored: StoredJobs,
    now: datetime,
) -> StatusSnapshot:
    """Read everything `status` shows, the daemon's view (``stored``) included."""
    snapshot = StatusSnapshot(database=database, schema_revision=schema_revision)
    snapshot.next_runs = dict(stored.next_runs)
    snapshot.daemon = daemon_state(stored.heartbeat_next, stored.heartbeat_interval, now)
    counts = store_counts(session)
    snapshot.deprecations = counts.deprecations
    snapshot.open_findings = counts.open_findings
    snapshot.alerts = counts.alerts
    snapshot.codebases = session.scalar(select(func.count()).select_from(Codebase)) or 0
    for source in session.scalars(select(Source).order_by(Source.name)):
        snapshot.sources.append(
            {
                "name": source.name,
                "kind": source.kind,
                "last_status": source.last_status,
                "consecutive_failures": source.consecutive_failures,
                "error": source.last_error,
                "last_success_at": source.last_success_at,
                "entries": source.last_entry_count,
            }
        )
    latest = select(JobRun.job, func.max(JobRun.id)).group_by(JobRun.job).subquery()
    for run in session.scalars(select(JobRun).join(latest, JobRun.id == latest.c[1])):
        snapshot.jobs[run.job] = {
            "status": run.status,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "error": run.error,
            "runner": (run.summary or {}).get("runner"),
        }
    return snapshot
