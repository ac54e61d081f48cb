"""`connect-monitor report` as a real process: formats, stored weeks, and --post against the
fake Slack server (delivered once per week, kept through an outage, HTML attached)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.store.database import Database
from monitor.store.models import Alert, Report
from tests.support.cli import run_cli
from tests.support.fake_slack import FakeSlack
from tests.support.report_seed import GOLDEN

TOKEN = "report-test-token"


@pytest.fixture
def env(cli_env: dict[str, str], seeded_db: Database) -> dict[str, str]:
    url = seeded_db.engine.url.render_as_string(hide_password=False)
    return {**cli_env, "CONNECT_MONITOR_DATABASE_URL": url}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(valid_token=TOKEN, hang_seconds=5) as server:
        yield server


def slack_env(env: dict[str, str], fake: FakeSlack) -> dict[str, str]:
    return {
        **env,
        "SLACK_BOT_TOKEN": TOKEN,
        "CONNECT_MONITOR_SLACK_BASE_URL": fake.api_url,
        "SLACK_DEFAULT_CHANNEL": "#deprecations",
    }


def _alert(database: Database) -> Alert:
    with database.sessions() as session:
        row = session.scalar(select(Alert).where(Alert.key == "report:2026-W20"))
        assert row is not None
        return row


def test_json_from_the_cli_matches_the_golden_file(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = run_cli(
        ["report", "--today", "2026-05-14", "--format", "json", "--output", str(out)], env
    )
    assert result.code == 0, result.stderr
    assert json.loads(out.read_text()) == json.loads(GOLDEN.read_text())
    # A week later, W20 is a past week: shown exactly as stored.
    again = run_cli(
        ["report", "--week", "2026-W20", "--today", "2026-05-25", "--format", "json"], env
    )
    assert again.code == 0, again.stderr
    assert again.stdout == out.read_text()


def test_markdown_to_stdout_by_default_and_bad_weeks_are_usage_errors(
    env: dict[str, str],
) -> None:
    result = run_cli(["report", "--today", "2026-05-14"], env)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("# Weekly deprecation report 2026-W20")
    assert "| 11 | 2 |" in result.stdout  # this week's trend row
    assert run_cli(["report", "--week", "2026-W99"], env).code == 2
    future = run_cli(["report", "--week", "2026-W30", "--today", "2026-05-14"], env)
    assert future.code == 2 and "not started" in future.stderr


def test_post_delivers_once_per_week_with_the_html_attached(
    env: dict[str, str], fake: FakeSlack, seeded_db: Database
) -> None:
    slack = slack_env(env, fake)
    first = run_cli(["report", "--today", "2026-05-14", "--post"], slack)
    assert first.code == 0, first.stderr
    assert "posted the weekly digest to #deprecations" in first.stderr
    (message,) = fake.messages
    assert message.channel == "C0DEPRECS"
    assert "Weekly deprecation report 2026-W20" in json.dumps(message.blocks)
    (upload,) = fake.uploads
    assert upload.filename == "connect-monitor-report-2026-W20.html"
    assert upload.channel == "C0DEPRECS"
    html = upload.content.decode()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert _alert(seeded_db).state == "sent"

    second = run_cli(["report", "--today", "2026-05-16", "--post"], slack)
    assert second.code == 0, second.stderr
    assert "already posted" in second.stderr
    assert len(fake.messages) == 1 and len(fake.uploads) == 1


def test_an_outage_leaves_the_digest_queued_and_a_later_run_delivers_it(
    env: dict[str, str], fake: FakeSlack, seeded_db: Database
) -> None:
    slack = slack_env(env, fake)
    fake.set_outage(True, status=500)
    down = run_cli(["report", "--today", "2026-05-14", "--post"], slack)
    assert down.code == 3
    assert "stays queued" in down.stderr
    assert fake.messages == []
    row = _alert(seeded_db)
    assert row.state == "pending" and row.attempts == 1 and row.last_error

    fake.set_outage(False)
    up = run_cli(["report", "--today", "2026-05-15", "--post"], slack)
    assert up.code == 0, up.stderr
    assert "posted the weekly digest" in up.stderr
    assert len(fake.messages) == 1 and len(fake.uploads) == 1
    assert _alert(seeded_db).state == "sent"
    with seeded_db.sessions() as session:
        assert session.scalar(select(Report.week)) == "2026-W20"


def test_a_webhook_gets_the_digest_and_no_attachment(
    env: dict[str, str], fake: FakeSlack, seeded_db: Database
) -> None:
    hook = {**env, "SLACK_WEBHOOK_URL": fake.webhook_url, "SLACK_DEFAULT_CHANNEL": "#ignored"}
    result = run_cli(["report", "--today", "2026-05-14", "--post"], hook)
    assert result.code == 0, result.stderr
    assert "posted the weekly digest to the webhook's channel" in result.stderr
    (message,) = fake.messages
    assert message.via == "webhook"
    assert fake.uploads == []  # a webhook cannot upload files
    shown = json.dumps(message.blocks)
    assert "attached as an HTML file" not in shown
    assert "connect-monitor report --week 2026-W20 --format html" in shown
    row = _alert(seeded_db)
    assert (row.state, row.target) == ("sent", "webhook")
    assert "file" not in row.payload
