"""Turning validated schedule expressions into APScheduler triggers (pure, no clock)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config.schedule import Schedule

# The scheduled stages, in pipeline order; also the job ids in the job store.
SCRAPE, SCAN, ALERTS, REPORT = "scrape", "scan", "alerts", "report"
STAGES: tuple[str, ...] = (SCRAPE, SCAN, ALERTS, REPORT)
HEARTBEAT = "heartbeat"


def build_trigger(schedule: Schedule, timezone: str) -> BaseTrigger:
    """A crontab line becomes a CronTrigger in ``timezone``; ``every N`` an IntervalTrigger."""
    zone = ZoneInfo(timezone)
    if schedule.interval is not None:
        return IntervalTrigger(seconds=int(schedule.interval.total_seconds()), timezone=zone)
    if schedule.cron_fields is None:
        raise ValueError(f"schedule {schedule.expression!r} has neither interval nor cron fields")
    minute, hour, day, month, day_of_week = schedule.cron_fields
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone=zone
    )


def period_of(trigger: BaseTrigger, now: datetime) -> timedelta:
    """The gap between the next two firings: what "one run of this job" means in time.

    Backoff and heartbeat staleness are measured in these units so that they scale with
    the schedule (seconds in tests, hours in production).
    """
    if isinstance(trigger, IntervalTrigger):
        return trigger.interval
    first = trigger.get_next_fire_time(None, now)
    if first is None:
        return timedelta(0)
    second = trigger.get_next_fire_time(first, first + timedelta(microseconds=1))
    return (second - first) if second is not None else timedelta(0)


def job_label(job: str, schedule: Schedule, timezone: str) -> str:
    """Stored as the job's name: a changed schedule or zone shows as a changed label."""
    return f"{job} [{schedule.expression} {timezone}]"
