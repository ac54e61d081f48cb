"""Block Kit messages built from plain values: alerts, digests, operational notices.

Everything here is pure: no clock, no network. Builders take what the caller already
knows (dates, day counts, finished URLs) and return a :class:`SlackMessage` that has
been through :func:`fit_to_limits`, so a huge input can never produce a message Slack
would refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlsplit

from monitor.domain import Action, AnnouncedOnSource, Kind
from monitor.notify import limits
from monitor.notify.fit import fit_to_limits
from monitor.notify.message import (
    Block,
    Budget,
    SlackMessage,
    context_block,
    describe_days_left,
    divider_block,
    escape_mrkdwn,
    header_block,
    link,
    plural,
    safe_url,
    section_block,
    truncate,
    truncate_mrkdwn,
)

# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Location:
    """One use of a deprecated item; ``url`` is None when the codebase has no link template."""

    path: str
    line: int
    url: str | None = None


@dataclass(frozen=True, slots=True)
class CodebaseUsage:
    """Findings of one deprecation in one codebase (``locations`` may be a sample)."""

    name: str
    finding_count: int
    locations: Sequence[Location] = ()
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class AlertContent:
    """Everything a deprecation alert shows; ``days_left`` is negative once the window closed."""

    item: str
    title: str
    surface: str
    kind: Kind
    action: Action
    window_closes_on: date
    days_left: int
    source_url: str | None = None
    announced_on: date | None = None
    announced_on_source: AnnouncedOnSource = AnnouncedOnSource.CHANGELOG
    replacement: str | None = None
    threshold_label: str | None = None
    codebases: Sequence[CodebaseUsage] = ()


class DigestKind(StrEnum):
    MONITORING_STARTED = "monitoring_started"  # first run: one summary instead of N alerts
    OVER_CAP = "over_cap"  # more alerts came due than one run may send


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One line of a digest."""

    item: str
    surface: str
    window_closes_on: date
    days_left: int
    finding_count: int = 0
    source_url: str | None = None


class OpsEvent(StrEnum):
    SOURCE_FAILING = "source_failing"
    SOURCE_RECOVERED = "source_recovered"
    PARSER_CANARY = "parser_canary"  # a page parsed to nothing we expected: layout change?


@dataclass(frozen=True, slots=True)
class OpsContent:
    """An operational event about one docs source (a page we scrape)."""

    event: OpsEvent
    source: str
    failures: int = 0
    detail: str | None = None
    since: datetime | None = None
    url: str | None = None


# ---------------------------------------------------------------------- builders

_KIND_LABELS = {
    Kind.FIELD: "Field",
    Kind.ENDPOINT: "Endpoint",
    Kind.ENUM_VALUE: "Enum value",
    Kind.REMOVED_VALUE: "Value",
    Kind.BREAKING_CHANGE: "Breaking change",
}


_ACTION_LABELS = {
    Action.DEPRECATED: "deprecated",
    Action.REMOVED: "removed",
    Action.BREAKING: "breaking change",
}


def _change_label(kind: Kind, action: Action) -> str:
    if kind is Kind.BREAKING_CHANGE:
        return _KIND_LABELS[kind]
    return f"{_KIND_LABELS[kind]}, {_ACTION_LABELS[action]}"


def _announced_text(alert: AlertContent) -> str:
    if alert.announced_on is None:
        return "not announced"
    day = alert.announced_on.isoformat()
    if alert.announced_on_source is AnnouncedOnSource.FIRST_SEEN:
        return f"{day} (first seen; no announcement found)"
    if alert.announced_on_source is AnnouncedOnSource.CATALOG:
        return f"{day} (from the bundled catalog)"
    return day


def _source_label(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}" or url


def _codebase_text(usage: CodebaseUsage) -> str:
    lines = [f"*{escape_mrkdwn(usage.name)}*: {plural(usage.finding_count, 'finding')}"]
    shown = list(usage.locations[: limits.MAX_LOCATIONS_PER_CODEBASE])
    for loc in shown:
        label = f"{loc.path}:{loc.line}"
        shown_label = link(loc.url, label) if safe_url(loc.url) else f"`{escape_mrkdwn(label)}`"
        lines.append(f"• {shown_label}")
    hidden = max(usage.finding_count - len(shown), 0)
    if hidden:
        lines.append(f"…and {plural(hidden, 'more finding')}")
    return "\n".join(lines)


def build_alert(alert: AlertContent) -> SlackMessage:
    """One deprecation, its window and where our code still uses it."""
    when = describe_days_left(alert.days_left)
    room = limits.MAX_HEADER_TEXT - len(when) - 2
    blocks: list[Block] = [header_block(f"{truncate(alert.item, room)}: {when}")]

    verb = _ACTION_LABELS[alert.action]
    intro = f"{verb.capitalize()} in *{escape_mrkdwn(alert.surface)}*: {escape_mrkdwn(alert.title)}"
    if alert.threshold_label:
        intro = f"*{escape_mrkdwn(alert.threshold_label)}*\n{intro}"
    blocks.append(section_block(intro))

    replacement = escape_mrkdwn(alert.replacement) if alert.replacement else "none named"
    blocks.append(
        section_block(
            fields=[
                f"*Announced on*\n{_announced_text(alert)}",
                f"*Window closes on*\n{alert.window_closes_on.isoformat()}",
                f"*Surface*\n{escape_mrkdwn(alert.surface)}",
                f"*Change*\n{_change_label(alert.kind, alert.action)}",
                f"*Replacement*\n{replacement}",
            ]
        )
    )
    source_url = safe_url(alert.source_url)
    if source_url:
        blocks.append(section_block(f"Source: {link(source_url, _source_label(source_url))}"))
    blocks.append(divider_block())

    usages = sorted(alert.codebases, key=lambda u: (-u.finding_count, u.name))
    if not usages:
        blocks.append(context_block("No uses found in the scanned codebases."))
    budget = Budget()
    for block in blocks:
        budget.take(block)
    shown = 0
    for usage in usages:
        block = section_block(_codebase_text(usage))
        if not budget.take(block):
            break
        blocks.append(block)
        shown += 1
    rest = usages[shown:]
    if rest:
        findings = sum(u.finding_count for u in rest)
        blocks.append(
            context_block(
                f"…and {plural(len(rest), 'more codebase')} ({plural(findings, 'finding')})"
            )
        )

    text = f"{alert.item}: {when} ({alert.surface}). {alert.title}"
    return fit_to_limits(SlackMessage(text=escape_mrkdwn(text), blocks=blocks))


def _digest_line(item: DigestItem) -> str:
    name = link(item.source_url, item.item)
    line = (
        f"• {name} ({escape_mrkdwn(item.surface)}): closes {item.window_closes_on.isoformat()},"
        f" {describe_days_left(item.days_left)}"
    )
    if item.finding_count:
        line += f", {plural(item.finding_count, 'finding')}"
    return line


def _pack_lines(lines: Sequence[str], limit: int) -> list[tuple[str, int]]:
    """Group lines into (chunk, line count) no longer than ``limit``; overlong lines are cut."""
    chunks: list[tuple[str, int]] = []
    current, count = "", 0
    for raw in lines:
        line = truncate_mrkdwn(" ".join(raw.split()), limit)
        if current and len(current) + 1 + len(line) > limit:
            chunks.append((current, count))
            current, count = "", 0
        current = f"{current}\n{line}" if current else line
        count += 1
    if current:
        chunks.append((current, count))
    return chunks


def build_digest(
    kind: DigestKind, items: Sequence[DigestItem], *, cap: int | None = None
) -> SlackMessage:
    """Many deprecations in one message, nearest window first."""
    ordered = sorted(items, key=lambda i: (i.window_closes_on, i.item))
    count = plural(len(ordered), "active deprecation")
    if kind is DigestKind.MONITORING_STARTED:
        title = f"Monitoring started: {count}"
    else:
        title = f"{plural(len(ordered), 'deprecation alert')} due at once"

    if ordered:
        first = ordered[0]
        summary = (
            f"The nearest window closes on *{first.window_closes_on.isoformat()}*"
            f" ({escape_mrkdwn(first.item)}, {escape_mrkdwn(first.surface)})."
        )
    else:
        summary = "Nothing is deprecated in the watched docs right now."
    if kind is DigestKind.OVER_CAP:
        cap_text = f" of {cap}" if cap is not None else ""
        summary = (
            f"More alerts came due than the per-run cap{cap_text}, so they are grouped here. "
            + summary
        )

    blocks: list[Block] = [header_block(title), section_block(summary)]
    budget = Budget()
    for block in blocks:
        budget.take(block)
    shown = 0
    lines = [_digest_line(i) for i in ordered]
    for chunk, line_count in _pack_lines(lines, limits.MAX_SECTION_TEXT):
        block = section_block(chunk)
        if not budget.take(block):
            break
        blocks.append(block)
        shown += line_count
    if shown < len(ordered):
        blocks.append(context_block(f"…and {plural(len(ordered) - shown, 'more deprecation')}"))

    text = f"{title}. {summary}"
    return fit_to_limits(SlackMessage(text=text, blocks=blocks))


def build_ops_alert(ops: OpsContent) -> SlackMessage:
    """Tell the operators that a docs source is failing, recovered or parsed to nothing."""
    source = link(ops.url, ops.source) if safe_url(ops.url) else f"*{escape_mrkdwn(ops.source)}*"
    since = f" since {ops.since.isoformat(timespec='minutes')}" if ops.since else ""
    detail = f"\nLast error: `{escape_mrkdwn(ops.detail)}`" if ops.detail else ""
    if ops.event is OpsEvent.SOURCE_FAILING:
        title = f"Source failing: {ops.source}"
        body = f"Fetching {source} failed {plural(ops.failures, 'time')} in a row{since}.{detail}"
        note = "Deprecations from this source are not being refreshed until it recovers."
    elif ops.event is OpsEvent.SOURCE_RECOVERED:
        title = f"Source recovered: {ops.source}"
        body = f"{source} is reachable again after {plural(ops.failures, 'failed attempt')}{since}."
        note = "Nothing to do; this closes the earlier failure alert."
    else:
        title = f"Parser check failed: {ops.source}"
        reason = f"\n{escape_mrkdwn(ops.detail)}" if ops.detail else ""
        body = f"{source} parsed to nothing we expected; the page layout may have changed.{reason}"
        note = "Stored deprecations are kept, but new ones on this page may be missed."
    blocks = [header_block(title), section_block(body), context_block(note)]
    return fit_to_limits(SlackMessage(text=escape_mrkdwn(title), blocks=blocks))


def build_test_message(*, target: str, sent_at: datetime) -> SlackMessage:
    """A harmless message proving the configured destination works."""
    body = f"If you can read this, connect-monitor alerts will reach *{escape_mrkdwn(target)}*."
    blocks = [
        header_block("connect-monitor test message"),
        section_block(body),
        context_block(f"Sent at {sent_at.isoformat(timespec='seconds')}"),
    ]
    return fit_to_limits(SlackMessage(text="connect-monitor test message", blocks=blocks))
