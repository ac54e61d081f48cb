"""`connect-monitor once`: the whole pipeline a single time, as a real process."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import Cli
from tests.support.daemon import add_shop, query
from tests.support.databases import sqlite_url
from tests.support.docs_server import ANY_PATH, DocsServer, Fault

STAGE_LINE = re.compile(r"^(scrape|scan|alerts|report): (ok|FAILED): ")


def test_once_runs_every_stage_and_records_them(
    cli: Cli, scrape_env: dict[str, str], data_dir: Path, tmp_path: Path
) -> None:
    cli.env = scrape_env
    add_shop(cli.env, tmp_path)
    result = cli("once", "--today", "2026-11-29")
    assert result.code == 0, result.stderr
    assert "Monitoring started" in result.stdout  # no Slack configured: the console hears it
    lines = [line for line in result.stdout.splitlines() if STAGE_LINE.match(line)]
    assert [line.split(":")[0] for line in lines] == ["scrape", "scan", "alerts", "report"]
    assert all(": ok: " in line for line in lines)
    assert "report 2026-W48: built" in result.stdout
    url = sqlite_url(data_dir)
    runs = query(url, "SELECT job, status FROM job_runs ORDER BY id")
    assert [(r["job"], r["status"]) for r in runs] == [
        ("scrape", "ok"),
        ("scan", "ok"),
        ("alerts", "ok"),
        ("report", "ok"),
    ]
    assert query(url, "SELECT week FROM reports") == [{"week": "2026-W48"}]
    assert query(url, "SELECT count(*) AS n FROM alerts WHERE kind = 'report'")[0]["n"] == 0
    assert query(url, "SELECT count(*) AS n FROM findings")[0]["n"] > 0
    status = json.loads(cli("status", "--format", "json").stdout)
    assert status["jobs"]["scan"]["runner"] == "once"
    assert status["daemon"]["state"] == "not running"


def test_once_keeps_going_after_a_failed_stage_and_exits_3(
    cli: Cli, scrape_env: dict[str, str], docs_site: DocsServer
) -> None:
    cli.env = scrape_env
    docs_site.inject(ANY_PATH, Fault.server_error(), times=10_000)
    result = cli("once", "--today", "2026-11-29", "--format", "json")
    assert result.code == 3
    body = json.loads(result.stdout)
    stages = {stage["stage"]: stage for stage in body["stages"]}
    assert body["ok"] is False and not stages["scrape"]["ok"]
    assert "HTTP 500" in stages["scrape"]["error"]
    assert stages["scan"]["ok"] and stages["alerts"]["ok"] and stages["report"]["ok"]
