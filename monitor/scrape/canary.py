"""Judging each page after a scrape (pure): fine, failed, or a parser canary.

A changelog that parsed to nothing, a Deprecated page that lists nothing, or a page whose
structure is unrecognisable means the site's markup changed under us. That is an error
to surface, never "no news": the stored data is kept and the page vouches for nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from monitor.domain import Origin
from monitor.extract.site import SiteExtraction
from monitor.fetch.result import FetchResult, FetchStatus
from monitor.scrape.plan import PlannedPage


@dataclass(frozen=True, slots=True)
class PageVerdict:
    page: PlannedPage
    status: str  # ok | not_modified | failed | canary | skipped
    problem: str | None = None
    entry_count: int | None = None
    covered: bool = False  # parsed fine: its content can prove a record's absence


def judge_pages(
    pages: Sequence[tuple[PlannedPage, FetchResult | None, bool]],
    extraction: SiteExtraction | None,
    previous_counts: Mapping[str, int | None],
    sitemap_problem: str | None,
    resolve: Callable[[str], str],
) -> dict[str, PageVerdict]:
    entries_per_path = Counter(
        urlsplit(entry.source_url).path for entry in (extraction.entries if extraction else ())
    )
    listed = sum(
        1 for r in (extraction.records if extraction else ()) if r.origin is Origin.DEPRECATED_PAGE
    )
    problems = {urlsplit(p.url).path: p.reason for p in (extraction.problems if extraction else ())}
    verdicts = {}
    for page, result, has_body in pages:
        fetch_status = _fetch_status(result)
        canary = None
        count: int | None = None
        if page.kind == "sitemap":
            canary = sitemap_problem
        elif extraction is not None and has_body:
            canary, count = _parse_verdict(
                page, problems, entries_per_path, listed, previous_counts.get(page.source)
            )
        if canary:
            verdicts[page.source] = PageVerdict(page, "canary", f"{resolve(page.path)}: {canary}")
        elif fetch_status == "failed":
            assert result is not None
            verdicts[page.source] = PageVerdict(
                page, "failed", result.error, count, covered=has_body and extraction is not None
            )
        else:
            verdicts[page.source] = PageVerdict(
                page, fetch_status, None, count, covered=has_body and extraction is not None
            )
    return verdicts


def _fetch_status(result: FetchResult | None) -> str:
    if result is None:
        return "skipped"
    return {
        FetchStatus.OK: "ok",
        FetchStatus.NOT_MODIFIED: "not_modified",
        FetchStatus.FAILED: "failed",
    }[result.status]


def _parse_verdict(
    page: PlannedPage,
    problems: Mapping[str, str],
    entries_per_path: Mapping[str, int],
    listed: int,
    previous: int | None,
) -> tuple[str | None, int | None]:
    if page.path in problems:
        return f"parser canary: {problems[page.path]}", None
    if page.kind == "changelog":
        count = entries_per_path.get(page.path, 0)
        if count == 0:
            before = f" (it had {previous} before)" if previous else ""
            return f"parser canary: no dated entries found{before}", 0
        return None, count
    if page.kind == "deprecated" and listed == 0:
        return "parser canary: the Deprecated page lists no operations", 0
    if page.kind == "deprecated":
        return None, listed
    return None, None
