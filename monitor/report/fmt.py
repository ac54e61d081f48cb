"""Wording shared by every output, so Markdown, HTML and Slack say things the same way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from monitor.notify.message import plural  # also fmt.plural for the renderers and templates
from monitor.report.model import WeeklyReport

KIND_LABELS = {
    "field": "field",
    "endpoint": "endpoint",
    "enum_value": "enum value",
    "removed_value": "value",
    "breaking_change": "breaking change",
}
LIST_LIMIT = 50
"""Long change lists are cut here in Markdown, HTML and Slack; JSON keeps everything."""

USES_PER_CODEBASE = 15
"""Rows of a codebase's "open uses by deprecation" table shown in Markdown and HTML."""

NAMES_PER_CELL = 6
"""Codebase names listed in one deprecation row before "and N more"."""


def names(values: Sequence[str], limit: int = NAMES_PER_CELL) -> str:
    """A short list for a table cell: the first few, then how many more."""
    if not values:
        return "none"
    shown = ", ".join(values[:limit])
    return shown if len(values) <= limit else f"{shown} and {len(values) - limit:,} more"


def kind_label(kind: str, action: str) -> str:
    label = KIND_LABELS.get(kind, kind.replace("_", " "))
    if kind == "breaking_change" or action in ("deprecated", ""):
        return label
    return f"{label} ({action})"


def days_left_text(days_left: int) -> str:
    if days_left < 0:
        return f"{days_left} (closed)"
    if days_left == 0:
        return "0 (closes today)"
    return str(days_left)


def when(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def title(report: WeeklyReport) -> str:
    return f"Weekly deprecation report {report.week}"


def period(report: WeeklyReport) -> str:
    return f"{report.week_start.isoformat()} to {report.week_end.isoformat()}"


def summary_sentence(report: WeeklyReport) -> str:
    """The one-line summary every format starts with."""
    s = report.summary
    closing = (
        f"{s.closing_within_30_days:,} close within 30 days and"
        f" {s.closing_within_90_days:,} within 90 days"
    )
    if s.already_closed:
        closing += f" ({s.already_closed:,} already closed)"
    return (
        f"{plural(s.active_deprecations, 'active deprecation')}: {closing}."
        f" {plural(s.codebases_affected, 'codebase')} affected,"
        f" {plural(s.open_uses, 'open use')};"
        f" {s.new_uses_this_week:,} new and {s.uses_fixed_this_week:,} fixed this week."
    )
