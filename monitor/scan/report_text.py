"""Scanner findings as compiler-style text lines and as JSON. Pure: ``today`` is passed in.

Both forms share the window wording (``window_status``) with the SARIF writer,
so a terminal, a CI log and GitHub code scanning all say the same thing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from monitor.domain import Action, DeprecationRecord

from .findings import Category, Confidence, Finding, RuleKind

RULE_PREFIX = "rule:"
RULE_SUMMARIES = {
    RuleKind.INSECURE_HTTP.value: "Instacart endpoint called over plain HTTP; only HTTPS is served",
    RuleKind.HARDCODED_SECRET.value: "client secret or bearer token written into the code",
}


@dataclass(frozen=True, slots=True)
class DeprecationInfo:
    """What output needs to know about one deprecation, stripped of storage details."""

    title: str
    announced_on: date | None
    window_closes_on: date | None
    replacement: str | None
    action: str
    source_url: str | None
    surface: str | None = None
    kind: str | None = None
    # True when ``announced_on`` is only the day the item was first listed (no
    # announcement date exists): the real announcement may be older.
    announced_is_estimate: bool = False

    @classmethod
    def from_record(cls, record: DeprecationRecord, first_seen: date) -> DeprecationInfo:
        """Undated records count from the day they were first seen, as the alerts do."""
        estimate = record.announced_on is None or record.extra.get("date_basis") == "catalog_as_of"
        return cls(
            title=record.title,
            announced_on=record.announced_on or first_seen,
            window_closes_on=record.closes_on(first_seen),
            replacement=record.replacement,
            action=record.action.value,
            source_url=record.source_url,
            surface=record.surface,
            kind=record.kind.value,
            announced_is_estimate=estimate,
        )

    def days_left(self, today: date) -> int | None:
        if self.window_closes_on is None:
            return None
        return (self.window_closes_on - today).days

    def is_closed(self, today: date) -> bool:
        """Closed on the closing day itself: support may already be gone that morning."""
        left = self.days_left(today)
        return left is not None and left <= 0

    def is_severe(self, today: date) -> bool:
        """Removed, breaking, or past its window: code relying on it may already fail."""
        return self.action in (Action.REMOVED, Action.BREAKING) or self.is_closed(today)


def is_rule(finding: Finding) -> bool:
    return finding.deprecation_id.startswith(RULE_PREFIX)


def rule_name(finding: Finding) -> str:
    return finding.deprecation_id.removeprefix(RULE_PREFIX)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """One order for every output, so reruns diff cleanly."""
    return sorted(findings, key=lambda f: (f.path, f.line, f.column, f.item, f.category, f.kind))


def _days(count: int) -> str:
    return "1 day" if abs(count) == 1 else f"{abs(count)} days"


def window_status(info: DeprecationInfo, today: date) -> str:
    """The parenthesised status: ``deprecated 2026-03-18, window closes 2026-09-18, 12 days left``.

    Removed items need no countdown, breaking changes count to their effective date.
    """
    announced = info.announced_on.isoformat() if info.announced_on else "date unknown"
    if info.announced_on and info.announced_is_estimate:
        announced = f"by {announced}"
    closes = info.window_closes_on
    left = info.days_left(today)
    if info.action == Action.REMOVED:
        return f"removed {announced}"
    if info.action == Action.BREAKING:
        head = f"breaking change announced {announced}"
        if closes is None or left is None:
            return head
        if left > 0:
            return f"{head}, takes effect {closes.isoformat()}, {_days(left)} left"
        if left == 0:
            return f"{head}, takes effect today ({closes.isoformat()})"
        return f"{head}, in effect since {closes.isoformat()}"
    head = f"deprecated {announced}"
    if closes is None or left is None:
        return head
    if left > 0:
        return f"{head}, window closes {closes.isoformat()}, {_days(left)} left"
    if left == 0:
        return f"{head}, window closes today ({closes.isoformat()})"
    return f"{head}, window closed {closes.isoformat()}, {_days(left)} ago"


def describe(finding: Finding, info: DeprecationInfo | None, today: date) -> str:
    """The message after the location: item, window status and replacement."""
    if is_rule(finding):
        summary = RULE_SUMMARIES.get(rule_name(finding), finding.reason)
        return f"{rule_name(finding)}: {summary}"
    subject = f"mention of {finding.item}" if finding.category == Category.MENTION else finding.item
    if info is None:
        return f"{subject} ({finding.reason})"
    text = f"{subject} ({window_status(info, today)})"
    if info.replacement:
        text += f" -> use {info.replacement}"
    return text


def format_finding(finding: Finding, info: DeprecationInfo | None, today: date) -> str:
    """``path:line:col: message [confidence]`` plus ``[suppressed]`` when silenced in source."""
    line = f"{finding.path}:{finding.line}:{finding.column}: {describe(finding, info, today)}"
    line += f" [{finding.confidence}]"
    if finding.suppressed:
        line += " [suppressed]"
    return line


def format_findings(
    findings: Iterable[Finding], deprecations: Mapping[str, DeprecationInfo], today: date
) -> list[str]:
    return [
        format_finding(f, deprecations.get(f.deprecation_id), today)
        for f in sort_findings(findings)
    ]


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{count} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} B"  # pragma: no cover - the loop always returns


def summary_line(
    findings: Iterable[Finding],
    files_scanned: int,
    files_skipped: int,
    bytes_scanned: int,
    elapsed_seconds: float,
) -> str:
    """One closing line: what was read, and active findings by confidence."""
    items = list(findings)
    active = Counter(f.confidence for f in items if not f.suppressed)
    suppressed = sum(1 for f in items if f.suppressed)
    total = sum(active.values())
    levels = ", ".join(f"{active.get(c.value, 0)} {c.value}" for c in Confidence)
    files = "1 file" if files_scanned == 1 else f"{files_scanned} files"
    noun = "finding" if total == 1 else "findings"
    return (
        f"Scanned {files} ({files_skipped} skipped, {_size(bytes_scanned)}) "
        f"in {elapsed_seconds:.2f}s: {total} {noun} ({levels}), {suppressed} suppressed"
    )


def finding_json(
    finding: Finding, info: DeprecationInfo | None, today: date, codebase: str | None = None
) -> dict[str, Any]:
    """A finding plus its deprecation's window, flat so ``jq`` filters stay short."""
    data: dict[str, Any] = {
        "codebase": codebase,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_column": finding.end_column,
        "item": finding.item,
        "deprecation_id": finding.deprecation_id,
        "kind": finding.kind,
        "category": finding.category,
        "confidence": finding.confidence,
        "reason": finding.reason,
        "snippet": finding.snippet,
        "suppressed": finding.suppressed,
        "fingerprint": finding.fingerprint,
        "message": describe(finding, info, today),
        "title": None,
        "action": None,
        "announced_on": None,
        "announced_is_estimate": None,
        "window_closes_on": None,
        "days_left": None,
        "window_closed": None,
        "replacement": None,
        "source_url": None,
    }
    if info is not None:
        data.update(
            title=info.title,
            action=info.action,
            announced_on=info.announced_on.isoformat() if info.announced_on else None,
            announced_is_estimate=info.announced_is_estimate,
            window_closes_on=info.window_closes_on.isoformat() if info.window_closes_on else None,
            days_left=info.days_left(today),
            window_closed=info.is_closed(today),
            replacement=info.replacement,
            source_url=info.source_url,
        )
    return data


def findings_json(
    findings: Iterable[Finding],
    deprecations: Mapping[str, DeprecationInfo],
    today: date,
    codebase: str | None = None,
) -> list[dict[str, Any]]:
    return [
        finding_json(f, deprecations.get(f.deprecation_id), today, codebase)
        for f in sort_findings(findings)
    ]


def render_json(
    findings: Iterable[Finding],
    deprecations: Mapping[str, DeprecationInfo],
    today: date,
    codebase: str | None = None,
) -> str:
    """The ``--format json`` document: a stable, indented list ending in a newline."""
    rows = findings_json(findings, deprecations, today, codebase)
    return json.dumps({"today": today.isoformat(), "findings": rows}, indent=2) + "\n"
