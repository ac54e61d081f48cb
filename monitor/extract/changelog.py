"""Changelog pages -> one :class:`ChangelogEntry` per top-level bullet (or paragraph)
under a date heading.

Nesting rule: a nested list belongs to its parent bullet, so the parent's text,
HTML, links and code spans include its sub-bullets ("Events API" + "Removed
`rrc` and `upc` from `FeaturedProductEventProperties`" is one entry). This
keeps positions (and so ``stable_key``) steady when sub-bullets are added. A
paragraph ending with ":" right before a list only introduces it: its text is
prefixed to each bullet's entry, and so is a non-date subheading inside a dated
section ("Deprecations", "Breaking changes").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from bs4 import NavigableString, Tag

from monitor.domain import ChangelogEntry
from monitor.extract.dates import parse_heading_date
from monitor.extract.errors import UnrecognisedPage
from monitor.extract.markup import (
    HEADING_TAGS,
    admonition_parts,
    heading_anchor,
    is_admonition,
    is_badge,
    is_label_only,
    mentions_breaking,
)
from monitor.extract.page import content_root, parse_html
from monitor.extract.phrases import DEPRECATE_RE, REMOVE_RE
from monitor.extract.text import absolute_url, element_text, without_fragment

_LISTS = ("ul", "ol")
_SKIPPED = frozenset({"pre", "table", "img", "figure", "hr", "svg", "button", "iframe", "video"})
_LABEL_TAGS = ("strong", "b", "em", "mark", "span", "sup")


@dataclass(frozen=True, slots=True)
class _LeadIn:
    """Context carried down to entries: text and code spans of introducing blocks."""

    text: str = ""
    code: tuple[str, ...] = ()
    breaking: bool = False

    def then(self, text: str, code: tuple[str, ...], breaking: bool = False) -> _LeadIn:
        joined = f"{self.text} {text}".strip()
        return _LeadIn(joined, self.code + code, self.breaking or breaking)


@dataclass(slots=True)
class _Section:
    entry_date: date
    anchor: str
    level: int
    breaking: bool
    subheading: _LeadIn = field(default_factory=_LeadIn)
    has_list: bool = False
    blocks: list[tuple[bool, ChangelogEntry]] = field(default_factory=list)


def _code_spans(nodes: list[Tag | NavigableString]) -> tuple[str, ...]:
    spans: list[str] = []
    for node in nodes:
        if not isinstance(node, Tag):
            continue
        found = [node] if node.name == "code" else node.find_all("code")
        spans.extend(t for t in (element_text(c) for c in found) if t)
    return tuple(spans)


def _links(nodes: list[Tag | NavigableString], page_url: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for node in nodes:
        if not isinstance(node, Tag):
            continue
        anchors = [node] if node.name == "a" else node.find_all("a", href=True)
        for anchor in anchors:
            url = absolute_url(str(anchor.get("href", "")), page_url)
            if url:
                seen.setdefault(url, None)
    return tuple(seen)


def _has_label(nodes: list[Tag | NavigableString]) -> bool:
    """A bold/badge/emphasis element that says "Breaking change"."""
    for node in nodes:
        if not isinstance(node, Tag):
            continue
        candidates = [node, *node.find_all(_LABEL_TAGS)]
        for tag in candidates:
            if (tag.name in _LABEL_TAGS or is_badge(tag)) and mentions_breaking(element_text(tag)):
                return True
    return False


class _Walker:
    """One pass over the content root in document order (no repeated subtree scans)."""

    def __init__(self, page_url: str, surface: str) -> None:
        self.page_url = without_fragment(page_url)
        self.surface = surface
        self.entries: list[ChangelogEntry] = []
        self.section: _Section | None = None
        self.saw_date_heading = False

    def walk(self, node: Tag, lead: _LeadIn) -> None:
        children = [c for c in node.children if isinstance(c, Tag)]
        pending = lead
        for index, child in enumerate(children):
            name = child.name
            current, pending = pending, lead
            if name in HEADING_TAGS:
                self._heading(child)
            elif name in _LISTS:
                self._list(child, current)
            elif name == "p":
                following = children[index + 1] if index + 1 < len(children) else None
                text = element_text(child)
                if following is not None and following.name in _LISTS and text.endswith(":"):
                    pending = current.then(text, _code_spans([child]), _has_label([child]))
                else:
                    self._block([child], text, current)
            elif is_admonition(child):
                title, body = admonition_parts(child)
                inner = current.then("", (), mentions_breaking(title))
                for part in body:
                    self.walk(part, inner)
            elif name not in _SKIPPED and not _is_tabs(child):
                self.walk(child, current)

    def close(self) -> None:
        """Number the finished section's entries; drop intro paragraphs of bulleted sections.

        Under a heading with bullets, a paragraph is an introduction ("This release
        is about reporting") unless it speaks of a deprecation, removal or break.
        """
        section, self.section = self.section, None
        if section is None:
            return
        kept = [
            entry
            for paragraph, entry in section.blocks
            if not (paragraph and section.has_list and not _signals_change(entry))
        ]
        self.entries.extend(replace(e, position=i) for i, e in enumerate(kept))

    def _heading(self, heading: Tag) -> None:
        level = int(heading.name[1])
        text = element_text(heading)
        found = parse_heading_date(text)
        if found is not None:
            self.close()
            self.saw_date_heading = True
            breaking = mentions_breaking(text)
            self.section = _Section(found, heading_anchor(heading), level, breaking)
        elif self.section is not None and level > self.section.level:
            label = is_label_only(text)
            self.section.subheading = _LeadIn(
                "" if label else f"{text}:", _code_spans([heading]), mentions_breaking(text)
            )
        else:
            self.close()

    def _list(self, lst: Tag, lead: _LeadIn) -> None:
        if self.section is not None:
            self.section.has_list = True
        for item in lst.find_all("li", recursive=False):
            nodes = list(item.contents)
            self._block(nodes, element_text(nodes), lead, paragraph=False)

    def _block(
        self,
        nodes: list[Tag | NavigableString],
        text: str,
        lead: _LeadIn,
        paragraph: bool = True,
    ) -> None:
        section = self.section
        if section is None or not text:
            return
        if is_label_only(text):
            # A lone "Breaking change" line labels everything after it in the section.
            section.breaking = section.breaking or mentions_breaking(text)
            return
        context = section.subheading.then(lead.text, lead.code, lead.breaking)
        breaking = (
            section.breaking or context.breaking or mentions_breaking(text) or _has_label(nodes)
        )
        section.blocks.append(
            (
                paragraph,
                ChangelogEntry(
                    surface=self.surface,
                    entry_date=section.entry_date,
                    text=f"{context.text} {text}".strip(),
                    html="".join(str(n) for n in nodes).strip(),
                    source_url=f"{self.page_url}#{section.anchor}",
                    position=-1,
                    links=_links(nodes, self.page_url),
                    code_spans=context.code + _code_spans(nodes),
                    breaking=breaking,
                ),
            )
        )


def _signals_change(entry: ChangelogEntry) -> bool:
    text = entry.text
    return entry.breaking or bool(DEPRECATE_RE.search(text) or REMOVE_RE.search(text))


def _is_tabs(tag: Tag) -> bool:
    classes = tag.get("class") or ()
    return "tabs-container" in classes or tag.get("role") == "tabpanel"


def parse_changelog(html: str | bytes, page_url: str, surface: str) -> list[ChangelogEntry]:
    """Every entry of a changelog page, newest section first as on the page.

    Raises :class:`~monitor.extract.errors.UnrecognisedPage` when the page has no
    content root or no date heading at all: an empty result would otherwise look
    like "nothing changed".
    """
    root = content_root(parse_html(html), page_url)
    walker = _Walker(page_url, surface)
    walker.walk(root, _LeadIn())
    walker.close()
    if not walker.saw_date_heading:
        raise UnrecognisedPage(page_url, "changelog has no date headings")
    return walker.entries
