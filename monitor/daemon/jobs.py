"""The job functions the job store pickles by reference, and the wrapper every stage runs in.

The wrapper is where a run becomes safe to schedule: it refuses new work while shutting
down, skips runs while a failing job backs off, records the run in ``job_runs``, logs any
error with its context instead of letting it reach the scheduler, and asks for the
follow-up stages (scan after a scrape with new deprecations, alerts after scrape and scan).
"""

from __future__ import annotations

import logging
from datetime import datetime

from monitor.daemon import context as registry
from monitor.daemon.backoff import resume_at, should_skip
from monitor.daemon.execute import recorded
from monitor.daemon.runs import failure_streak
from monitor.daemon.stages import STAGE_FUNCTIONS, StageOutcome
from monitor.daemon.triggers import ALERTS, REPORT, SCAN, SCRAPE

log = logging.getLogger(__name__)


def scrape_job() -> None:
    run_stage(SCRAPE)


def scan_job() -> None:
    run_stage(SCAN)


def alerts_job() -> None:
    run_stage(ALERTS)


def report_job() -> None:
    run_stage(REPORT)


def heartbeat_job() -> None:
    """Runs often; its advancing next-run time in the job store is the daemon's heartbeat.

    It also notices a lost PostgreSQL leadership (the lock connection died) and stops the
    daemon, so two replicas never run jobs at once.
    """
    context = registry.current()
    if context.leader_check is not None and not context.leader_check():
        log.error("lost the leader lock; stopping so a standby can take over")
        if context.on_leadership_lost is not None:
            context.on_leadership_lost()


def run_stage(job: str) -> StageOutcome | None:
    """Run one stage under the daemon's rules; None when it did not run (stopping, backoff)."""
    context = registry.current()
    if not context.begin(job):
        log.info("not starting %s: shutting down", job)
        return None
    try:
        now = context.clock()
        period = context.periods.get(job)
        with context.database.sessions() as session:
            streak = failure_streak(session, job)
        if period is not None and should_skip(streak, period, now):
            log.warning(
                "skipping %s: backing off after %d consecutive failures",
                job,
                streak.count,
                extra={"job": job, "resume_after": str(resume_at(streak, period))},
            )
            context.metrics.record_run(job, "skipped")
            return None
        outcome = _recorded(job, now)
    finally:
        context.end()
    _follow_ups(job, outcome)
    return outcome


def _recorded(job: str, now: datetime) -> StageOutcome:
    context = registry.current()
    stage = STAGE_FUNCTIONS[job]
    outcome, seconds = recorded(
        context.database,
        job,
        now,
        context.runner,
        lambda: stage(context.settings, context.database, now),
        context.clock,
    )
    context.metrics.record_run(job, "ok" if outcome.ok else "failed", seconds)
    context.metrics.record_fetches(outcome.fetches)
    return outcome


def _follow_ups(job: str, outcome: StageOutcome) -> None:
    context = registry.current()
    if context.follow_up is None or context.stopping.is_set():
        return
    if job == SCRAPE and outcome.new_deprecations:
        context.follow_up(SCAN)
    if job in (SCRAPE, SCAN):
        context.follow_up(ALERTS)


JOB_FUNCTIONS = {
    SCRAPE: scrape_job,
    SCAN: scan_job,
    ALERTS: alerts_job,
    REPORT: report_job,
}
