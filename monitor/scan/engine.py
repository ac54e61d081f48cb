"""``scan_text``: one file's text in, findings out. Pure: no disk, no clock."""

from __future__ import annotations

from .endpoints import endpoint_hits
from .fields import field_hits, value_hits
from .filectx import FileContext, Hit
from .findings import CONFIDENCE_RANK, Category, Finding, with_fingerprints
from .languages import PROFILES, language_for
from .mentions import mention_hits
from .methods import Lines
from .reasons import at_least
from .rules import mask_secrets, rule_hits
from .suppress import directives, is_suppressed
from .targets import TargetSet


def scan_text(
    path: str, text: str, targets: TargetSet, min_confidence: str = "medium"
) -> list[Finding]:
    """Uses and mentions of deprecated items (and rule breaks) in one file."""
    include_low = min_confidence == "low"
    if not include_low and targets.gate.quiet(text):
        return []  # the usual file: no tie, no hint, no change word, no sure token
    language = language_for(path)
    if language is None:
        return []
    found = targets.finder.find(text)
    profile = PROFILES[language]
    signs = targets.gate.signs(text)
    rules = not profile.is_docs and targets.rules_wanted(signs, include_low)
    if not found and not rules:
        return []
    if include_low:
        active = targets.select(found)
    elif signs.blank:  # the usual case: everyday words and nothing tying them to the API
        active = targets.select_sure(found)
    else:
        active = tuple(t for t in targets.select(found) if targets.gate.viable(t, signs))
    if not active and not rules:
        return []
    ctx = FileContext(path, text, profile)
    hits: list[Hit] = []
    if not profile.is_docs:
        hits += endpoint_hits(ctx, active)
        hits += field_hits(ctx, targets, active)
        hits += value_hits(ctx, targets, active)
        if rules:
            hits += rule_hits(ctx)
    hits += mention_hits(ctx, active)
    return _finish(ctx, hits, min_confidence)


def _finish(ctx: FileContext, hits: list[Hit], min_confidence: str) -> list[Finding]:
    lines = ctx.lines
    # The code view keeps every newline where the text has it, so its line
    # offsets cut the raw text too (no split of the whole file).
    raw = Lines(ctx.text, lines.starts)
    table = directives(ctx.text)
    # One finding per line, item and category: two syntaxes binding the same
    # field on one line (an annotation and its property) are one use.
    best: dict[tuple[int, str, str], Hit] = {}
    for hit in sorted(hits, key=lambda h: h.start):
        key = (lines.index(hit.start), hit.item, hit.category)
        kept = best.get(key)
        if kept is None or CONFIDENCE_RANK[hit.confidence] > CONFIDENCE_RANK[kept.confidence]:
            best[key] = hit
    used_lines = {
        (lines.index(h.start), h.item) for h in best.values() if h.category == Category.USE
    }
    findings = []
    for hit in best.values():
        index = lines.index(hit.start)
        if hit.category == Category.MENTION and (index, hit.item) in used_lines:
            continue  # the use on this line already says it
        if not at_least(hit.confidence, min_confidence):
            continue
        line_start = lines.starts[index]
        end_index = lines.index(max(hit.start, hit.end - 1))
        end_column = hit.end - line_start + 1 if end_index == index else len(raw.line(index)) + 1
        findings.append(
            Finding(
                path=ctx.path,
                line=index + 1,
                column=hit.start - line_start + 1,
                end_column=end_column,
                item=hit.item,
                deprecation_id=hit.deprecation_id,
                kind=hit.kind,
                category=hit.category,
                confidence=hit.confidence,
                reason=hit.reason,
                snippet=mask_secrets(raw.line(index).strip())[:300],
                suppressed=is_suppressed(table, index + 1, hit.item, hit.deprecation_id, hit.kind),
            )
        )
    return with_fingerprints(findings)
