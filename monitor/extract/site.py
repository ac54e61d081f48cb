"""The whole docs site at once: parse every page, classify, cross-reference.

One bad page must not hide the others, so per-page failures become
:class:`PageProblem` values (the caller's parser canary) and extraction goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from monitor.domain import ChangelogEntry, DeprecationRecord
from monitor.extract.changelog import parse_changelog
from monitor.extract.classify import classify_entry
from monitor.extract.crossref import cross_reference
from monitor.extract.deprecated_page import parse_deprecated_page
from monitor.extract.errors import ExtractionError
from monitor.extract.mentions import Operation
from monitor.extract.reference import ReferencePage, parse_reference_page


class PageKind(StrEnum):
    CHANGELOG = "changelog"
    REFERENCE = "reference"
    DEPRECATED = "deprecated"


class SitePage(NamedTuple):
    """One fetched page; a plain ``(kind, surface, html)`` tuple works too."""

    kind: str
    surface: str
    html: str | bytes


@dataclass(frozen=True, slots=True)
class PageProblem:
    """A page that could not be parsed: the markup probably changed."""

    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class SiteExtraction:
    entries: tuple[ChangelogEntry, ...]
    records: tuple[DeprecationRecord, ...]
    reference_pages: tuple[ReferencePage, ...]
    problems: tuple[PageProblem, ...]


def build_link_index(
    pages: Mapping[str, ReferencePage] | list[ReferencePage],
) -> dict[str, Operation]:
    """Reference page URL -> ``(method, path, title)`` for pages that name an operation."""
    values = pages.values() if isinstance(pages, Mapping) else pages
    return {p.url: (p.method, p.path, p.title) for p in values if p.method and p.path}


def extract_site(
    pages: Mapping[str, tuple[str, str, str | bytes]], first_seen: date
) -> SiteExtraction:
    """Everything the site says about deprecations, plus the pages that failed to parse.

    ``pages`` maps URL -> ``(kind, surface, html)`` with kind ``changelog``,
    ``reference`` or ``deprecated`` (``deprecated_page`` is accepted too); unknown
    kinds are reported as problems.
    """
    problems: list[PageProblem] = []
    references: list[ReferencePage] = []
    listed: list[str] = []
    changelogs: list[tuple[str, str, str | bytes]] = []
    for url, (kind, surface, html) in pages.items():
        try:
            if kind == PageKind.REFERENCE:
                references.append(parse_reference_page(html, url, surface, first_seen))
            elif kind in (PageKind.DEPRECATED, "deprecated_page"):
                listed.extend(parse_deprecated_page(html, url))
            elif kind == PageKind.CHANGELOG:
                changelogs.append((url, surface, html))
            else:
                problems.append(PageProblem(url, f"unknown page kind {kind!r}"))
        except ExtractionError as exc:
            problems.append(PageProblem(url, str(exc)))
    index = build_link_index(references)
    entries: list[ChangelogEntry] = []
    for url, surface, html in changelogs:
        try:
            entries.extend(parse_changelog(html, url, surface))
        except ExtractionError as exc:
            problems.append(PageProblem(url, str(exc)))
    announced = [record for entry in entries for record in classify_entry(entry, index)]
    records = cross_reference(announced, references, listed, first_seen)
    return SiteExtraction(tuple(entries), tuple(records), tuple(references), tuple(problems))
