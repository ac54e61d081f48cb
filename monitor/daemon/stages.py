"""The four pipeline stages as the daemon and `once` run them, each reduced to one outcome.

Each stage calls the feature's own service function and turns its summary into a
``StageOutcome``: ok or not, a JSON-able summary for ``job_runs``, an error line, and
whether the scan should follow (new deprecations were stored).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TextIO

from monitor.config.settings import Settings
from monitor.daemon.triggers import ALERTS, REPORT, SCAN, SCRAPE
from monitor.notify.service import run_alerts
from monitor.report.publish import post_report
from monitor.report.service import make_request, obtain, text_of
from monitor.report.weeks import IsoWeek, week_of
from monitor.scan.service import scan_codebases
from monitor.scrape.pipeline import run_scrape
from monitor.store.database import Database


@dataclass
class StageOutcome:
    ok: bool
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    description: str = ""
    new_deprecations: int = 0
    fetches: dict[str, int] = field(default_factory=dict)


def scrape_stage(settings: Settings, database: Database, now: datetime) -> StageOutcome:
    summary = run_scrape(settings, database, now)
    return StageOutcome(
        ok=summary.ok,
        summary=summary.as_dict(),
        error="; ".join(summary.problems) or None,
        description=summary.describe(),
        new_deprecations=summary.deprecations_new + summary.deprecations_reappeared,
        fetches={
            "ok": summary.pages_fetched,
            "not_modified": summary.pages_not_modified,
            "failed": summary.pages_failed,
        },
    )


def scan_stage(settings: Settings, database: Database, now: datetime) -> StageOutcome:
    summary = scan_codebases(settings, database, now)
    codebases = [
        {"name": o.name, "ok": o.ok, "error": o.error, "new": o.new, "fixed": o.fixed}
        for o in summary.outcomes
    ]
    failed = [f"{o.name}: {o.error}" for o in summary.outcomes if not o.ok]
    new = sum(o.new for o in summary.outcomes)
    return StageOutcome(
        ok=summary.ok,
        summary={"codebases": codebases, "ok": summary.ok},
        error="; ".join(failed) or None,
        description=f"scan: {len(summary.outcomes)} codebase(s), {new} new finding(s)"
        + (f", {len(failed)} failed" if failed else ""),
    )


def alerts_stage(settings: Settings, database: Database, now: datetime) -> StageOutcome:
    summary = run_alerts(settings, database, now)
    delivery = summary.delivery
    ok = delivery.failed == 0 and delivery.retry_later == 0
    return StageOutcome(
        ok=ok,
        summary={
            "decided": summary.decided,
            "ops": summary.ops,
            "sent": delivery.sent,
            "retry_later": delivery.retry_later,
            "failed": delivery.failed,
            "held_for_quiet_hours": summary.held_for_quiet_hours,
        },
        error="; ".join(delivery.errors) or None,
        description=summary.describe(),
    )


def report_week(now: datetime, just_ended: bool) -> IsoWeek:
    """The scheduled run reports the week that just ended; `once` the current one."""
    current = week_of(now.date())
    return current.shifted(-1) if just_ended else current


def report_stage(
    settings: Settings,
    database: Database,
    now: datetime,
    *,
    just_ended: bool = True,
    post: bool = True,
    clock: Callable[[], datetime] | None = None,
    console: TextIO | None = None,
) -> StageOutcome:
    request = make_request(report_week(now, just_ended), now)
    obtained = obtain(database, request, settings.report.weeks_of_trend)
    week = str(obtained.report.week)
    if not post:
        return StageOutcome(True, {"week": week, "posted": False}, None, f"report {week}: built")
    html = text_of(database, obtained, "html")
    outcome = post_report(
        database,
        settings,
        obtained.report,
        html,
        clock=clock or (lambda: now),
        console=console or sys.stdout,
    )
    ok = outcome.state == "sent"
    error = None if ok else f"report {week} {outcome.state}: {outcome.last_error or 'not sent'}"
    state = "posted now" if outcome.sent_now else outcome.state
    return StageOutcome(
        ok,
        {"week": week, "posted": True, "state": outcome.state, "sent_now": outcome.sent_now},
        error,
        f"report {week}: {state}",
    )


Stage = Callable[[Settings, Database, datetime], StageOutcome]
STAGE_FUNCTIONS: dict[str, Stage] = {
    SCRAPE: scrape_stage,
    SCAN: scan_stage,
    ALERTS: alerts_stage,
    REPORT: report_stage,
}
