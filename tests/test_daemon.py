"""The daemon as a real process: second-level schedules, the fixture docs server and the
fake Slack server; signals, crashes, outages, a locked database and a second replica."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.cli import run_cli
from tests.support.daemon import (
    FAST_SCHEDULES,
    Daemon,
    add_shop,
    execute,
    finished,
    free_port,
    job_runs,
    kill_all,
    query,
    start_daemon,
    wait_until,
)
from tests.support.databases import (
    POSTGRES_ENV,
    fresh_postgres_database,
    postgres_server_url,
    sqlite_url,
)
from tests.support.docs_server import ANY_PATH, DocsServer, Fault
from tests.support.fake_slack import FakeSlack

pytestmark = pytest.mark.slow

CHANNELS = {"deprecations": "C0DEPRECS", "shop-team": "C0SHOPTEAM"}
STAGES = ("scrape", "scan", "alerts", "report")


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(channels=CHANNELS) as fake:
        yield fake


@pytest.fixture
def daemons() -> Iterator[list[Daemon]]:
    started: list[Daemon] = []
    yield started
    kill_all(started)


def _env(scrape_env: dict[str, str], slack: FakeSlack, database_url: str) -> dict[str, str]:
    return {
        **scrape_env,
        **FAST_SCHEDULES,
        "CONNECT_MONITOR_DATABASE_URL": database_url,
        "CONNECT_MONITOR_HTTP__MAX_RETRIES": "1",
        "SLACK_BOT_TOKEN": "test-bot-token",
        "CONNECT_MONITOR_SLACK_BASE_URL": slack.api_url,
        "CONNECT_MONITOR_SLACK__TIMEOUT_SECONDS": "2",
        "SLACK_DEFAULT_CHANNEL": "#deprecations",
        # Slack posts are paced at one a second per channel: keep the bursts short.
        "CONNECT_MONITOR_ALERTS__MAX_PER_CHANNEL_PER_HOUR": "3",
    }


def _status(env: dict[str, str]) -> tuple[int, dict]:
    result = run_cli(["status", "--format", "json"], env)
    assert result.stdout, result.stderr
    return result.code, json.loads(result.stdout)


def _no_duplicate_posts(slack: FakeSlack) -> None:
    posts = Counter((m.channel, m.text) for m in slack.messages)
    assert posts and max(posts.values()) == 1, posts.most_common(3)


def _all_stages_ok(url: str) -> bool:
    runs = job_runs(url)
    return all(finished(runs, stage) for stage in STAGES)


def test_daemon_end_to_end(
    scrape_env: dict[str, str],
    slack: FakeSlack,
    database_url: str,
    tmp_path: Path,
    daemons: list[Daemon],
) -> None:
    """Scrapes, scans, alerts and reports on schedule; SIGTERM then exits 0 cleanly."""
    env = _env(scrape_env, slack, database_url)
    port = free_port()
    env |= {"CONNECT_MONITOR_SERVER__ENABLED": "true", "CONNECT_MONITOR_SERVER__PORT": str(port)}
    add_shop(env, tmp_path, "--channel", "#shop-team")
    daemon = start_daemon(env, tmp_path / "daemon.log")
    daemons.append(daemon)

    wait_until(lambda: _all_stages_ok(database_url), 40, "every stage to run once")
    shop = query(database_url, "SELECT count(*) AS n FROM findings WHERE fixed_at IS NULL")
    assert shop[0]["n"] > 0, "the scan after the scrape found nothing in the shop codebase"
    wait_until(lambda: any(m.channel == "C0SHOPTEAM" for m in slack.messages), 20, "team post")
    assert "report" in {r["kind"] for r in query(database_url, "SELECT kind FROM alerts")}

    code, status = _status(env)
    assert code == 0, status["problems"]
    assert status["daemon"]["state"] == "running"
    if database_url.startswith("sqlite"):
        second = run_cli(["run"], env, timeout=30)
        assert second.code == 3, second.stderr
        assert "already running" in second.stderr and str(daemon.pid) in second.stderr
        assert _status(env)[0] == 0  # the CLI keeps working next to the daemon
    assert set(status["next_runs"]) == set(STAGES)
    health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    assert health.status_code == 200 and health.json()["state"] == "leader"
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    assert 'connect_monitor_job_runs_total{job="scrape",status="ok"}' in metrics
    assert 'connect_monitor_fetches_total{status="ok"}' in metrics
    assert 'connect_monitor_deprecations{status="active"}' in metrics
    assert "connect_monitor_days_until_next_window_closes" in metrics
    assert "connect_monitor_open_findings" in metrics

    daemon.send(signal.SIGTERM)
    assert daemon.wait(30) == 0, daemon.log()[-2000:]
    assert "stopped cleanly" in daemon.log()
    assert not [r for r in job_runs(database_url) if r["status"] == "running"]
    _no_duplicate_posts(slack)
    code, status = _status(env)
    assert status["daemon"]["state"] == "not running" and code == 0


def test_sigterm_mid_job_lets_it_finish(
    scrape_env: dict[str, str],
    slack: FakeSlack,
    docs_site: DocsServer,
    tmp_path: Path,
    daemons: list[Daemon],
) -> None:
    url = sqlite_url(tmp_path)
    env = _env(scrape_env, slack, url)
    docs_site.inject(ANY_PATH, Fault.slow(0.5), times=12)  # the first scrape takes seconds
    daemon = start_daemon(env, tmp_path / "daemon.log")
    daemons.append(daemon)
    wait_until(
        lambda: [r for r in job_runs(url) if r["job"] == "scrape" and r["status"] == "running"],
        20,
        "a scrape in progress",
        interval=0.05,
    )
    daemon.send(signal.SIGTERM)
    assert daemon.wait(30) == 0, daemon.log()[-2000:]
    runs = job_runs(url)
    assert [r["status"] for r in runs if r["job"] == "scrape"] == ["ok"]
    assert not [r for r in runs if r["status"] == "running"]
    assert "not starting" in daemon.log() or len(runs) == 1  # nothing new began after


def test_sigkill_mid_job_then_restart_completes_without_duplicates(
    scrape_env: dict[str, str],
    slack: FakeSlack,
    docs_site: DocsServer,
    tmp_path: Path,
    daemons: list[Daemon],
) -> None:
    url = sqlite_url(tmp_path)
    env = _env(scrape_env, slack, url)
    add_shop(env, tmp_path, "--channel", "#shop-team")
    first = start_daemon(env, tmp_path / "first.log")
    daemons.append(first)
    wait_until(lambda: len(slack.messages) >= 2, 40, "the baseline digests")
    docs_site.inject(ANY_PATH, Fault.slow(1.0), times=40)
    known = max(r["id"] for r in job_runs(url))
    wait_until(
        lambda: [
            r
            for r in job_runs(url)
            if r["id"] > known and r["job"] == "scrape" and r["status"] == "running"
        ],
        20,
        "a slow scrape in progress",
        interval=0.05,
    )
    first.send(signal.SIGKILL)
    first.wait(10)
    docs_site.clear_faults()
    posted = len(slack.messages)

    second = start_daemon(env, tmp_path / "second.log")
    daemons.append(second)
    wait_until(
        lambda: [r for r in job_runs(url) if r["error"] and "interrupted" in r["error"]],
        20,
        "the interrupted run to be recorded",
    )
    wait_until(
        lambda: (
            len(finished([r for r in job_runs(url) if r["id"] > known], "scrape")) >= 1
            and len(finished([r for r in job_runs(url) if r["id"] > known], "alerts")) >= 2
        ),
        30,
        "scrape and alerts to run again after the restart",
    )
    second.send(signal.SIGTERM)
    assert second.wait(30) == 0
    assert len(slack.messages) == posted  # nothing new was due, nothing was sent twice
    _no_duplicate_posts(slack)
    assert query(url, "SELECT count(*) AS n FROM alerts WHERE state = 'pending'")[0]["n"] == 0


def test_docs_outage_is_retried_later_and_loses_nothing(
    scrape_env: dict[str, str],
    slack: FakeSlack,
    docs_site: DocsServer,
    tmp_path: Path,
    daemons: list[Daemon],
) -> None:
    url = sqlite_url(tmp_path)
    env = _env(scrape_env, slack, url)
    daemon = start_daemon(env, tmp_path / "daemon.log")
    daemons.append(daemon)
    wait_until(lambda: finished(job_runs(url), "scrape"), 30, "a first good scrape")
    stored = query(url, "SELECT natural_key, status FROM deprecations ORDER BY natural_key")
    assert stored

    docs_site.inject(ANY_PATH, Fault.server_error(), times=100_000)
    wait_until(lambda: len(finished(job_runs(url), "scrape", "failed")) >= 2, 30, "failures")
    code, status = _status(env)
    assert code == 1 and status["jobs"]["scrape"]["status"] == "failed"
    assert "HTTP 500" in (status["jobs"]["scrape"]["error"] or "")
    assert query(url, "SELECT natural_key, status FROM deprecations ORDER BY natural_key") == stored
    assert daemon.running()

    docs_site.clear_faults()
    last_failed = max(r["id"] for r in finished(job_runs(url), "scrape", "failed"))
    wait_until(
        lambda: [r for r in finished(job_runs(url), "scrape") if r["id"] > last_failed],
        30,
        "a good scrape after the outage",
    )
    assert query(url, "SELECT natural_key, status FROM deprecations ORDER BY natural_key") == stored
    assert "skipping scrape: backing off after 2 consecutive failures" in daemon.log()
    daemon.send(signal.SIGTERM)
    assert daemon.wait(30) == 0


def test_locked_sqlite_database_is_waited_for(
    scrape_env: dict[str, str], slack: FakeSlack, tmp_path: Path, daemons: list[Daemon]
) -> None:
    url = sqlite_url(tmp_path)
    env = _env(scrape_env, slack, url)
    daemon = start_daemon(env, tmp_path / "daemon.log")
    daemons.append(daemon)
    wait_until(lambda: finished(job_runs(url), "scrape"), 30, "a first scrape")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sqlite3, time
                db = sqlite3.connect({str(tmp_path / "monitor.db")!r}, isolation_level=None)
                db.execute("BEGIN IMMEDIATE")
                db.execute("UPDATE sources SET enabled = enabled")
                print("locked", flush=True)
                time.sleep(4)
                db.execute("COMMIT")
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    locked_at = time.monotonic()
    holder.wait(timeout=20)
    before = max(r["id"] for r in job_runs(url))
    wait_until(
        lambda: [r for r in finished(job_runs(url), "scrape") if r["id"] > before],
        30,
        "a scrape after the lock was released",
    )
    assert time.monotonic() - locked_at >= 4
    assert daemon.running()
    assert not finished(job_runs(url), "scrape", "failed"), daemon.log()[-2000:]
    assert "Traceback" not in daemon.log()
    daemon.send(signal.SIGTERM)
    assert daemon.wait(30) == 0


def test_report_missed_while_down_runs_once_on_restart(
    scrape_env: dict[str, str], slack: FakeSlack, tmp_path: Path, daemons: list[Daemon]
) -> None:
    url = sqlite_url(tmp_path)
    env = _env(scrape_env, slack, url) | {
        "CONNECT_MONITOR_SCHEDULE__REPORT": "0 9 * * 1",
        "CONNECT_MONITOR_SCHEDULE__SCRAPE": "every 1h",
        "CONNECT_MONITOR_SCHEDULE__SCAN": "every 1h",
        "CONNECT_MONITOR_SCHEDULE__ALERTS": "every 1h",
    }
    first = start_daemon(env, tmp_path / "first.log")
    daemons.append(first)
    wait_until(lambda: _status(env)[1]["next_runs"].get("report"), 20, "the report job")
    first.send(signal.SIGTERM)
    assert first.wait(30) == 0
    assert not finished(job_runs(url), "report")
    # Pretend the daemon was down over Monday 09:00: the stored next run is an hour ago.
    query_sql = "UPDATE apscheduler_jobs SET next_run_time = :t WHERE id = 'report'"
    execute(url, query_sql, t=time.time() - 3600)

    second = start_daemon(env, tmp_path / "second.log")
    daemons.append(second)
    wait_until(lambda: finished(job_runs(url), "report"), 30, "the missed report")
    time.sleep(1.5)
    assert len([r for r in job_runs(url) if r["job"] == "report"]) == 1  # coalesced: once
    assert [m for m in slack.messages if "report" in (m.text or "").lower()]
    next_report = _status(env)[1]["next_runs"]["report"]
    assert next_report and "T09:00:00" in next_report
    second.send(signal.SIGTERM)
    assert second.wait(30) == 0


@pytest.mark.postgres
def test_postgres_standby_takes_over_when_the_leader_dies(
    scrape_env: dict[str, str], slack: FakeSlack, tmp_path: Path, daemons: list[Daemon]
) -> None:
    if postgres_server_url() is None:
        pytest.skip(f"PostgreSQL failover skipped: set {POSTGRES_ENV} to a server URL")
    with fresh_postgres_database() as url:
        env = _env(scrape_env, slack, url)
        leader = start_daemon(env, tmp_path / "leader.log")
        daemons.append(leader)
        wait_until(lambda: "Scheduler started" in leader.log(), 20, "the leader to start")
        standby = start_daemon(env, tmp_path / "standby.log")
        daemons.append(standby)
        wait_until(lambda: "standing by" in standby.log(), 20, "the second replica to stand by")
        wait_until(lambda: finished(job_runs(url), "alerts") and slack.messages, 30, "posts")
        assert "Scheduler started" not in standby.log()  # only the leader runs jobs

        leader.send(signal.SIGKILL)
        leader.wait(10)
        killed_at = time.monotonic()
        wait_until(lambda: "taking over" in standby.log(), 10, "the standby to take over")
        took = time.monotonic() - killed_at
        assert took < 0.5 + 2.0, f"takeover took {took:.1f}s with a 0.5s poll"
        known = max(r["id"] for r in job_runs(url))
        wait_until(
            lambda: [r for r in finished(job_runs(url), "scrape") if r["id"] > known],
            30,
            "the new leader to scrape",
        )
        standby.send(signal.SIGTERM)
        assert standby.wait(30) == 0
        _no_duplicate_posts(slack)
        kill_all(daemons)
