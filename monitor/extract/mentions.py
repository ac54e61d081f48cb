"""What a changelog sentence talks about: code spans, links, owners, fields, enum values.

Entry text is plain, so each code span and link is located back in it once;
every later rule then works on positions (which span comes before "in favour
of", which object follows a field) instead of re-parsing HTML.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from monitor.extract.paths import bare_path, find_endpoints
from monitor.extract.phrases import ENUM_WORD_RE, OBJECT_WORD_RE, REPLACEMENT_CUE_RE
from monitor.extract.text import absolute_url, element_text, page_key

Operation = tuple[str, str, str]  # (method, path template, operation title)

IDENT_RE = re.compile(r"^[A-Za-z_]\w*(?:(?:\[\])?\.[A-Za-z_]\w*)*(?:\[\])?$")
_PASCAL_CODE_RE = re.compile(r"^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")
_PASCAL_PROSE_RE = re.compile(r"\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\b")
_CAPITAL_OBJECT_RE = re.compile(r"\b([A-Z][a-z0-9]+)\s+(?:object|model|schema)\b")
_SNAKE_RE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:(?:\[\])?\.[a-z_]\w*)*\b")
# "the `invalid_phone_number` error code": an identifier that names an error, not a field.
_NOT_A_FIELD_RE = re.compile(r"^\s*(?:error|status code|header|webhook|event type)\b", re.I)
_INSTEAD_RE = re.compile(r"\s+instead\b", re.I)
_REPLACEMENT_WORDS_RE = re.compile(r"^\s*(?:the\s+)?([^.,;()]{1,80}?)\s*(?:instead\b|[.,;()]|$)")


@dataclass(frozen=True, slots=True)
class Span:
    """A code span or a link, located in the entry text."""

    start: int
    end: int
    text: str
    url: str | None = None  # set for links

    @property
    def is_code(self) -> bool:
        return self.url is None


def _locate(text: str, needles: Iterable[str]) -> list[tuple[int, int, str]]:
    """Find each needle in order, falling back to a fresh search when out of order."""
    found: list[tuple[int, int, str]] = []
    cursor = 0
    for needle in needles:
        if not needle:
            continue
        at = text.find(needle, cursor)
        if at < 0:
            at = text.find(needle)
        if at < 0:
            continue
        found.append((at, at + len(needle), needle))
        cursor = at + len(needle)
    return found


def locate_spans(text: str, html: str, code_spans: Iterable[str], page_url: str) -> list[Span]:
    """Code spans and links of an entry, with their positions in ``text``."""
    spans = [Span(s, e, t) for s, e, t in _locate(text, code_spans)]
    anchors: list[tuple[str, str]] = []
    for anchor in BeautifulSoup(html, "lxml").find_all("a", href=True):
        if isinstance(anchor, Tag):
            url = absolute_url(str(anchor["href"]), page_url)
            label = element_text(anchor)
            if url and label:
                anchors.append((label, url))
    for (start, end, label), (_l, url) in zip(
        _locate(text, (a[0] for a in anchors)), anchors, strict=False
    ):
        spans.append(Span(start, end, label, url))
    return sorted(spans, key=lambda s: (s.start, s.end))


def resolve_link(span: Span, index: Mapping[str, Operation]) -> Operation | None:
    """The reference operation a link points at, if the page is known."""
    return index.get(page_key(span.url)) if span.url else None


@dataclass(slots=True)
class Endpoints:
    """Endpoints a stretch of text names, split by how sure we are of them."""

    written: list[str]  # spelled out as METHOD /path (or a bare path with a known method)
    linked: list[str]  # resolved from links to known reference pages
    titles: list[str]  # titles of the linked operations
    unresolved: list[str]  # bare paths whose method is unknown


def endpoint_items(
    text: str, spans: list[Span], start: int, end: int, index: Mapping[str, Operation]
) -> Endpoints:
    """Endpoints named in ``text[start:end]``."""
    items: list[str] = []
    linked: list[str] = []
    titles: list[str] = []
    unresolved: list[str] = []
    for _s, _e, item in find_endpoints(text[start:end]):
        items.append(item)
    by_path: dict[str, set[str]] = {}
    for method, path, _title in index.values():
        by_path.setdefault(path, set()).add(method)
    for span in spans:
        if not start <= span.start < end:
            continue
        operation = resolve_link(span, index)
        if operation is not None:
            linked.append(f"{operation[0]} {operation[1]}")
            titles.append(operation[2])
        elif span.is_code and not find_endpoints(span.text):
            path = bare_path(span.text)
            if path is None:
                continue
            methods = by_path.get(path, set())
            if len(methods) == 1:
                items.append(f"{next(iter(methods))} {path}")
            else:
                unresolved.append(path)
    return Endpoints(list(dict.fromkeys(items)), list(dict.fromkeys(linked)), titles, unresolved)


def _owners(text: str, spans: list[Span], start: int, end: int) -> list[tuple[int, str]]:
    owners: list[tuple[int, str]] = []
    for span in spans:
        if not (span.is_code and start <= span.start < end):
            continue
        typed = _PASCAL_CODE_RE.match(span.text)
        named_object = OBJECT_WORD_RE.match(text[span.end :]) and IDENT_RE.match(span.text)
        if typed or (named_object and "." not in span.text):
            owners.append((span.start, span.text))
    covered = [(s.start, s.end) for s in spans]
    for regex in (_PASCAL_PROSE_RE, _CAPITAL_OBJECT_RE):
        for match in regex.finditer(text, start, end):
            pos = match.start(match.lastindex or 0)
            if not any(a <= pos < b for a, b in covered):
                owners.append((pos, match.group(match.lastindex or 0)))
    return sorted(set(owners))


def _nearest_owner(pos: int, owners: list[tuple[int, str]]) -> str | None:
    after = [name for at, name in owners if at > pos]
    if after:
        return after[0]
    before = [name for at, name in owners if at < pos]
    return before[-1] if before else None


def field_items(text: str, spans: list[Span], start: int, end: int) -> tuple[list[str], bool]:
    """Fields (``Owner.field`` when an owner is named) or enum values in ``text[start:end]``.

    Returns ``(items, is_enum)``. Enum values are written ``field.path=value``
    and recognised when the sentence speaks of values and names a field path.
    """
    owners = _owners(text, spans, start, end)
    owner_names = {name for _at, name in owners}
    code = [
        s
        for s in spans
        if s.is_code
        and start <= s.start < end
        and IDENT_RE.match(s.text)
        and s.text not in owner_names
        and not _NOT_A_FIELD_RE.match(text[s.end : s.end + 20])
    ]
    if not code and not any(s.is_code and start <= s.start < end for s in spans):
        # Prose without code formatting: snake_case words are the only safe guess.
        code = [Span(m.start(), m.end(), m.group(0)) for m in _SNAKE_RE.finditer(text, start, end)]
    if not code:
        return [], False
    enum = _enum_items(text, code, start, end)
    if enum:
        return enum, True
    items = []
    for span in code:
        owner = None if "." in span.text else _nearest_owner(span.start, owners)
        items.append(f"{owner}.{span.text}" if owner else span.text)
    return list(dict.fromkeys(items)), False


def _enum_items(text: str, code: list[Span], start: int, end: int) -> list[str]:
    """``field=value`` items when the clause says values of a named field path."""
    if not ENUM_WORD_RE.search(text, start, end) and not any("=" in s.text for s in code):
        return []
    paths = [s for s in code if "." in s.text or "[]" in s.text]
    if not paths:
        return _value_of_field(text, code)
    if len(paths) != 1:
        return []
    field_span = paths[0]
    values = [s for s in code if s is not field_span]
    if not values:
        return []
    return [f"{field_span.text}={v.text}" for v in values]


_VALUE_OF_RE = re.compile(r"\s*(?:values?|options?)\s+(?:of|for|in|from)\s+(?:the\s+)?", re.I)


def _value_of_field(text: str, code: list[Span]) -> list[str]:
    """ "The `legacy` value for `fulfillment_type`": a plain field name can hold values too."""
    for value, field in itertools.pairwise(code):
        if _VALUE_OF_RE.fullmatch(text, value.end, field.start):
            return [f"{field.text}={value.text}"]
    return []


def mentioned_titles(text: str, start: int, end: int, index: Mapping[str, Operation]) -> list[str]:
    """Reference operation titles written out in prose (longest first wins)."""
    segment = text[start:end].lower()
    found: list[tuple[int, int, str]] = []
    for _method, _path, title in index.values():
        if not title:
            continue
        for match in re.finditer(r"\b" + re.escape(title.lower()) + r"\b", segment):
            found.append((match.start(), match.end(), title))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    chosen: list[str] = []
    last_end = -1
    for begin, finish, title in found:
        if begin >= last_end:
            chosen.append(title)
            last_end = finish
    return chosen


def _span_name(span: Span, index: Mapping[str, Operation]) -> str:
    """A successor as the docs name it: link text or code span (endpoints normalised).

    ``index`` is unused for links on purpose: readers recognise the page title
    they saw, and the record's items already carry the resolved endpoint.
    """
    del index
    written = find_endpoints(span.text)
    return written[0][2] if written else span.text


def _before_instead(
    text: str, spans: list[Span], index: Mapping[str, Operation]
) -> tuple[str | None, int | None]:
    """ "... with [Get an order] instead": the span right before "instead" is the successor."""
    for match in _INSTEAD_RE.finditer(text):
        before = [s for s in spans if 0 <= match.start() - s.end <= 2]
        if before:
            return _span_name(before[-1], index), before[-1].start
    return None, None


def find_replacement(
    text: str, spans: list[Span], index: Mapping[str, Operation]
) -> tuple[str | None, int | None]:
    """The named successor and where its cue starts (the subject ends there)."""
    cue = REPLACEMENT_CUE_RE.search(text)
    if cue is None:
        return _before_instead(text, spans, index)
    after = cue.end()
    nearby = [s for s in spans if after <= s.start <= after + 40]
    if nearby:
        return _span_name(nearby[0], index), _word_start(cue)
    written = find_endpoints(text[after : after + 200])
    if written and written[0][0] <= 10:
        return written[0][2], _word_start(cue)
    words = _REPLACEMENT_WORDS_RE.match(text[after:])
    value = words.group(1).strip() if words else ""
    return (value or None), _word_start(cue)


def _word_start(cue: re.Match[str]) -> int:
    """Where the cue's words begin (its match may start on the preceding ";")."""
    matched = cue.group(0)
    return cue.start() + len(matched) - len(matched.lstrip(".,;:( \t"))
