"""Markdown for wikis and tickets (GitHub-flavoured tables).

Text from the docs or from code is escaped so a ``|`` cannot split a table cell and a
``<tag>`` or ``*`` cannot turn into markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from monitor.notify.message import safe_url
from monitor.report import fmt
from monitor.report.model import (
    CodebaseSection,
    DeprecationChange,
    EntryChange,
    WeeklyReport,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_URL_SAFE = "/:?#@!$&'*+,;=%~-._"


def text(value: str) -> str:
    """Plain text safe anywhere in Markdown, including a table cell."""
    flat = " ".join(value.split())
    return _SPECIAL.sub(r"\\\1", flat)


def code(value: str) -> str:
    """A code span that survives backticks and pipes inside it."""
    flat = " ".join(value.split()).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def link(url: str | None, label: str) -> str:
    """A link only for http(s) URLs; brackets and spaces in the URL are percent-encoded."""
    target = safe_url(url)
    if target is None:
        return text(label)
    # safe_url keeps brackets and parentheses, which would end a Markdown link.
    return f"[{text(label)}]({quote(target, safe=_URL_SAFE)})"


def _items(items: Sequence[str]) -> str:
    return ", ".join(code(i) for i in items) if items else ""


def render_markdown(report: WeeklyReport) -> str:
    parts = [
        f"# {fmt.title(report)} ({fmt.period(report)})",
        "",
        f"As of {report.today.isoformat()}; generated {fmt.when(report.generated_at)}.",
        "",
        f"**Summary:** {fmt.summary_sentence(report)}",
    ]
    parts += [f"\n> {text(note)}" for note in report.notes]
    parts += ["", *_deprecations(report), "", *_codebases(report.codebases)]
    parts += ["", *_changes(report), "", *_trend(report)]
    return "\n".join(parts).rstrip() + "\n"


def _deprecations(report: WeeklyReport) -> list[str]:
    lines = ["## Deprecations, most urgent first", ""]
    if not report.deprecations:
        return [*lines, "No active deprecations."]
    lines += [
        "| Item(s) | Surface | Kind | Announced on | Window closes on | Days left | Replacement"
        " | Codebases using it | Open uses |",
        "|---|---|---|---|---|---:|---|---|---:|",
    ]
    for row in report.deprecations:
        cells = [
            _items(row.items) or text(row.title),
            link(row.source_url, row.surface),
            text(fmt.kind_label(row.kind, row.action)),
            row.announced_on.isoformat()
            + (" (first seen)" if row.announced_on_source == "first_seen" else ""),
            row.window_closes_on.isoformat(),
            fmt.days_left_text(row.days_left),
            text(row.replacement) if row.replacement else "none named",
            text(fmt.names(row.codebases)),
            f"{row.open_uses:,}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _codebases(codebases: Sequence[CodebaseSection]) -> list[str]:
    lines = ["## Codebases"]
    if not codebases:
        return [*lines, "", "No codebases are registered."]
    for cb in codebases:
        lines += ["", f"### {text(cb.name)}", ""]
        scan = (
            f"last scan {fmt.when(cb.last_scan_at)} ({text(cb.last_scan_status or '')})"
            if cb.last_scan_at
            else "never scanned"
        )
        lines.append(
            f"Owner: {text(cb.owner or 'not set')} · Channel: {text(cb.channel or 'default')}"
            f" · Open uses: **{cb.open_uses:,}** · New this week: {cb.new_this_week:,}"
            f" · Fixed this week: {cb.fixed_this_week:,} · {scan}"
        )
        if cb.oldest_open_use:
            oldest = cb.oldest_open_use
            lines += [
                "",
                f"Oldest open use: {code(f'{oldest.path}:{oldest.line}')} ({code(oldest.item)}),"
                f" first seen {oldest.first_seen_at.date().isoformat()}",
            ]
        if cb.by_deprecation:
            lines += ["", "| Deprecation | Open uses |", "|---|---:|"]
            shown = cb.by_deprecation[: fmt.USES_PER_CODEBASE]
            lines += [f"| {code(u.label)} | {u.open_uses:,} |" for u in shown]
            hidden = cb.by_deprecation[len(shown) :]
            if hidden:
                rest = sum(u.open_uses for u in hidden)
                lines.append(f"| …and {len(hidden):,} more deprecations | {rest:,} |")
    return lines


def _entry_line(entry: EntryChange) -> str:
    flag = " **(breaking)**" if entry.breaking else ""
    return (
        f"- {entry.entry_date.isoformat()} {link(entry.source_url, entry.surface)}{flag}:"
        f" {text(entry.text)}"
    )


def _change_line(change: DeprecationChange) -> str:
    fields = f" (changed: {', '.join(text(f) for f in change.changed_fields)})"
    return (
        f"- {_items(change.items) or text(change.title)} in"
        f" {link(change.source_url, change.surface)}"
        f"{fields if change.changed_fields else ''}"
    )


def _section(heading: str, lines: Sequence[str]) -> list[str]:
    if not lines:
        return []
    shown = list(lines[: fmt.LIST_LIMIT])
    if len(lines) > len(shown):
        shown.append(f"- …and {len(lines) - len(shown):,} more (see the JSON report)")
    return ["", f"### {heading} ({len(lines):,})", "", *shown]


def _changes(report: WeeklyReport) -> list[str]:
    c = report.changes
    lines = ["## What changed in the docs this week"]
    body = (
        _section("New deprecations", [_change_line(d) for d in c.new_deprecations])
        + _section("Changed deprecations", [_change_line(d) for d in c.changed_deprecations])
        + _section(
            "Deprecations no longer on the docs",
            [_change_line(d) for d in c.disappeared_deprecations],
        )
        + _section(
            "Deprecations back on the docs", [_change_line(d) for d in c.reappeared_deprecations]
        )
        + _section("New changelog entries", [_entry_line(e) for e in c.new_entries])
        + _section("Edited changelog entries", [_entry_line(e) for e in c.changed_entries])
        + _section("Changelog entries removed", [_entry_line(e) for e in c.disappeared_entries])
        + _section(
            "Pages that failed to fetch or parse",
            [
                f"- {text(s.name)} ({text(s.kind)}): {text(s.status)},"
                f" {fmt.plural(s.consecutive_failures, 'failure')} in a row;"
                f" last success {fmt.when(s.last_success_at)}"
                + (f"; error: {text(s.error)}" if s.error else "")
                for s in c.source_problems
            ],
        )
        + _section(
            "Slack alerts that failed",
            [
                f"- {code(a.key)} to {text(a.target)} after {fmt.plural(a.attempts, 'attempt')}"
                + (f": {text(a.last_error)}" if a.last_error else "")
                for a in c.failed_alerts
            ],
        )
        + _section(
            "Jobs that failed",
            [
                f"- {fmt.when(j.started_at)} {code(j.job)}"
                + (f": {text(j.error)}" if j.error else "")
                for j in c.failed_jobs
            ],
        )
    )
    return lines + (body or ["", "Nothing changed in the docs this week."])


def _trend(report: WeeklyReport) -> list[str]:
    lines = [
        f"## Open uses, last {fmt.plural(len(report.trend), 'week')}",
        "",
        "| Week | Starts | Open uses | Codebases scanned |",
        "|---|---|---:|---:|",
    ]
    for p in report.trend:
        uses = f"{p.open_uses:,}" if p.open_uses is not None else "no scan"
        lines.append(f"| {p.week} | {p.week_start.isoformat()} | {uses} | {p.codebases_scanned} |")
    return lines
