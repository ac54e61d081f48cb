"""Changelog entry -> deprecation records (none for additions, fixes and docs edits).

Each sentence of an entry is judged on its own ("Added `priority_eta`; removed
`asap`" holds one removal). A sentence that hedges ("may be retired", "we plan
to deprecate") still yields a record, flagged ``needs_review``, because missing
a real deprecation costs more than a human glance. Dates and replacements are
read from the whole entry and shared by its records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from monitor.domain import (
    Action,
    AnnouncedOnSource,
    ChangelogEntry,
    DeprecationRecord,
    Kind,
    Origin,
)
from monitor.extract.dates import find_effective_date
from monitor.extract.markup import mentions_breaking
from monitor.extract.mentions import (
    Operation,
    Span,
    endpoint_items,
    field_items,
    find_replacement,
    locate_spans,
    mentioned_titles,
)
from monitor.extract.phrases import (
    DECOY_RE,
    DEPRECATE_PREDICATE_RE,
    DEPRECATE_RE,
    DOC_NOUN_RE,
    DOC_REMOVAL_RE,
    DOC_VERB_RE,
    FUTURE_REMOVAL_RE,
    HEDGE_RE,
    REMOVE_RE,
    clauses,
)
from monitor.extract.text import page_key

_TITLE_LIMIT = 100


@dataclass(slots=True)
class _Finding:
    """What one sentence says: an action and the items it applies to."""

    action: Action
    hedge: str | None
    items: list[str] = field(default_factory=list)
    kind: Kind = Kind.FIELD
    titles: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


def _sentence_action(sentence: str, has_code: bool) -> tuple[Action | None, str | None]:
    """The change a sentence announces, with the hedging word if it only may happen."""
    cleaned = DECOY_RE.sub(" ", sentence)
    deprecates = DEPRECATE_RE.search(cleaned)
    removes = REMOVE_RE.search(cleaned)
    if not deprecates and not removes:
        return None, None
    if DOC_VERB_RE.search(cleaned) and not DEPRECATE_PREDICATE_RE.search(cleaned):
        return None, None
    if DOC_REMOVAL_RE.search(cleaned):
        return None, None
    if removes and not deprecates and not has_code and DOC_NOUN_RE.search(cleaned):
        # "Removed a stale example from the guide": only counts with a named API item.
        return None, None
    hedge = HEDGE_RE.search(cleaned)
    if hedge:
        return Action.DEPRECATED, hedge.group(0)
    past_removal = removes and not FUTURE_REMOVAL_RE.search(cleaned)
    if past_removal and (not deprecates or removes.start() < deprecates.start()):
        return Action.REMOVED, None
    return Action.DEPRECATED, None


# "The `store_id` query parameter of `GET /v2/...`": the field is the subject, the endpoint
# only says where it is sent.
FIELD_NOUN_RE = re.compile(r"\b(?:parameters?|fields?|propert(?:y|ies)|attributes?)\b", re.I)


def _find(
    text: str,
    spans: list[Span],
    bounds: tuple[int, int],
    index: Mapping[str, Operation],
    action: Action,
    hedge: str | None,
) -> _Finding:
    start, end = bounds
    found = _Finding(action, hedge)
    named = endpoint_items(text, spans, start, end, index)
    fields, is_enum = field_items(text, spans, start, end)
    titles = named.titles
    found.unresolved = named.unresolved
    found.links = [page_key(s.url) for s in spans if s.url and start <= s.start < end]
    field_subject = bool(fields) and FIELD_NOUN_RE.search(text, start, end) is not None
    if named.written and action is not Action.BREAKING and not field_subject:
        # Spelled-out endpoints are the subject; stray identifiers are context.
        items = list(dict.fromkeys(named.written + named.linked))
        found.items, found.kind, found.titles = items, Kind.ENDPOINT, titles
    elif fields:
        # A named field is more specific than the operation it is sent to.
        found.items = fields
        if is_enum:
            found.kind = Kind.REMOVED_VALUE if action is Action.REMOVED else Kind.ENUM_VALUE
        found.titles = titles
    else:
        endpoints = named.linked
        if not endpoints:
            titles = mentioned_titles(text, start, end, index)
            by_title = {t: f"{m} {p}" for m, p, t in index.values()}
            endpoints = [by_title[t] for t in titles if t in by_title]
        if endpoints:
            found.items, found.kind, found.titles = endpoints, Kind.ENDPOINT, titles
    return found


def _title(finding: _Finding, text: str) -> str:
    """ "Deprecated: LineItem.quantity, LineItem.unit"; the first sentence when nothing is named."""
    names = finding.titles if finding.kind is Kind.ENDPOINT and finding.titles else finding.items
    if names:
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        label = "Breaking change" if finding.action is Action.BREAKING else finding.action.value
        return f"{label.capitalize()}: {shown}"
    sentence = re.sub(r"^\W*breaking(?: change)?\W*", "", text, flags=re.I).split(". ")[0]
    if len(sentence) > _TITLE_LIMIT:
        sentence = sentence[: _TITLE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def classify_entry(
    entry: ChangelogEntry, link_index: Mapping[str, Operation]
) -> list[DeprecationRecord]:
    """Records for the deprecations, removals and breaking changes one entry announces.

    ``link_index`` maps a reference page URL to ``(method, path, title)`` so a
    link to "Create a last mile delivery order" becomes ``POST /v2/...``.
    """
    index = {page_key(url): op for url, op in link_index.items()}
    text = entry.text
    spans = locate_spans(text, entry.html, entry.code_spans, entry.source_url)
    replacement, cue_at = find_replacement(text, spans, index)
    findings: list[_Finding] = []
    orphans: list[_Finding] = []
    for start, end in clauses(text):
        has_code = any(start <= s.start < end for s in spans)
        action, hedge = _sentence_action(text[start:end], has_code)
        if action is None:
            continue
        subject_end = cue_at if cue_at is not None and start <= cue_at < end else end
        found = _find(text, spans, (start, subject_end), index, action, hedge)
        (findings if found.items else orphans).append(found)
    if not findings and orphans:
        # "`foo` on `Bar`. This field is deprecated." or a list below "Deprecated the
        # endpoints below.": the items sit in other sentences (never in the successor's).
        first = orphans[0]
        masked, kept = _without_successor(text, spans, cue_at)
        whole = _find(masked, kept, (0, len(masked)), index, first.action, first.hedge)
        findings.append(whole)
    if not findings and (entry.breaking or mentions_breaking(text)):
        whole = _find(text, spans, (0, len(text)), index, Action.BREAKING, None)
        whole.kind = Kind.BREAKING_CHANGE
        findings.append(whole)
    return [_record(entry, f, replacement) for f in _merge(findings)]


def _without_successor(text: str, spans: list[Span], cue_at: int | None) -> tuple[str, list[Span]]:
    """Blank out the clause naming the successor, keeping every other position intact."""
    if cue_at is None:
        return text, spans
    end = next((b for a, b in clauses(text) if a <= cue_at < b), len(text))
    masked = text[:cue_at] + " " * (end - cue_at) + text[end:]
    return masked, [s for s in spans if not cue_at <= s.start < end]


def _merge(findings: list[_Finding]) -> list[_Finding]:
    """One record per (kind, action) of an entry: a list of fields is one announcement."""
    merged: dict[tuple[Kind, Action], _Finding] = {}
    for found in findings:
        key = (found.kind, found.action)
        if key not in merged:
            merged[key] = found
            continue
        target = merged[key]
        target.items = list(dict.fromkeys(target.items + found.items))
        target.titles += found.titles
        target.links += found.links
        target.unresolved += found.unresolved
        target.hedge = target.hedge or found.hedge
    return list(merged.values())


def _record(entry: ChangelogEntry, found: _Finding, replacement: str | None) -> DeprecationRecord:
    reasons = []
    if found.hedge:
        reasons.append(f"tentative wording: '{found.hedge}'")
    if not found.items:
        reasons.append("no deprecated item could be identified")
    if found.unresolved:
        reasons.append("path without a known method: " + ", ".join(found.unresolved))
    extra = {"linked_pages": " ".join(dict.fromkeys(found.links))} if found.links else {}
    if found.titles:
        extra["operations"] = "; ".join(dict.fromkeys(found.titles))
    return DeprecationRecord(
        kind=found.kind,
        action=found.action,
        surface=entry.surface,
        items=tuple(found.items),
        title=_title(found, entry.text),
        origin=Origin.CHANGELOG,
        source_url=entry.source_url,
        announced_on=entry.entry_date,
        announced_on_source=AnnouncedOnSource.CHANGELOG,
        effective_on=find_effective_date(entry.text, entry.entry_date),
        replacement=replacement,
        needs_review=bool(reasons),
        review_reason="; ".join(reasons) or None,
        entry_key=entry.stable_key,
        extra=extra,
    )
