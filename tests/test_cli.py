"""The command tree as a user meets it: a real process, a fresh data directory."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Cli

COMMANDS = [
    ["run"],
    ["once"],
    ["scrape"],
    ["deprecations"],
    ["codebase", "add"],
    ["codebase", "list"],
    ["codebase", "remove"],
    ["scan"],
    ["check"],
    ["alerts"],
    ["report"],
    ["status"],
    ["db", "upgrade"],
    ["db", "current"],
    ["config", "show"],
    ["config", "check"],
]


def test_top_level_help_lists_every_command(cli: Cli) -> None:
    result = cli("--help")
    assert result.code == 0
    for name in {c[0] for c in COMMANDS}:
        assert f"  {name} " in result.stdout
    for flag in ("--config", "--log-level", "--log-format", "--database-url"):
        assert flag in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_explains_itself(cli: Cli, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0, result.stderr
    assert "Usage: connect-monitor " + " ".join(command) in result.stdout
    description = result.stdout.split("\n\n", 2)[1].strip()
    assert len(description) > 20


def test_fresh_data_dir_upgrade_then_status(cli: Cli, data_dir: Path) -> None:
    current = cli("db", "current")
    assert current.code == 0 and "(empty database)" in current.stdout
    upgraded = cli("db", "upgrade")
    assert upgraded.code == 0, upgraded.stderr
    revision = (
        sqlite3.connect(data_dir / "monitor.db")
        .execute("select version_num from alembic_version")
        .fetchone()[0]
    )
    assert revision in upgraded.stdout
    assert "up to date" in cli("db", "current").stdout
    status = cli("status", "--format", "json")
    assert status.code == 0, status.stderr
    body = json.loads(status.stdout)
    assert body["state"] == "healthy" and body["schema_revision"] == revision


def test_status_upgrades_automatically_and_reports_degraded(cli: Cli, data_dir: Path) -> None:
    assert cli("status").code == 0  # creates and migrates the database on the way
    db = sqlite3.connect(data_dir / "monitor.db")
    db.execute(
        "insert into sources (name, kind, path, enabled, last_status, last_error, "
        "consecutive_failures, created_at) values ('catalog', 'changelog', '/catalog/changelog',"
        " 1, 'canary', 'parsed 0 entries, 7 before', 1, '2026-11-29 00:00:00')"
    )
    db.commit()
    status = cli("status")
    assert status.code == 1
    assert "degraded" in status.stdout and "parsed 0 entries" in status.stdout


def test_unreachable_database_exits_3(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = cli("--database-url", f"sqlite:///{blocker}/sub/monitor.db", "status")
    assert result.code == 3
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_postgres_url_without_server_exits_3_without_password(cli: Cli) -> None:
    result = cli("--database-url", "postgresql+psycopg://u:hunter2@127.0.0.1:1/x", "status")
    assert result.code == 3
    assert "hunter2" not in result.stderr and "127.0.0.1:1" in result.stderr


def test_unknown_command_is_a_usage_error(cli: Cli) -> None:
    result = cli("frobnicate")
    assert result.code == 2 and "No such command" in result.stderr


def test_json_logging_flag(cli: Cli) -> None:
    result = cli("--log-format", "json", "--log-level", "debug", "db", "upgrade")
    assert result.code == 0
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(line["message"] == "upgrading database schema" for line in lines)
