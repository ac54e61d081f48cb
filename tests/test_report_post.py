"""`connect-monitor report` as a real process: formats, stored weeks, and --post against the
fake Slack server (delivered once per week, kept through an outage, HTML attached)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.store.database import open_database
from monitor.store.models import Alert, Report
from tests.support.cli import REPO_ROOT, CliResult, isolated_env
from tests.support.fake_slack import FakeSlack
from tests.test_report_golden import GOLDEN
from tests.test_report_seed import seed_week

TOKEN = "report-test-token"
# Until `report` is registered in monitor.cli, run the same group with it added.
_SHIM = (
    "import sys; from monitor.cli import cli, main; from monitor.cli.report_cmd import report;"
    " cli.add_command(report); main(sys.argv[1:])"
)


def _entry() -> list[str]:
    from monitor.cli import cli
    from monitor.cli.report_cmd import report

    return ["-m", "monitor"] if cli.commands.get("report") is report else ["-c", _SHIM]


def run(env: dict[str, str], *args: str, timeout: float = 90) -> CliResult:
    proc = subprocess.run(
        [sys.executable, *_entry(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/m.db"
    database = open_database(url)
    with database.transaction() as session:
        seed_week(session)
    database.close()
    return url


@pytest.fixture
def env(tmp_path: Path, db_url: str) -> dict[str, str]:
    data = tmp_path / "data"
    data.mkdir()
    return isolated_env(data, {"CONNECT_MONITOR_DATABASE_URL": db_url})


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


def _alert(db_url: str) -> Alert:
    database = open_database(db_url)
    try:
        with database.sessions() as session:
            row = session.scalar(select(Alert).where(Alert.key == "report:2026-W20"))
            assert row is not None
            return row
    finally:
        database.close()


def test_json_from_the_cli_matches_the_golden_file(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = run(env, "report", "--today", "2026-05-14", "--format", "json", "--output", str(out))
    assert result.code == 0, result.stderr
    assert json.loads(out.read_text()) == json.loads(GOLDEN.read_text())
    # A week later, W20 is a past week: shown exactly as stored.
    again = run(env, "report", "--week", "2026-W20", "--today", "2026-05-25", "--format", "json")
    assert again.code == 0, again.stderr
    assert again.stdout == out.read_text()


def test_markdown_to_stdout_by_default_and_bad_weeks_are_usage_errors(
    env: dict[str, str],
) -> None:
    result = run(env, "report", "--today", "2026-05-14")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("# Weekly deprecation report 2026-W20")
    assert "| 11 | 2 |" in result.stdout  # this week's trend row
    assert run(env, "report", "--week", "2026-W99").code == 2
    future = run(env, "report", "--week", "2026-W30", "--today", "2026-05-14")
    assert future.code == 2 and "not started" in future.stderr


def test_post_delivers_once_per_week_with_the_html_attached(
    env: dict[str, str], fake: FakeSlack, db_url: str
) -> None:
    slack = slack_env(env, fake)
    first = run(slack, "report", "--today", "2026-05-14", "--post")
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
    assert _alert(db_url).state == "sent"

    second = run(slack, "report", "--today", "2026-05-16", "--post")
    assert second.code == 0, second.stderr
    assert "already posted" in second.stderr
    assert len(fake.messages) == 1 and len(fake.uploads) == 1


def test_an_outage_leaves_the_digest_queued_and_a_later_run_delivers_it(
    env: dict[str, str], fake: FakeSlack, db_url: str
) -> None:
    slack = slack_env(env, fake)
    fake.set_outage(True, status=500)
    down = run(slack, "report", "--today", "2026-05-14", "--post")
    assert down.code == 3
    assert "stays queued" in down.stderr
    assert fake.messages == []
    row = _alert(db_url)
    assert row.state == "pending" and row.attempts == 1 and row.last_error

    fake.set_outage(False)
    up = run(slack, "report", "--today", "2026-05-15", "--post")
    assert up.code == 0, up.stderr
    assert "posted the weekly digest" in up.stderr
    assert len(fake.messages) == 1 and len(fake.uploads) == 1
    assert _alert(db_url).state == "sent"
    database = open_database(db_url)
    with database.sessions() as session:
        assert session.scalar(select(Report.week)) == "2026-W20"
    database.close()
