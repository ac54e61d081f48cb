"""The Slack digest: the headline numbers and the few things worth a click.

Built from :mod:`monitor.notify.blocks` helpers and passed through ``fit_to_limits``, so a
week with hundreds of deprecations still makes a message Slack accepts.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.notify.fit import (
    fit_to_limits,
)
from monitor.notify.message import (
    Block,
    SlackMessage,
    context_block,
    describe_days_left,
    divider_block,
    escape_mrkdwn,
    header_block,
    link,
    section_block,
    truncate,
)
from monitor.report import fmt
from monitor.report.model import CodebaseSection, DeprecationRow, WeeklyReport

TOP_DEPRECATIONS = 8
TOP_CODEBASES = 8
_ICONS = {
    "closed": ":red_circle:",
    "under_30_days": ":large_orange_circle:",
    "under_90_days": ":large_yellow_circle:",
    "later": ":large_blue_circle:",
}


def render_slack(report: WeeklyReport, *, attached: bool = False) -> SlackMessage:
    s = report.summary
    blocks: list[Block] = [
        header_block(f"{fmt.title(report)} ({fmt.period(report)})"),
        section_block(escape_mrkdwn(fmt.summary_sentence(report))),
        section_block(
            fields=[
                f"*Active deprecations*\n{s.active_deprecations:,}",
                f"*Close within 30 / 90 days*\n{s.closing_within_30_days:,} / "
                f"{s.closing_within_90_days:,}",
                f"*Codebases affected*\n{s.codebases_affected:,}",
                f"*Open uses*\n{s.open_uses:,}",
                f"*New this week*\n{s.new_uses_this_week:,}",
                f"*Fixed this week*\n{s.uses_fixed_this_week:,}",
            ]
        ),
        divider_block(),
    ]
    blocks += _listing(
        "Most urgent", [_deprecation_line(r) for r in report.deprecations], TOP_DEPRECATIONS
    )
    with_uses = [c for c in report.codebases if c.open_uses]
    blocks += _listing(
        "Codebases with most open uses", [_codebase_line(c) for c in with_uses], TOP_CODEBASES
    )
    blocks.append(section_block(_changes_text(report)))
    if attached:
        footer = "The full report (tables and charts) is attached as an HTML file."
    else:
        footer = f"Full report: `connect-monitor report --week {report.week} --format html`"
    blocks.append(context_block(footer))
    fallback = f"{fmt.title(report)}: {fmt.summary_sentence(report)}"
    return fit_to_limits(SlackMessage(text=escape_mrkdwn(fallback), blocks=blocks))


def _listing(heading: str, lines: Sequence[str], limit: int) -> list[Block]:
    if not lines:
        return []
    body = "\n".join(lines[:limit])
    more = len(lines) - limit
    if more > 0:
        body += f"\n…and {more:,} more in the full report"
    return [section_block(f"*{heading}*\n{body}")]


def _deprecation_line(row: DeprecationRow) -> str:
    label = truncate(", ".join(row.items) or row.title, 90)
    uses = f", {fmt.plural(row.open_uses, 'open use')}" if row.open_uses else ""
    return (
        f"{_ICONS.get(row.urgency, '')} {link(row.source_url, label)}"
        f" ({escape_mrkdwn(row.surface)}): closes {row.window_closes_on.isoformat()},"
        f" {describe_days_left(row.days_left)}{uses}"
    )


def _codebase_line(cb: CodebaseSection) -> str:
    owner = f" ({escape_mrkdwn(cb.owner)})" if cb.owner else ""
    return (
        f"• *{escape_mrkdwn(cb.name)}*{owner}: {fmt.plural(cb.open_uses, 'open use')}"
        f" (+{cb.new_this_week:,} new, −{cb.fixed_this_week:,} fixed this week)"
    )


def _changes_text(report: WeeklyReport) -> str:
    c = report.changes
    counts = [
        (len(c.new_deprecations), "new deprecation", "new deprecations"),
        (len(c.changed_deprecations), "changed deprecation", "changed deprecations"),
        (len(c.disappeared_deprecations), "deprecation gone", "deprecations gone"),
        (len(c.reappeared_deprecations), "deprecation back", "deprecations back"),
        (len(c.new_entries), "new changelog entry", "new changelog entries"),
        (len(c.changed_entries), "edited changelog entry", "edited changelog entries"),
        (len(c.disappeared_entries), "removed changelog entry", "removed changelog entries"),
    ]
    said = [fmt.plural(n, one, many) for n, one, many in counts if n]
    lines = ["*Docs this week*", ", ".join(said) if said else "No changes in the docs."]
    if c.source_problems:
        names = ", ".join(escape_mrkdwn(p.name) for p in c.source_problems[:5])
        lines.append(f":warning: {fmt.plural(len(c.source_problems), 'page')} failing: {names}")
    if c.failed_alerts:
        lines.append(f":warning: {fmt.plural(len(c.failed_alerts), 'Slack alert')} failed")
    if c.failed_jobs:
        jobs = list(dict.fromkeys(j.job for j in c.failed_jobs))  # each job once, newest first
        names = ", ".join(escape_mrkdwn(job) for job in jobs[:5])
        lines.append(f":warning: {fmt.plural(len(c.failed_jobs), 'job run')} failed: {names}")
    return "\n".join(lines)
