"""Block Kit messages built from plain values, kept inside Slack's limits.

Everything here is pure: no clock, no network. Builders take what the caller already
knows (dates, day counts, finished URLs) and return a :class:`SlackMessage` that has
been through :func:`fit_to_limits`, so a huge input can never produce a message Slack
would refuse.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote, urlsplit

from monitor.domain import Action, AnnouncedOnSource, Kind
from monitor.notify import limits

Block = dict[str, Any]

KNOWN_BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "video",
    }
)
TEXT_OBJECT_TYPES = frozenset({"plain_text", "mrkdwn"})
FALLBACK_TEXT = "New message from connect-monitor"
_NOTE_RESERVE_CHARS = 120  # room kept for the "and N more" note when trimming


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """What a sink sends: a notification fallback ``text`` plus Block Kit ``blocks``."""

    text: str
    blocks: list[Block] = field(default_factory=list)


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


# ---------------------------------------------------------------- text primitives


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as markup (``&`` first, so it is not doubled)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe_url(url: str | None) -> str | None:
    """An http(s) URL safe inside ``<url|label>``, or None when it should not be linked."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    # Characters that would end or split the link markup, plus anything non-printable.
    return quote(url.strip(), safe="/:?#[]@!$&'()*+,;=%~-._")


def link(url: str | None, label: str) -> str:
    """A mrkdwn link, or just the escaped label when the URL is missing or unsafe."""
    shown = escape_mrkdwn(label).replace("|", "¦")
    target = safe_url(url)
    return f"<{target}|{shown}>" if target else shown


def location_url(
    template: str | None, *, path: str, line: int, commit: str = "", branch: str = ""
) -> str | None:
    """Fill a codebase's link template (``{path}``, ``{line}``, ``{commit}``, ``{branch}``).

    Only those four names are substituted, so a stray brace in a template cannot fail.
    """
    if not template:
        return None
    values = {
        "path": quote(path.lstrip("/"), safe="/"),
        "line": str(line),
        "commit": quote(commit, safe=""),
        "branch": quote(branch, safe="/"),
    }
    filled = template
    for name, value in values.items():
        filled = filled.replace("{" + name + "}", value)
    return filled if safe_url(filled) else None


def truncate(text: str, limit: int) -> str:
    """Plain-text shortening with an ellipsis (the result is at most ``limit`` long)."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(limits.ELLIPSIS), 0)].rstrip() + limits.ELLIPSIS


def truncate_mrkdwn(text: str, limit: int) -> str:
    """Shorten mrkdwn without cutting a ``<link|label>`` or an ``&amp;`` entity in half."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - len(limits.ELLIPSIS), 0)]
    open_link = cut.rfind("<")
    if open_link > cut.rfind(">"):
        cut = cut[:open_link]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:] and len(cut) - amp <= len("&amp;"):
        cut = cut[:amp]
    newline = cut.rfind("\n")
    if newline > len(cut) * 0.8:  # prefer a whole line when it costs little
        cut = cut[:newline]
    return cut.rstrip() + limits.ELLIPSIS


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def describe_days_left(days_left: int) -> str:
    """Human wording for the time until (or since) a support window closes."""
    if days_left > 0:
        return f"{plural(days_left, 'day')} left"
    if days_left == 0:
        return "window closes today"
    return f"window closed {plural(-days_left, 'day')} ago"


# ----------------------------------------------------------------- block helpers


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def header_block(text: str) -> Block:
    return {"type": "header", "text": plain(truncate(text, limits.MAX_HEADER_TEXT))}


def section_block(text: str | None = None, fields: Sequence[str] = ()) -> Block:
    block: Block = {"type": "section"}
    if text:
        block["text"] = mrkdwn(truncate_mrkdwn(text, limits.MAX_SECTION_TEXT))
    if fields:
        block["fields"] = [
            mrkdwn(truncate_mrkdwn(f, limits.MAX_FIELD_TEXT)) for f in fields[: limits.MAX_FIELDS]
        ]
    return block


def context_block(*texts: str) -> Block:
    elements = [mrkdwn(truncate_mrkdwn(t, limits.MAX_CONTEXT_TEXT)) for t in texts if t]
    return {"type": "context", "elements": elements[: limits.MAX_CONTEXT_ELEMENTS]}


def divider_block() -> Block:
    return {"type": "divider"}


def _text_objects(node: Any) -> Iterable[dict[str, Any]]:
    """Every text object (``{"type": "mrkdwn"|"plain_text", "text": ...}``) inside a block."""
    if isinstance(node, dict):
        if node.get("type") in TEXT_OBJECT_TYPES and isinstance(node.get("text"), str):
            yield node
        for value in node.values():
            yield from _text_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _text_objects(value)


def block_text_length(block: Block) -> int:
    """Characters of text a block carries, as counted against the total-text ceiling."""
    total = sum(len(obj["text"]) for obj in _text_objects(block))
    if block.get("type") == "markdown" and isinstance(block.get("text"), str):
        total += len(block["text"])
    return total


class _Budget:
    """Counts blocks and characters so builders can stop before the limits and say so."""

    def __init__(self, reserve_blocks: int = 1, reserve_chars: int = _NOTE_RESERVE_CHARS) -> None:
        self.blocks_left = limits.MAX_BLOCKS - reserve_blocks
        self.chars_left = limits.SAFE_TOTAL_TEXT_BUDGET - reserve_chars

    def take(self, block: Block) -> bool:
        size = block_text_length(block)
        if self.blocks_left < 1 or size > self.chars_left:
            return False
        self.blocks_left -= 1
        self.chars_left -= size
        return True


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
    budget = _Budget()
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
    budget = _Budget()
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


# ------------------------------------------------------------ fitting, validation


def _fit_text_object(obj: Any, limit: int, *, plain_only: bool = False) -> dict[str, Any] | None:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return None
    kind = obj.get("type")
    if plain_only or kind not in TEXT_OBJECT_TYPES:
        kind = "plain_text" if plain_only else "mrkdwn"
    text = obj["text"]
    if not text.strip():
        return None
    fitted = truncate(text, limit) if kind == "plain_text" else truncate_mrkdwn(text, limit)
    result = {"type": kind, "text": fitted}
    if kind == "plain_text" and isinstance(obj.get("emoji"), bool):
        result["emoji"] = obj["emoji"]
    if kind == "mrkdwn" and isinstance(obj.get("verbatim"), bool):
        result["verbatim"] = obj["verbatim"]
    return result


def _fit_block(raw: Any) -> Block | None:
    """One block made valid, or None when nothing worth sending is left in it."""
    if not isinstance(raw, dict) or raw.get("type") not in KNOWN_BLOCK_TYPES:
        return None
    block: Block = copy.deepcopy(raw)
    if len(str(block.get("block_id", ""))) > limits.MAX_BLOCK_ID:
        del block["block_id"]
    kind = block["type"]
    if kind == "header":
        text = _fit_text_object(block.get("text"), limits.MAX_HEADER_TEXT, plain_only=True)
        if text is None:
            return None
        block["text"] = text
    elif kind == "section":
        text = _fit_text_object(block.get("text"), limits.MAX_SECTION_TEXT)
        raw_fields = block.get("fields") if isinstance(block.get("fields"), list) else []
        fields = [_fit_text_object(f, limits.MAX_FIELD_TEXT) for f in raw_fields]
        kept = [f for f in fields if f is not None][: limits.MAX_FIELDS]
        block.pop("text", None)
        block.pop("fields", None)
        if text is None and not kept:
            return None
        if text is not None:
            block["text"] = text
        if kept:
            block["fields"] = kept
    elif kind == "context":
        raw_elements = block.get("elements") if isinstance(block.get("elements"), list) else []
        elements: list[dict[str, Any]] = []
        for element in raw_elements:
            if isinstance(element, dict) and element.get("type") == "image":
                elements.append(element)
                continue
            fitted = _fit_text_object(element, limits.MAX_CONTEXT_TEXT)
            if fitted is not None:
                elements.append(fitted)
        if len(elements) > limits.MAX_CONTEXT_ELEMENTS:
            hidden = len(elements) - (limits.MAX_CONTEXT_ELEMENTS - 1)
            elements = [*elements[: limits.MAX_CONTEXT_ELEMENTS - 1], mrkdwn(f"…and {hidden} more")]
        if not elements:
            return None
        block["elements"] = elements
    return block


def _fit_fallback(text: str, blocks: Sequence[Block]) -> str:
    candidate = text.strip()
    if not candidate:
        for block in blocks:
            found = next((o["text"] for o in _text_objects(block) if o["text"].strip()), "")
            if found:
                candidate = found.strip()
                break
    return truncate_mrkdwn(candidate or FALLBACK_TEXT, limits.MAX_FALLBACK_TEXT)


def fit_to_limits(message: SlackMessage) -> SlackMessage:
    """Shorten a message so Slack accepts it: clamp texts, drop overflow, say what was cut."""
    blocks = [b for b in (_fit_block(raw) for raw in message.blocks) if b is not None]
    total = sum(block_text_length(b) for b in blocks)
    if len(blocks) > limits.MAX_BLOCKS or total > limits.SAFE_TOTAL_TEXT_BUDGET:
        budget = _Budget()
        # Skip (rather than stop at) a block that does not fit: a smaller one after it may.
        kept = [block for block in blocks if budget.take(block)]
        hidden = len(blocks) - len(kept)
        kept.append(
            context_block(f"…and {plural(hidden, 'more part')} left out to fit Slack's limits")
        )
        blocks = kept
    return SlackMessage(text=_fit_fallback(message.text, blocks), blocks=blocks)


def _text_object_problems(obj: Any, where: str, limit: int, *, plain_only: bool) -> list[str]:
    if not isinstance(obj, dict):
        return [f"{where}: not a text object"]
    kind = obj.get("type")
    if kind not in TEXT_OBJECT_TYPES:
        return [f"{where}: unknown text type {kind!r}"]
    if plain_only and kind != "plain_text":
        return [f"{where}: must be plain_text"]
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        return [f"{where}: empty text"]
    if len(text) > limit:
        return [f"{where}: {len(text)} characters (limit {limit})"]
    if kind == "mrkdwn" and "emoji" in obj:
        return [f"{where}: emoji is only allowed on plain_text"]
    return []


def _block_problems(block: Any, where: str) -> list[str]:
    if not isinstance(block, dict):
        return [f"{where}: not an object"]
    kind = block.get("type")
    if kind not in KNOWN_BLOCK_TYPES:
        return [f"{where}: unknown block type {kind!r}"]
    problems: list[str] = []
    if len(str(block.get("block_id", ""))) > limits.MAX_BLOCK_ID:
        problems.append(f"{where}.block_id: longer than {limits.MAX_BLOCK_ID}")
    if kind == "header":
        problems += _text_object_problems(
            block.get("text"), f"{where}.text", limits.MAX_HEADER_TEXT, plain_only=True
        )
    elif kind == "section":
        fields = block.get("fields")
        if "text" not in block and not fields:
            problems.append(f"{where}: section needs text or fields")
        if "text" in block:
            problems += _text_object_problems(
                block["text"], f"{where}.text", limits.MAX_SECTION_TEXT, plain_only=False
            )
        if fields is not None:
            if not isinstance(fields, list) or len(fields) > limits.MAX_FIELDS:
                problems.append(f"{where}.fields: more than {limits.MAX_FIELDS} fields")
            else:
                for n, f in enumerate(fields):
                    problems += _text_object_problems(
                        f, f"{where}.fields[{n}]", limits.MAX_FIELD_TEXT, plain_only=False
                    )
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            problems.append(f"{where}.elements: must be a non-empty list")
        elif len(elements) > limits.MAX_CONTEXT_ELEMENTS:
            problems.append(f"{where}.elements: more than {limits.MAX_CONTEXT_ELEMENTS}")
        else:
            for n, element in enumerate(elements):
                if isinstance(element, dict) and element.get("type") == "image":
                    continue
                problems += _text_object_problems(
                    element, f"{where}.elements[{n}]", limits.MAX_CONTEXT_TEXT, plain_only=False
                )
    return problems


def validate(message: SlackMessage) -> list[str]:
    """Everything that would make Slack refuse (or badly show) the message; empty when fine."""
    problems: list[str] = []
    if not message.text.strip():
        problems.append("text: empty fallback text")
    elif len(message.text) > limits.MAX_FALLBACK_TEXT:
        problems.append(f"text: {len(message.text)} characters (limit {limits.MAX_FALLBACK_TEXT})")
    if len(message.blocks) > limits.MAX_BLOCKS:
        problems.append(f"blocks: {len(message.blocks)} blocks (limit {limits.MAX_BLOCKS})")
    seen_ids: set[str] = set()
    for n, block in enumerate(message.blocks):
        problems += _block_problems(block, f"blocks[{n}]")
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if block_id is not None:
            if block_id in seen_ids:
                problems.append(f"blocks[{n}].block_id: duplicate {block_id!r}")
            seen_ids.add(block_id)
    total = sum(block_text_length(b) for b in message.blocks if isinstance(b, dict))
    if total > limits.SAFE_TOTAL_TEXT_BUDGET:
        problems.append(
            f"blocks: {total} characters of text (budget {limits.SAFE_TOTAL_TEXT_BUDGET})"
        )
    return problems
