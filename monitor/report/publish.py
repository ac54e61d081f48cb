"""Posting the weekly digest through the outbox: once per week, never lost.

The message is written as an outbox row keyed ``report:<week>`` before anything is sent, so
a second run in the same week adds nothing, and a Slack outage leaves the row pending for
a later run (or the daemon) to deliver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from sqlalchemy import select

from monitor.config import Settings
from monitor.notify.outbox import OutboxMessage, deliver_pending, enqueue
from monitor.notify.service import sink_for
from monitor.report import fmt
from monitor.report.model import WeeklyReport
from monitor.report.render_slack import render_slack
from monitor.store.database import Database
from monitor.store.models import Alert


@dataclass(frozen=True, slots=True)
class PostOutcome:
    key: str
    state_before: str | None  # the row's state before this run (None: no row)
    state: str  # pending | sent | failed
    target: str
    last_error: str | None
    sent_at: datetime | None

    @property
    def sent_now(self) -> bool:
        return self.state == "sent" and self.state_before != "sent"


def outbox_key(week: str) -> str:
    return f"report:{week}"


def attachment(report: WeeklyReport, html: str) -> dict[str, str]:
    return {
        "filename": f"connect-monitor-report-{report.week}.html",
        "content": html,
        "title": fmt.title(report),
    }


def post_report(
    database: Database,
    settings: Settings,
    report: WeeklyReport,
    html: str,
    clock: Callable[[], datetime],
    console: TextIO | None = None,
) -> PostOutcome:
    """Queue the week's digest (once) and deliver whatever the outbox has due.

    With no Slack configured the console sink prints the digest to ``console``. The sink
    decides everything else: a webhook posts to its own channel, and only a sink that can
    upload files gets the HTML page attached.
    """
    sink = sink_for(settings, console)
    can_attach = hasattr(sink, "upload_file")
    key = outbox_key(report.week)
    outgoing = OutboxMessage(
        key=key,
        kind="report",
        target="webhook" if sink.target == "webhook" else settings.slack.default_channel,
        threshold=report.week,
        message=render_slack(report, attached=can_attach),
        extra={"file": attachment(report, html)} if can_attach else {},
    )
    with database.transaction() as session:
        before = session.scalar(select(Alert.state).where(Alert.key == key))
        enqueue(session, outgoing, clock())
    deliver_pending(database, sink, clock)
    with database.sessions() as session:
        row = session.scalar(select(Alert).where(Alert.key == key))
        assert row is not None
        return PostOutcome(key, before, row.state, row.target, row.last_error, row.sent_at)
