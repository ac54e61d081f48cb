"""The daemon's pure rules (triggers, backoff, restart planning, heartbeat verdict) and its
job-run bookkeeping against a real SQLite file."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text

from monitor.config.schedule import parse_schedule
from monitor.daemon.backoff import FailureStreak, backoff_delay, should_skip
from monitor.daemon.jobstore import StoredPlan, read_jobs, stored_plans
from monitor.daemon.metrics import days_until
from monitor.daemon.runs import failure_streak, finish_run, recover_interrupted, start_run
from monitor.daemon.scheduler import plan_next_run
from monitor.daemon.stages import report_week
from monitor.daemon.triggers import build_trigger, job_label, period_of
from monitor.status import daemon_state
from monitor.store.database import open_database
from monitor.store.engine import make_engine

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # a Wednesday


def test_interval_schedule_becomes_an_interval_trigger() -> None:
    trigger = build_trigger(parse_schedule("every 6h"), "UTC")
    assert isinstance(trigger, IntervalTrigger)
    assert period_of(trigger, NOW) == timedelta(hours=6)


def test_crontab_monday_nine_fires_in_the_configured_zone() -> None:
    trigger = build_trigger(parse_schedule("0 9 * * 1"), "America/New_York")
    assert isinstance(trigger, CronTrigger)
    fire = trigger.get_next_fire_time(None, NOW)
    assert fire is not None and fire.weekday() == 0 and (fire.hour, fire.minute) == (9, 0)
    assert fire.astimezone(UTC).hour == 14  # 09:00 in New York in winter
    assert period_of(trigger, NOW) == timedelta(days=7)


def test_crontab_sunday_zero_means_sunday() -> None:
    fire = build_trigger(parse_schedule("30 3 * * 0"), "UTC").get_next_fire_time(None, NOW)
    assert fire is not None and fire.weekday() == 6


def test_label_changes_with_schedule_or_zone() -> None:
    weekly = parse_schedule("0 9 * * mon")
    assert job_label("report", weekly, "UTC") != job_label("report", weekly, "Europe/Paris")
    assert job_label("report", weekly, "UTC") != job_label(
        "report", parse_schedule("0 10 * * mon"), "UTC"
    )


@pytest.mark.parametrize(
    ("failures", "expected"),
    [(0, timedelta(0)), (1, timedelta(0)), (2, timedelta(hours=2)), (3, timedelta(hours=4))],
)
def test_backoff_doubles_from_the_second_failure(failures: int, expected: timedelta) -> None:
    assert backoff_delay(failures, timedelta(hours=1)) == expected


def test_backoff_is_capped_but_never_below_one_period() -> None:
    assert backoff_delay(12, timedelta(hours=1)) == timedelta(hours=6)
    assert backoff_delay(12, timedelta(days=7)) == timedelta(days=7)


def test_should_skip_only_inside_the_pause() -> None:
    period = timedelta(hours=1)
    streak = FailureStreak(2, NOW)
    assert should_skip(streak, period, NOW + timedelta(hours=1))  # the next run is skipped
    assert not should_skip(streak, period, NOW + timedelta(hours=2))
    assert not should_skip(FailureStreak(1, NOW), period, NOW + timedelta(minutes=1))
    assert not should_skip(FailureStreak(0, None), period, NOW)


def test_plan_keeps_a_missed_run_and_an_unchanged_schedule() -> None:
    label = "report [0 9 * * mon UTC]"
    missed = NOW - timedelta(hours=1)
    assert plan_next_run(StoredPlan("old label", missed), label, NOW, redo=False) == missed
    later = NOW + timedelta(days=3)
    assert plan_next_run(StoredPlan(label, later), label, NOW, redo=False) == later
    assert plan_next_run(StoredPlan("old label", later), label, NOW, redo=False) is None
    assert plan_next_run(None, label, NOW, redo=False) is None
    assert plan_next_run(StoredPlan(label, later), label, NOW, redo=True) == NOW


def test_heartbeat_verdict() -> None:
    beat = timedelta(seconds=10)
    assert daemon_state(None, None, NOW)["state"] == "not running"
    assert daemon_state(NOW - timedelta(seconds=25), beat, NOW)["state"] == "running"
    down = daemon_state(NOW - timedelta(seconds=31), beat, NOW)
    assert down["state"] == "down" and down["late_seconds"] == 31.0


def test_scheduled_report_covers_the_week_that_just_ended() -> None:
    monday_nine = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert str(report_week(monday_nine, just_ended=True)) == "2026-W48"
    assert str(report_week(monday_nine, just_ended=False)) == "2026-W49"


def test_days_until() -> None:
    assert days_until(NOW.date() + timedelta(days=5), NOW.date()) == 5
    assert days_until(None, NOW.date()) is None


def test_run_bookkeeping_streaks_and_recovery(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'monitor.db'}")
    try:
        ok = start_run(database, "scrape", NOW, "daemon")
        finish_run(database, ok, NOW, True, {"pages": 3})
        for minutes in (10, 20):
            run = start_run(database, "scrape", NOW + timedelta(minutes=minutes), "daemon")
            finish_run(database, run, NOW, False, {}, "HTTP 500")
        with database.sessions() as session:
            streak = failure_streak(session, "scrape")
        assert streak == FailureStreak(2, NOW + timedelta(minutes=20))

        start_run(database, "scan", NOW, "daemon")  # a daemon killed mid-scan
        start_run(database, "alerts", NOW, "once")  # a CLI run still going elsewhere
        redo = recover_interrupted(database, NOW, "daemon", ["scrape", "scan", "alerts"])
        assert redo == ["scan"]
        with database.sessions() as session:
            assert failure_streak(session, "scan").count == 1
            assert failure_streak(session, "alerts").count == 0  # still running: untouched
    finally:
        database.close()


def test_job_table_is_read_without_a_scheduler(tmp_path: Path) -> None:
    """`status` and the restart plan read the same rows; an unreadable state loses only itself."""
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    assert read_jobs(engine).next_runs == {} and stored_plans(engine) == {}  # no table yet
    beat = {"name": "heartbeat", "trigger": IntervalTrigger(seconds=30, timezone="UTC")}
    rows = [
        {"id": "heartbeat", "at": NOW.timestamp(), "state": pickle.dumps(beat)},
        {"id": "report", "at": None, "state": pickle.dumps({"name": "report [0 9 * * 1 UTC]"})},
        {"id": "scan", "at": NOW.timestamp() + 60, "state": b"not a pickle"},
    ]
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE apscheduler_jobs (id TEXT, next_run_time REAL, job_state BLOB)")
        )
        connection.execute(text("INSERT INTO apscheduler_jobs VALUES (:id, :at, :state)"), rows)
    jobs = read_jobs(engine)
    assert jobs.next_runs == {"report": None, "scan": NOW + timedelta(minutes=1)}
    assert (jobs.heartbeat_next, jobs.heartbeat_interval) == (NOW, timedelta(seconds=30))
    assert stored_plans(engine) == {
        "heartbeat": StoredPlan("heartbeat", NOW),
        "report": StoredPlan("report [0 9 * * 1 UTC]", None),
        "scan": StoredPlan(None, NOW + timedelta(minutes=1)),
    }
    engine.dispose()
