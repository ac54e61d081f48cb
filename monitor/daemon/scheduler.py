"""Building the scheduler and registering the jobs so that restarts lose no scheduled run.

``add_job(..., replace_existing=True)`` would recompute every next run from "now" and so
forget a run that was due while the daemon was down (Monday's report). ``plan_next_run``
keeps the stored next run when it is already due (it then runs at once if within
``misfire_grace_seconds``) or when the schedule did not change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from monitor.config.settings import Settings
from monitor.daemon.jobs import JOB_FUNCTIONS, heartbeat_job
from monitor.daemon.jobstore import TABLE, StoredPlan
from monitor.daemon.triggers import HEARTBEAT, STAGES, build_trigger, job_label, period_of
from monitor.errors import ConfigError

log = logging.getLogger(__name__)

LIGHT_EXECUTOR = "light"  # the heartbeat never queues behind a long scan


def stage_triggers(settings: Settings) -> dict[str, BaseTrigger]:
    """Every stage's trigger, built now so a bad schedule stops the start, not a later run."""
    triggers = {}
    for job in STAGES:
        try:
            triggers[job] = build_trigger(settings.schedule.parsed(job), settings.schedule.timezone)
        except ValueError as exc:
            raise ConfigError(f"schedule.{job}: {exc}") from None
    return triggers


def stage_periods(triggers: Mapping[str, BaseTrigger], now: datetime) -> dict[str, timedelta]:
    return {job: period_of(trigger, now) for job, trigger in triggers.items()}


def plan_next_run(
    stored: StoredPlan | None, label: str, now: datetime, redo: bool
) -> datetime | None:
    """The next run to register; None lets the trigger compute it from now (pure)."""
    if redo:
        return now  # interrupted by a crash: run again at once
    if stored is None or stored.next_run_time is None:
        return None
    if stored.next_run_time <= now or stored.name == label:
        return stored.next_run_time
    return None


def build_scheduler(settings: Settings, store_engine: Engine) -> BlockingScheduler:
    return BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=store_engine, tablename=TABLE)},
        executors={"default": ThreadPoolExecutor(1), LIGHT_EXECUTOR: ThreadPoolExecutor(1)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.schedule.misfire_grace_seconds,
        },
        timezone=ZoneInfo(settings.schedule.timezone),
    )


def register_jobs(
    scheduler: BlockingScheduler,
    settings: Settings,
    triggers: Mapping[str, BaseTrigger],
    stored: Mapping[str, StoredPlan],
    now: datetime,
    redo: Iterable[str],
    heartbeat_seconds: float,
) -> dict[str, datetime | None]:
    """Add every job (explicit ids, replace_existing); returns each job's first run."""
    tz = settings.schedule.timezone
    redo_set = set(redo)
    first_runs: dict[str, datetime | None] = {}
    for job in STAGES:
        label = job_label(job, settings.schedule.parsed(job), tz)
        next_run = plan_next_run(stored.get(job), label, now, job in redo_set)
        extra = {} if next_run is None else {"next_run_time": next_run}
        scheduler.add_job(
            JOB_FUNCTIONS[job], triggers[job], id=job, name=label, replace_existing=True, **extra
        )
        first_runs[job] = next_run or triggers[job].get_next_fire_time(None, now)
    scheduler.add_job(
        heartbeat_job,
        IntervalTrigger(seconds=max(1, round(heartbeat_seconds)), timezone=ZoneInfo(tz)),
        id=HEARTBEAT,
        name=f"heartbeat every {max(1, round(heartbeat_seconds))}s",
        replace_existing=True,
        next_run_time=now,
        executor=LIGHT_EXECUTOR,
        misfire_grace_time=None,
    )
    return first_runs


def bring_forward(scheduler: BlockingScheduler, job: str, now: datetime) -> None:
    """Run ``job`` as soon as the worker is free; its regular schedule carries on after."""
    if scheduler.state == STATE_STOPPED:
        return
    try:
        scheduler.modify_job(job, next_run_time=now)
    except JobLookupError:
        log.warning("cannot bring %s forward: it is not in the job store", job)
