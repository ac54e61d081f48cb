"""Keeping any message inside Slack's limits, and saying what breaks them (pure).

:func:`fit_to_limits` shortens rather than fails: a message is never sent broken.
:func:`validate` lists the problems, for tests and for the fake Slack's cross-check.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from monitor.notify import limits
from monitor.notify.message import (
    FALLBACK_TEXT,
    KNOWN_BLOCK_TYPES,
    TEXT_OBJECT_TYPES,
    Block,
    Budget,
    SlackMessage,
    block_text_length,
    context_block,
    mrkdwn,
    plural,
    text_objects,
    truncate,
    truncate_mrkdwn,
)

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
            found = next((o["text"] for o in text_objects(block) if o["text"].strip()), "")
            if found:
                candidate = found.strip()
                break
    return truncate_mrkdwn(candidate or FALLBACK_TEXT, limits.MAX_FALLBACK_TEXT)


def fit_to_limits(message: SlackMessage) -> SlackMessage:
    """Shorten a message so Slack accepts it: clamp texts, drop overflow, say what was cut."""
    blocks = [b for b in (_fit_block(raw) for raw in message.blocks) if b is not None]
    total = sum(block_text_length(b) for b in blocks)
    if len(blocks) > limits.MAX_BLOCKS or total > limits.SAFE_TOTAL_TEXT_BUDGET:
        budget = Budget()
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
