from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from monitor.config.schedule import parse_schedule


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("every 6h", 21600), ("every 30m", 1800), ("every 10s", 10), ("EVERY 1 day", 86400)],
)
def test_intervals(text: str, seconds: int) -> None:
    assert parse_schedule(text).interval == timedelta(seconds=seconds)


def test_crontab_weekday_zero_means_sunday() -> None:
    """APScheduler 3 counts Monday as 0; crontab users mean Sunday."""
    schedule = parse_schedule("0 9 * * 0")
    assert schedule.cron_fields is not None
    trigger = CronTrigger(
        minute=schedule.cron_fields[0],
        hour=schedule.cron_fields[1],
        day=schedule.cron_fields[2],
        month=schedule.cron_fields[3],
        day_of_week=schedule.cron_fields[4],
        timezone="UTC",
    )
    fire = trigger.get_next_fire_time(None, datetime(2026, 11, 30, tzinfo=UTC))  # a Monday
    assert fire == datetime(2026, 12, 6, 9, 0, tzinfo=UTC)  # the next Sunday
    assert parse_schedule("0 9 * * 1-5").cron_fields[4] == "mon-fri"  # type: ignore[index]


@pytest.mark.parametrize(
    "text", ["* * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "every", "0 9 * * funday"]
)
def test_invalid(text: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(text)
