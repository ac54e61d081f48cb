"""Deprecation admonitions on reference pages: the whole operation, or a part of it.

An admonition saying "this endpoint is deprecated" deprecates the operation; one
whose deprecated subject is a field or a way of calling ("searching by
`postal_code` alone") becomes a :class:`DeprecationNote`. "The deprecated X"
said in passing (a successor page pointing back) deprecates nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import Tag

from monitor.extract.markup import admonition_parts, is_admonition
from monitor.extract.mentions import IDENT_RE, Span, find_replacement, locate_spans
from monitor.extract.paths import find_endpoints
from monitor.extract.phrases import (
    DECOY_RE,
    DEPRECATE_PREDICATE_RE,
    DEPRECATE_RE,
    ENDPOINT_WORD_RE,
    clauses,
)
from monitor.extract.text import element_text

_NO_SUCCESSOR_RE = re.compile(r"\bno (?:replacement|alternative|successor)\b", re.I)
_CONDITIONAL_RE = re.compile(r"\b(?:only|alone|by itself|on its own|without|unless)\b", re.I)
_PARTIAL_SUBJECT_RE = re.compile(
    r"\bonly\b|\balone\b|\b(?:field|parameter|param|property|attribute|value|option|argument|key)s?\b",
    re.I,
)
_BY_ONLY_RE = re.compile(r"\bby\s+(?:the\s+|a\s+)?([a-z]+(?:[ -][a-z]+)?)\s+only\b", re.I)


@dataclass(frozen=True, slots=True)
class DeprecationNote:
    """A deprecation admonition about part of an operation, not the whole of it."""

    text: str
    items: tuple[str, ...]
    replacement: str | None
    guessed: bool  # items inferred from prose rather than code formatting
    conditional: bool = False  # only one way of using the item is deprecated ("... alone")


def _states_deprecation(sentence: str) -> bool:
    """ "X is deprecated" / "Deprecated: ..." but not "the deprecated X" said in passing."""
    return bool(DEPRECATE_PREDICATE_RE.search(DECOY_RE.sub(" ", sentence)))


def _subject_end(text: str, start: int, end: int) -> int:
    marker = DEPRECATE_RE.search(text, start, end)
    return marker.start() if marker else end


def _is_operation_sentence(text: str, bounds: tuple[int, int], spans: list[Span]) -> bool:
    """Whether a deprecation sentence is about the whole operation (not a part of it)."""
    start, end = bounds
    head_end = _subject_end(text, start, end)
    head = text[start:head_end]
    named = [s for s in spans if s.is_code and start <= s.start < head_end]
    if any(not find_endpoints(s.text) for s in named):
        return False
    if _PARTIAL_SUBJECT_RE.search(head):
        return bool(ENDPOINT_WORD_RE.search(head)) and not _CONDITIONAL_RE.search(head)
    return True


def _note_items(sentence: str, subject: list[Span]) -> tuple[tuple[str, ...], bool]:
    code = [s.text for s in subject if s.is_code and not find_endpoints(s.text)]
    if code:
        return tuple(dict.fromkeys(code)), False
    phrase = _BY_ONLY_RE.search(sentence)
    if phrase:
        return (re.sub(r"[ -]+", "_", phrase.group(1).lower()),), True
    return (), True


def _successor(text: str, spans: list[Span], after: int) -> tuple[str | None, str | None]:
    """Without a cue, the first link or code span of the sentence after the deprecation
    names the successor ("Create orders with [POST /v2/...]", "Send the full `address`")."""
    following = next(((a, b) for a, b in clauses(text) if a >= after), None)
    if following is None:
        return None, None
    for span in spans:
        if following[0] <= span.start < following[1] and (
            span.url or IDENT_RE.match(span.text) or find_endpoints(span.text)
        ):
            written = find_endpoints(span.text)
            return (written[0][2] if written else span.text), span.url
    return None, None


@dataclass(slots=True)
class Admonitions:
    """What a page's admonitions say: whole-operation deprecation and partial notes."""

    deprecated: bool = False
    text: str | None = None
    replacement: str | None = None
    replacement_url: str | None = None
    notes: tuple[DeprecationNote, ...] = ()


def read_admonitions(root: Tag, page_url: str) -> Admonitions:
    found = Admonitions()
    notes: list[DeprecationNote] = []
    for box in root.find_all(is_admonition):
        title, body = admonition_parts(box)
        text = element_text(body)
        statements = [(a, b) for a, b in clauses(text) if _states_deprecation(text[a:b])]
        titled = _states_deprecation(title)
        if not statements and not titled:
            continue
        spans = locate_spans(text, "".join(str(b) for b in body), _codes(body), page_url)
        replacement, cue = find_replacement(text, spans, {})
        link = next((s.url for s in spans if s.url and replacement == s.text), None)
        if replacement is None and not _NO_SUCCESSOR_RE.search(text):
            replacement, link = _successor(text, spans, statements[0][1] if statements else 0)
        whole = any(_is_operation_sentence(text, b, spans) for b in statements) or not statements
        if whole and not found.deprecated:
            found.deprecated, found.text = True, text
            found.replacement, found.replacement_url = replacement, link
        elif not whole:
            start, end = statements[0]
            head_end = min(_subject_end(text, start, end), cue if cue is not None else end)
            subject = [s for s in spans if start <= s.start < head_end]
            items, guessed = _note_items(text[start:end], subject)
            conditional = bool(_CONDITIONAL_RE.search(text, start, end))
            notes.append(DeprecationNote(text, items, replacement, guessed, conditional))
    found.notes = tuple(notes)
    return found


def _codes(nodes: list[Tag]) -> list[str]:
    return [element_text(c) for n in nodes for c in n.find_all("code")]
