"""Alerts end to end: real SQLite file, real slack-sdk client, fake Slack Web API server,
and an injected clock walking day by day through a six-month window."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from monitor.store.models import Source
from tests.conftest import Cli
from tests.support.alerting import TOKEN, AlertWorld, days, make_world, noon
from tests.support.cli import run_cli
from tests.support.fake_slack import FakeSlack, Reply, check_blocks

CHANNELS = {"deprecations": "C0DEPRECS", "shop-team": "C0SHOPTEAM", "web-team": "C0WEBTEAM"}
ANNOUNCED = date(2026, 3, 18)  # window closes 2026-09-18
CLOSES = date(2026, 9, 18)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(channels=CHANNELS) as fake:
        yield fake


@pytest.fixture
def world(tmp_path: Path, slack: FakeSlack, database_url: str) -> Iterator[AlertWorld]:
    """Runs on SQLite, and on PostgreSQL too when a test server is configured."""
    made = make_world(tmp_path, slack.api_url, CONNECT_MONITOR_DATABASE_URL=database_url)
    yield made
    made.database.close()


def _posts(slack: FakeSlack) -> list[tuple[str | None, str]]:
    return [(m.channel, m.text or "") for m in slack.messages]


def test_day_by_day_thresholds_fire_once_on_the_right_day(
    world: AlertWorld, slack: FakeSlack
) -> None:
    dep = world.add_deprecation(("LineItem.quantity", "LineItem.unit"), ANNOUNCED)
    shop = world.add_codebase("shop", "#shop-team")
    world.add_findings(shop, dep, count=3)
    fired: list[tuple[date, str | None, str]] = []
    for day in days(ANNOUNCED, CLOSES + timedelta(days=20)):
        before = len(slack.messages)
        summary = world.run(day)
        assert summary.delivery.failed == 0 and summary.delivery.retry_later == 0
        fired += [(day, m.channel, m.text or "") for m in slack.messages[before:]]

    baseline = [f for f in fired if "Monitoring started" in f[2]]
    assert [(d, c) for d, c, _ in baseline] == [(ANNOUNCED, "C0DEPRECS"), (ANNOUNCED, "C0SHOPTEAM")]
    alerts = [(d, c) for d, c, t in fired if "Monitoring started" not in t]
    expected = []
    for before_close in (90, 30, 14, 7, 1, 0):
        when = CLOSES - timedelta(days=before_close)
        expected += [(when, "C0DEPRECS"), (when, "C0SHOPTEAM")]
    # after the close, uses remain: weekly reminders to everyone who hears about it
    for week in (1, 2):
        when = CLOSES + timedelta(days=7 * week)
        expected += [(when, "C0DEPRECS"), (when, "C0SHOPTEAM")]
    assert sorted(alerts) == sorted(expected)
    shop_texts = [t for _, c, t in fired if c == "C0SHOPTEAM" and "Monitoring" not in t]
    assert all("LineItem.quantity" in t for t in shop_texts)
    assert all(check_blocks(m.blocks)[0] is None for m in slack.messages)


def test_late_discovery_sends_one_alert_not_a_burst(world: AlertWorld, slack: FakeSlack) -> None:
    world.add_deprecation(("express_member",), date(2025, 12, 1), first_seen=date(2026, 1, 1))
    world.run(date(2026, 1, 1))  # baseline
    late = world.add_deprecation(("LineItem.quantity",), ANNOUNCED, first_seen=date(2026, 8, 30))
    world.run(date(2026, 8, 30))  # 19 days left: the 30-day threshold, nothing else
    sent = [a for a in world.alerts() if a.deprecation_id == late and a.state == "sent"]
    assert [(a.threshold, a.kind) for a in sent] == [("30", "threshold")]
    world.run(date(2026, 8, 31))
    assert len([a for a in world.alerts() if a.deprecation_id == late]) == 1
    world.run(date(2026, 9, 4))  # 14 days left
    thresholds = [a.threshold for a in world.alerts() if a.deprecation_id == late]
    assert thresholds == ["30", "14"]


def test_new_deprecation_after_baseline_is_announced_at_once(
    world: AlertWorld, slack: FakeSlack
) -> None:
    world.add_deprecation(("express_member",), date(2026, 2, 10))
    world.run(date(2026, 2, 10))
    new = world.add_deprecation(("is_express",), date(2026, 2, 20), first_seen=date(2026, 2, 20))
    world.run(date(2026, 2, 20))
    sent = [a for a in world.alerts() if a.deprecation_id == new]
    assert [(a.kind, a.state, a.target) for a in sent] == [("announced", "sent", "#deprecations")]
    assert "is_express" in slack.messages[-1].text


def test_fixed_finding_stops_that_codebases_alerts(world: AlertWorld, slack: FakeSlack) -> None:
    dep = world.add_deprecation(("LineItem.quantity",), ANNOUNCED)
    shop = world.add_codebase("shop", "#shop-team")
    web = world.add_codebase("web", "#web-team")
    world.add_findings(shop, dep)
    world.add_findings(web, dep)
    world.run(CLOSES - timedelta(days=30))
    world.fix_findings(shop, CLOSES - timedelta(days=20))
    world.run(CLOSES - timedelta(days=14))
    targets_at_14 = {a.target for a in world.alerts() if a.threshold == "14"}
    assert targets_at_14 == {"#deprecations", "#web-team"}


def test_removed_item_with_uses_left_is_urgent(world: AlertWorld, slack: FakeSlack) -> None:
    dep = world.add_deprecation(("LineItem.quantity",), ANNOUNCED, status="disappeared")
    shop = world.add_codebase("shop", "#shop-team")
    world.add_findings(shop, dep)
    world.run(date(2026, 5, 1))
    removed = [a for a in world.alerts() if a.kind == "removed"]
    assert {a.target for a in removed} == {"#deprecations", "#shop-team"}
    assert all(a.state == "sent" for a in removed)


def test_rate_limit_then_success_delivers_once(world: AlertWorld, slack: FakeSlack) -> None:
    dep = world.add_deprecation(("LineItem.quantity",), ANNOUNCED)
    world.run(date(2026, 3, 18))  # baseline
    slack.script("chat.postMessage", "ratelimited", "ok")
    world.run(CLOSES - timedelta(days=90))
    posted = [m for m in slack.messages if (m.text or "").startswith("LineItem.quantity")]
    assert len(posted) == 1
    assert len(slack.calls("chat.postMessage")) == 3  # baseline, 429, retry
    assert [a.state for a in world.alerts() if a.deprecation_id == dep] == ["sent"]


def test_outage_loses_nothing_and_duplicates_nothing(world: AlertWorld, slack: FakeSlack) -> None:
    dep = world.add_deprecation(("LineItem.quantity",), ANNOUNCED)
    shop = world.add_codebase("shop", "#shop-team")
    world.add_findings(shop, dep)
    world.run(date(2026, 3, 18))
    start = noon(CLOSES - timedelta(days=30))
    slack.set_outage(True)
    summary = world.run(start)
    assert summary.delivery.sent == 0 and summary.delivery.retry_later == 2
    pending = [a for a in world.alerts() if a.deprecation_id == dep]
    assert all(a.state == "pending" and a.attempts == 1 and a.last_error for a in pending)
    for minutes in range(5, 31, 5):  # the hourly job keeps trying during the outage
        world.run(start + timedelta(minutes=minutes))
    slack.set_outage(False)
    world.run(start + timedelta(minutes=35))
    world.run(start + timedelta(hours=8))
    final = [a for a in world.alerts() if a.deprecation_id == dep]
    assert [a.state for a in final] == ["sent", "sent"]
    texts = [m.text for m in slack.messages if (m.text or "").startswith("LineItem.quantity")]
    assert len(texts) == 2  # one per channel, no duplicate


def test_permanent_error_marks_failed_and_does_not_block_others(
    world: AlertWorld, slack: FakeSlack
) -> None:
    dep = world.add_deprecation(("LineItem.quantity",), ANNOUNCED)
    gone = world.add_codebase("gone", "#archived-team")  # not a channel the fake knows
    shop = world.add_codebase("shop", "#shop-team")
    world.add_findings(gone, dep)
    world.add_findings(shop, dep)
    world.run(date(2026, 3, 18))
    summary = world.run(CLOSES - timedelta(days=30))
    assert summary.delivery.failed >= 1
    states = {a.target: a.state for a in world.alerts() if a.threshold == "30"}
    assert states == {"#deprecations": "sent", "#shop-team": "sent", "#archived-team": "failed"}
    failed = next(a for a in world.alerts() if a.state == "failed" and a.threshold == "30")
    assert "channel_not_found" in (failed.last_error or "")
    calls = len(slack.calls("chat.postMessage"))
    world.run(CLOSES - timedelta(days=29))  # a failed row is not retried
    assert len(slack.calls("chat.postMessage")) == calls
    again = next(a for a in world.alerts() if a.id == failed.id)
    assert (again.state, again.attempts) == ("failed", 1)


def test_five_hundred_findings_stay_within_block_kit_limits(
    world: AlertWorld, slack: FakeSlack
) -> None:
    dep = world.add_deprecation(("LineItem.quantity",), ANNOUNCED)
    for n in range(50):
        codebase = world.add_codebase(f"service-{n:02d}", "#shop-team")
        world.add_findings(codebase, dep, count=10)
    world.run(date(2026, 3, 18))
    world.run(CLOSES - timedelta(days=7))
    alert = [
        m
        for m in slack.messages
        if m.channel == "C0SHOPTEAM" and "Monitoring" not in (m.text or "")
    ]
    assert len(alert) == 1
    assert check_blocks(alert[0].blocks)[0] is None
    assert len(alert[0].blocks) <= 50
    assert "more" in str(alert[0].blocks)


def test_burst_past_the_hourly_cap_is_folded_into_one_digest(
    tmp_path: Path, slack: FakeSlack
) -> None:
    world = make_world(
        tmp_path, slack.api_url, CONNECT_MONITOR_ALERTS__MAX_PER_CHANNEL_PER_HOUR="3"
    )
    world.add_deprecation(("seed",), date(2026, 1, 1))
    world.run(date(2026, 1, 1))
    for n in range(6):
        world.add_deprecation((f"field_{n}",), date(2026, 1, 10), first_seen=date(2026, 1, 10))
    world.run(date(2026, 1, 10))
    new_posts = [m for m in slack.messages if "Monitoring" not in (m.text or "")]
    assert len(new_posts) == 3  # two alerts and one digest holding the other four
    assert sum("field_" in (m.text or "") for m in new_posts) >= 2
    folded = [
        a for a in world.alerts() if a.state == "skipped" and "folded" in (a.last_error or "")
    ]
    assert len(folded) == 4
    world.run(date(2026, 1, 11))
    assert len([m for m in slack.messages if "Monitoring" not in (m.text or "")]) == 3
    world.database.close()


def test_source_failures_alert_once_per_state_change(world: AlertWorld, slack: FakeSlack) -> None:
    world.add_deprecation(("seed",), date(2026, 1, 1))
    world.run(date(2026, 1, 1))

    def set_source(status: str, failures: int, error: str | None) -> None:
        with world.database.transaction() as session:
            source = session.query(Source).filter_by(name="catalog").one_or_none()
            if source is None:
                source = Source(name="catalog", kind="changelog", path="/catalog/changelog")
                session.add(source)
            source.last_status, source.consecutive_failures = status, failures
            source.last_error = error

    ops = lambda: [a for a in world.alerts() if a.kind == "ops"]  # noqa: E731
    for run in range(1, 6):
        set_source("failed", run, f"http://127.0.0.1:{4000 + run}/catalog/changelog: HTTP 500")
        world.run(date(2026, 1, 1 + run))
    assert [a.threshold.split(":")[0] for a in ops()] == ["failing"]  # at the 3rd, once
    set_source("failed", 6, "http://127.0.0.1:1/catalog/changelog: timed out (ReadTimeout)")
    world.run(date(2026, 1, 8))
    assert len(ops()) == 2  # a different error is news
    set_source("ok", 0, None)
    world.run(date(2026, 1, 9))
    world.run(date(2026, 1, 10))
    assert [a.threshold.split(":")[0] for a in ops()] == ["failing", "failing", "recovered"]
    assert all(a.state == "sent" for a in ops())


def test_dry_run_writes_and_sends_nothing(world: AlertWorld, slack: FakeSlack) -> None:
    world.add_deprecation(("LineItem.quantity",), ANNOUNCED)
    summary = world.run(date(2026, 3, 18), dry_run=True)
    assert summary.previews and "Monitoring started" in summary.previews[0][1].text
    assert world.alerts() == [] and slack.messages == []


def test_quiet_hours_hold_delivery(tmp_path: Path, slack: FakeSlack) -> None:
    world = make_world(
        tmp_path,
        slack.api_url,
        CONNECT_MONITOR_ALERTS__QUIET_HOURS="22:00-07:00",
        CONNECT_MONITOR_ALERTS__TIMEZONE="America/New_York",
    )
    world.add_deprecation(("LineItem.quantity",), ANNOUNCED)
    night = noon(date(2026, 3, 18)) + timedelta(hours=14)  # 02:00 UTC = 22:00 New York
    summary = world.run(night)
    assert summary.held_for_quiet_hours and slack.messages == []
    assert next(a.state for a in world.alerts() if a.kind == "baseline") == "pending"
    world.run(night + timedelta(hours=10))  # 08:00 New York
    assert len(slack.messages) == 1
    world.database.close()


def _cli_env(cli_env: dict[str, str], slack: FakeSlack) -> dict[str, str]:
    return {
        **cli_env,
        "SLACK_BOT_TOKEN": TOKEN,
        "CONNECT_MONITOR_SLACK_BASE_URL": slack.api_url,
        "SLACK_DEFAULT_CHANNEL": "#deprecations",
    }


def test_killed_between_send_and_mark_resends_at_most_that_one(
    tmp_path: Path, slack: FakeSlack, cli_env: dict[str, str], data_dir: Path
) -> None:
    env = _cli_env(cli_env, slack)
    world = make_world(data_dir.parent, None, CONNECT_MONITOR_DATA_DIR=str(data_dir))
    world.add_deprecation(("LineItem.quantity",), ANNOUNCED)
    world.add_deprecation(("express_member",), date(2026, 2, 10))
    world.database.close()
    slack.script("chat.postMessage", Reply.hang(30))
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "alerts", "--today", "2026-03-18"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while not slack.calls("chat.postMessage") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert slack.calls("chat.postMessage"), "the first post never arrived"
    proc.send_signal(signal.SIGKILL)  # the post is in flight: sent, never marked
    proc.wait(timeout=10)

    again = run_cli(["alerts", "--today", "2026-03-19"], env)
    assert again.code == 0, again.stderr
    delivered = [m.text for m in slack.messages]
    assert len(delivered) == 1 and "Monitoring started" in (delivered[0] or "")
    assert len(slack.calls("chat.postMessage")) == 2  # the lost one, resent once
    listing = json.loads(run_cli(["alerts", "list", "--format", "json"], env).stdout)
    assert [(row["kind"], row["state"]) for row in listing if row["kind"] == "baseline"] == [
        ("baseline", "sent")
    ]
    status = json.loads(run_cli(["status", "--format", "json"], env).stdout)
    assert status["alerts"]["sent"] == 1


def test_cli_alerts_console_without_slack(cli: Cli, data_dir: Path) -> None:
    world = make_world(data_dir.parent, None, CONNECT_MONITOR_DATA_DIR=str(data_dir))
    world.add_deprecation(("LineItem.quantity",), ANNOUNCED)
    world.database.close()
    result = cli("alerts", "--today", "2026-03-18")
    assert result.code == 0, result.stderr
    assert "Monitoring started" in result.stdout and "delivered 1" in result.stdout
    listing = json.loads(cli("alerts", "list", "--format", "json").stdout)
    baseline = [row for row in listing if row["kind"] == "baseline"]
    assert baseline and baseline[0]["state"] == "sent"
    dry = cli("alerts", "--dry-run", "--today", "2026-09-18")
    assert dry.code == 0 and "window closes today" in dry.stdout


def test_cli_alerts_test_message(cli: Cli, slack: FakeSlack, cli_env: dict[str, str]) -> None:
    env = _cli_env(cli_env, slack)
    ok = run_cli(["alerts", "test", "--channel", "#shop-team"], env)
    assert ok.code == 0, ok.stderr
    assert slack.messages[-1].channel == "C0SHOPTEAM"
    missing = run_cli(["alerts", "test", "--channel", "#nowhere"], env)
    assert missing.code == 3 and "channel_not_found" in missing.stderr
    assert TOKEN not in missing.stderr + missing.stdout


def test_incoming_webhook_delivery(tmp_path: Path, slack: FakeSlack) -> None:
    world = make_world(tmp_path, None, SLACK_WEBHOOK_URL=slack.webhook_url)
    world.add_deprecation(("LineItem.quantity",), ANNOUNCED)
    summary = world.run(date(2026, 3, 18))
    assert summary.delivery.sent == 1
    assert [m.via for m in slack.messages] == ["webhook"]
    baseline = next(a for a in world.alerts() if a.kind == "baseline")
    assert baseline.state == "sent" and baseline.delivered_to == "webhook"
    assert slack.webhook_url not in str(baseline.payload) + (baseline.delivered_to or "")
    world.database.close()
