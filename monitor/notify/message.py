"""Slack messages and the text and block primitives every builder uses (pure).

Text from the docs or from code always passes through :func:`escape_mrkdwn` or
:func:`link`; lengths are counted the way Slack counts them against its limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

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


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """What a sink sends: a notification fallback ``text`` plus Block Kit ``blocks``."""

    text: str
    blocks: list[Block] = field(default_factory=list)


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


def text_objects(node: Any) -> Iterable[dict[str, Any]]:
    """Every text object (``{"type": "mrkdwn"|"plain_text", "text": ...}``) inside a block."""
    if isinstance(node, dict):
        if node.get("type") in TEXT_OBJECT_TYPES and isinstance(node.get("text"), str):
            yield node
        for value in node.values():
            yield from text_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from text_objects(value)


def block_text_length(block: Block) -> int:
    """Characters of text a block carries, as counted against the total-text ceiling."""
    total = sum(len(obj["text"]) for obj in text_objects(block))
    if block.get("type") == "markdown" and isinstance(block.get("text"), str):
        total += len(block["text"])
    return total


class Budget:
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
