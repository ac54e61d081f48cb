"""Mentions: comments, docstrings and documents that name a deprecated item.

They are reported apart from uses: a TODO about ``GET .../orders`` is worth
knowing about, but it sends no request. Ordinary words only count when the
sentence is clearly about the change (it names the owner, the replacement, or
says deprecated/removed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .comments import comment_blocks
from .filectx import FileContext, Hit
from .findings import Category, Confidence
from .names import norm
from .paths import candidate_segments, interpolate, match_template
from .reasons import about_change, status
from .suppress import DIRECTIVE
from .targets import METHODS, ScanTarget

_PATH_WORD = re.compile(r"(?:https?://[^\s/]+)?(?:/[\w{}:<>$.\-]+)+/?")
_METHOD_BEFORE = re.compile(rf"\b({'|'.join(METHODS)})\s*`?\s*$")


def _word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.$-]){re.escape(name)}(?![\w-])")


def _endpoint_mentions(block: str, offset: int, targets: Sequence[ScanTarget]) -> list[Hit]:
    hits = []
    for m in _PATH_WORD.finditer(block):
        split = candidate_segments(interpolate(m.group().rstrip("."), {}))
        if split is None:
            continue
        segments, base_unknown = split
        method_match = _METHOD_BEFORE.search(block, max(0, m.start() - 12), m.start())
        method = method_match.group(1) if method_match else None
        for target in targets:
            if not target.is_endpoint:
                continue
            match = match_template(segments, base_unknown, target.segments)
            if match is None or not match.exact:
                continue
            if method and target.method and method != target.method:
                continue
            confident = method == target.method and not target.shared_with_live
            confidence = Confidence.HIGH if confident else Confidence.MEDIUM
            hits.append(_mention(target, offset + m.start(), offset + m.end(), confidence))
    return hits


def _name_mentions(block: str, offset: int, target: ScanTarget) -> list[Hit]:
    hits = []
    changing = about_change(block)
    lowered = block.lower()
    flat = norm(block)
    names_owner = bool(target.owner) and norm(target.owner or "") in flat
    names_replacement = any(norm(r).rstrip("s") in flat for r in target.replacement_names)
    if target.is_value:
        needle = _word(target.value or "")
        parent = (target.parent or "").lower()
        if not (parent in lowered and ((target.name or "").lower() in lowered or changing)):
            return []
        for m in needle.finditer(block):
            hits.append(_mention(target, offset + m.start(), offset + m.end(), Confidence.MEDIUM))
        return hits
    if target.owner:
        qualified = _word(f"{target.owner}.{target.name}")
        for m in qualified.finditer(block):
            hits.append(_mention(target, offset + m.start(), offset + m.end(), Confidence.HIGH))
    if hits:
        return hits
    # An ordinary word ("unit", "quantity") is about the API only when the
    # sentence names the owner or the replacement, or quotes it as code while
    # talking about a change.
    tied = target.distinctive or names_owner or names_replacement
    for variant in target.name_variants:
        for m in _word(variant).finditer(block):
            opening, closing = block[m.start() - 1 : m.start()], block[m.end() : m.end() + 1]
            quoted = opening in ("`", "'", '"') and closing == opening
            if tied or (quoted and changing):
                hits.append(
                    _mention(target, offset + m.start(), offset + m.end(), Confidence.MEDIUM)
                )
    return hits


def _mention(target: ScanTarget, start: int, end: int, confidence: Confidence) -> Hit:
    reason = f"mentioned in a comment or document; {status(target)}"
    return Hit.about(target, start, end, Category.MENTION, confidence, reason)


def mention_hits(ctx: FileContext, active: Sequence[ScanTarget]) -> list[Hit]:
    if not active:
        return []
    hits: list[Hit] = []
    text = ctx.text
    named = [t for t in active if not t.is_endpoint]
    endpoints = [t for t in active if t.is_endpoint]
    for start, end in comment_blocks(ctx.lexed):
        block = text[start:end]
        if "connect-monitor" in block:
            block = DIRECTIVE.sub(lambda m: " " * len(m.group()), block)
        if endpoints and "/" in block:
            hits.extend(_endpoint_mentions(block, start, endpoints))
        for target in named:
            if any(token in block for token in target.tokens):
                hits.extend(_name_mentions(block, start, target))
    return hits
