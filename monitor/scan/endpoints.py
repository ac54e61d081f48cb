"""Endpoint uses: rebuilt request paths matched against deprecated path templates."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .filectx import FileContext, Hit
from .findings import Category, Confidence
from .methods import method_near
from .paths import Candidate, PathMatch, candidate_segments, match_template
from .reasons import lowest, status
from .targets import ScanTarget


def _usage_is_embedded(ctx: FileContext, start: int, end: int) -> bool:
    """The variable only extends another path (``BASE + "/x"``, ``f"{BASE}/x"``)."""
    for token in ctx.lexed.strings:
        if token.start <= start < token.end:
            return True
    for candidate in ctx.candidates:
        if candidate.chain_start <= start < candidate.chain_end:
            return True
    line_start = ctx.code.rfind("\n", 0, start) + 1
    before = ctx.code[line_start:start]
    return bool(
        re.search(r"""["'`]\s*(?:,\s*[^,()]+\s*)*,\s*$|%\s*\(?\s*(?:[\w.]+\s*,\s*)*$""", before)
    )


def _usage_pattern(name: str) -> re.Pattern[str]:
    last = re.escape(name.rsplit(".", 1)[-1])
    return re.compile(rf"(?<![\w])(?:\$\{{?)?{last}(?![\w])")


def _usages(ctx: FileContext, candidate: Candidate) -> list[re.Match[str]]:
    """Uses of the variable after its definition, up to its next assignment.

    Constants (UPPER_CASE) reach the whole file; locals only the next 40 lines."""
    name = candidate.assigned_to or ""
    last = name.rsplit(".", 1)[-1]
    constant = last.isupper()
    start = 0 if constant else candidate.chain_end
    end = len(ctx.code)
    if not constant:
        line = ctx.lines.index(candidate.chain_end)
        limit = min(len(ctx.lines.starts) - 1, line + 40)
        end = ctx.lines.span(limit, limit)[1]
        reassigned = re.compile(rf"(?<![\w.]){re.escape(last)}\s*(?::=|=)(?!=)")
        if (again := reassigned.search(ctx.code, candidate.chain_end, end)) is not None:
            end = again.start()
    found = []
    definition_line = ctx.lines.index(candidate.chain_start)
    for m in _usage_pattern(name).finditer(ctx.code, start, end):
        if ctx.lines.index(m.start()) == definition_line:
            continue  # the definition itself
        found.append(m)
    return found


def methods_for(ctx: FileContext, candidate: Candidate) -> set[str | None]:
    """Methods the path is sent with: from its own statement, else from where its
    variable is used. An empty set means the value only prefixes other paths."""
    window = ctx.profile.window
    own = method_near(ctx.lines, candidate.start, window)
    if own is not None or not candidate.assigned_to:
        return {own}
    methods: set[str | None] = set()
    embedded = 0
    for m in _usages(ctx, candidate):
        if _usage_is_embedded(ctx, m.start(), m.end()):
            embedded += 1
            continue
        methods.add(method_near(ctx.lines, m.start(), window))
    if not methods and embedded:
        return set()
    return methods or {None}


def _confidence(
    target: ScanTarget, match: PathMatch, method: str | None, tied: bool
) -> tuple[Confidence, str]:
    confidence = Confidence.HIGH
    notes = [status(target)]
    if not match.exact:
        confidence = Confidence.MEDIUM if tied else Confidence.LOW
        notes.append("base URL not resolved in this file, matched below the API root")
    if method is None and target.method:
        confidence = lowest(confidence, Confidence.MEDIUM)
        notes.append("HTTP method not visible nearby")
    elif method:
        notes.append(f"sent with {method}")
    if target.shared_with_live:
        confidence = lowest(confidence, Confidence.MEDIUM)
        notes.append("a live operation still serves this path (check which one is called)")
    return confidence, "; ".join(notes)


def endpoint_hits(ctx: FileContext, active: Sequence[ScanTarget]) -> list[Hit]:
    endpoints = [t for t in active if t.is_endpoint]
    if not endpoints:
        return []
    hits: list[Hit] = []
    for candidate in ctx.candidates:
        if "/" not in candidate.value:
            continue
        split = candidate_segments(candidate.value)
        if split is None:
            continue
        segments, base_unknown = split
        matches = [
            (t, m) for t in endpoints if (m := match_template(segments, base_unknown, t.segments))
        ]
        if not matches:
            continue
        methods = methods_for(ctx, candidate)
        for target, match in matches:
            if target.method is None or target.method in methods:
                method = target.method if target.method in methods else None
            elif None in methods:
                method = None
            else:
                continue  # sent with another method: a different (live) operation
            confidence, reason = _confidence(target, match, method, ctx.tied)
            hits.append(
                Hit.about(target, candidate.start, candidate.end, Category.USE, confidence, reason)
            )
    return hits
