"""One scrape: fetch what changed, extract the whole site, store the differences.

Extraction always runs over the whole site, fresh bodies where a page changed and the
cached body where it did not, because records depend on each other (a changelog entry
resolves endpoints through the reference pages it links to). When nothing changed and
the database already holds a scrape, extraction is skipped: an unchanged site costs only
conditional requests.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import httpx
from sqlalchemy import select

from monitor.config.settings import Settings
from monitor.errors import UsageError
from monitor.extract.deprecated_page import parse_deprecated_page
from monitor.extract.errors import ExtractionError
from monitor.extract.site import SiteExtraction, extract_site
from monitor.extract.sitemap import read_sitemap
from monitor.fetch.client import Fetcher, FetchRequest
from monitor.fetch.policy import allowed_hosts
from monitor.fetch.result import FetchResult, FetchStatus
from monitor.scrape.canary import PageVerdict, judge_pages
from monitor.scrape.persist import persist_scrape
from monitor.scrape.plan import (
    DEPRECATED_SOURCE,
    SITEMAP_SOURCE,
    PlannedPage,
    fixed_pages,
    path_of,
    reference_pages,
)
from monitor.scrape.summary import ScrapeSummary
from monitor.store.database import Database
from monitor.store.models import Source
from monitor.store.pages import CachedPage, cached_pages

log = logging.getLogger(__name__)

REFERENCES_SELECTOR = "references"


@dataclass
class _Fetched:
    page: PlannedPage
    result: FetchResult | None  # None: not fetched this run (left out by --source)
    body: bytes | None  # fresh, else cached


def source_names(settings: Settings) -> list[str]:
    names = [c.name for c in settings.docs.changelogs]
    return [*names, DEPRECATED_SOURCE, SITEMAP_SOURCE, REFERENCES_SELECTOR]


def run_scrape(
    settings: Settings,
    database: Database,
    now: datetime,
    only: Sequence[str] = (),
    force: bool = False,
    on_fetch: Callable[[FetchResult], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> ScrapeSummary:
    _check_selection(settings, only)
    with database.sessions() as session:
        cache = cached_pages(session)
        previous_counts = dict(
            tuple(row) for row in session.execute(select(Source.name, Source.last_entry_count))
        )
    summary = ScrapeSummary()
    hosts = allowed_hosts(settings.docs.base_url, settings.docs.allowed_hosts)
    with Fetcher(settings.http, hosts, transport) as fetcher:
        fetch = _FetchRound(settings, fetcher, cache, only, on_fetch)
        planned = fixed_pages(settings)
        fetched = fetch.run([p for p in planned if p.kind == "sitemap"])
        sitemap_paths, sitemap_problem = _sitemap_paths(fetched[0])
        if sitemap_paths and all(p.endswith(".xml") for p in sitemap_paths):
            # A sitemap index: the pages are listed in its child sitemaps.
            children = fetch.run([_child_sitemap(p) for p in sitemap_paths])
            fetched += children
            sitemap_paths = [path for child in children for path in _sitemap_paths(child)[0]]
        references = reference_pages(settings, sitemap_paths)
        if not references:  # no usable sitemap: keep reading the pages we knew
            references = reference_pages(settings, [path_of(url) for url in cache])
        fetched += fetch.run([p for p in planned if p.kind != "sitemap"] + references)
        fetched += fetch.run(_linked_from_deprecated_page(settings, fetched))
    for item in fetched:
        _count(summary, item.result)
    extraction = None
    page_rows = [(item.page, item.result, item.body is not None) for item in fetched]
    if force or not cache or _anything_changed(settings, fetched, cache):
        extraction = extract_site(_site(settings, fetched), now.date())
        summary.extracted = True
    verdicts = judge_pages(
        page_rows, extraction, previous_counts, sitemap_problem, settings.resolve
    )
    summary.problems.extend(v.problem for v in verdicts.values() if v.problem)
    if extraction is not None and any(v.status == "canary" for v in verdicts.values()):
        extraction, verdicts = _fall_back_on_canaries(settings, fetched, cache, verdicts, now)
    persist_scrape(settings, database, now, page_rows, verdicts, extraction, summary)
    log.info("scrape finished", extra={"summary": summary.describe()})
    return summary


def _site(settings: Settings, fetched: list[_Fetched]) -> dict[str, tuple[str, str, bytes]]:
    return {
        settings.resolve(item.page.path): (item.page.kind, item.page.surface or "", item.body)
        for item in fetched
        if item.body is not None and item.page.kind != "sitemap"
    }


def _fall_back_on_canaries(
    settings: Settings,
    fetched: list[_Fetched],
    cache: dict[str, CachedPage],
    verdicts: dict[str, PageVerdict],
    now: datetime,
) -> tuple[SiteExtraction, dict[str, PageVerdict]]:
    """Extract again with the last good copy of every page that tripped a canary.

    Records depend on each other across pages (announcement dates, linked endpoints), so
    a page we cannot read must contribute what it said before, not nothing.
    """
    broken = {v.page.path for v in verdicts.values() if v.status == "canary"}
    fallback = []
    for item in fetched:
        if item.page.path in broken:
            cached = cache.get(settings.resolve(item.page.path))
            fallback.append(_Fetched(item.page, item.result, cached.body if cached else None))
        else:
            fallback.append(item)
    extraction = extract_site(_site(settings, fallback), now.date())
    with_copy = {item.page.path for item in fallback if item.body is not None}
    kept = {
        name: replace(v, covered=v.page.path in with_copy) if v.status == "canary" else v
        for name, v in verdicts.items()
    }
    return extraction, kept


class _FetchRound:
    """Fetches the selected pages concurrently; the others come from the cache."""

    def __init__(
        self,
        settings: Settings,
        fetcher: Fetcher,
        cache: dict[str, CachedPage],
        only: Sequence[str],
        on_fetch: Callable[[FetchResult], None] | None,
    ) -> None:
        self.settings, self.fetcher, self.cache = settings, fetcher, cache
        self.only, self.on_fetch = set(only), on_fetch
        self.seen: set[str] = set()

    def _selected(self, page: PlannedPage) -> bool:
        if not self.only:
            return True
        return page.source in self.only or (
            page.kind == "reference" and REFERENCES_SELECTOR in self.only
        )

    def run(self, pages: list[PlannedPage]) -> list[_Fetched]:
        pages = [p for p in pages if p.path not in self.seen]
        self.seen.update(p.path for p in pages)
        to_fetch = [p for p in pages if self._selected(p)]
        requests = []
        for page in to_fetch:
            cached = self.cache.get(self.settings.resolve(page.path))
            requests.append(
                FetchRequest(
                    self.settings.resolve(page.path),
                    cached.etag if cached else None,
                    cached.last_modified if cached else None,
                )
            )
        fetched = self.fetcher.fetch_many(requests, self.on_fetch)
        results = {page.path: result for page, result in zip(to_fetch, fetched, strict=True)}
        out = []
        for page in pages:
            result = results.get(page.path)
            body = result.body if result is not None else None
            cached = self.cache.get(self.settings.resolve(page.path))
            if body is None and cached is not None:
                body = cached.body
            out.append(_Fetched(page, result, body))
        return out


def _sitemap_paths(item: _Fetched) -> tuple[list[str], str | None]:
    """Paths the sitemap lists (hosts dropped: a mirror serves the same paths)."""
    if item.body is None:
        return [], None  # the fetch failure is reported on its own
    try:
        sitemap = read_sitemap(item.body)
    except ExtractionError as exc:
        return [], f"parser canary: {exc}"
    if not sitemap.urls:
        return [], "parser canary: the sitemap lists no pages"
    return [path_of(url) for url in sitemap.urls], None


def _child_sitemap(path: str) -> PlannedPage:
    return PlannedPage(f"{SITEMAP_SOURCE}:{path}", "sitemap", None, path)


def _linked_from_deprecated_page(settings: Settings, fetched: list[_Fetched]) -> list[PlannedPage]:
    """Reference pages the Deprecated page links to, even when the sitemap misses them."""
    page = next((f for f in fetched if f.page.source == DEPRECATED_SOURCE), None)
    if page is None or page.body is None:
        return []
    try:
        urls = parse_deprecated_page(page.body, settings.resolve(page.page.path))
    except ExtractionError:
        return []  # judged as a canary with the other pages
    anywhere = settings.docs.model_copy(update={"reference_prefixes": ["/"]})
    return reference_pages(settings.model_copy(update={"docs": anywhere}), map(path_of, urls))


def _anything_changed(
    settings: Settings, fetched: list[_Fetched], cache: dict[str, CachedPage]
) -> bool:
    """A 200 whose body equals the cached one (a server without validators) is no change."""
    for item in fetched:
        result = item.result
        if result is None or result.status is not FetchStatus.OK:
            continue
        cached = cache.get(settings.resolve(item.page.path))
        if cached is None or cached.body is None:
            return True
        if hashlib.sha256(cached.body).hexdigest() != result.content_hash:
            return True
    return False


def _count(summary: ScrapeSummary, result: FetchResult | None) -> None:
    if result is None:
        return
    summary.requests += result.attempts
    summary.bytes_received += result.bytes_received
    if result.status is FetchStatus.OK:
        summary.pages_fetched += 1
    elif result.status is FetchStatus.NOT_MODIFIED:
        summary.pages_not_modified += 1
    else:
        summary.pages_failed += 1


def _check_selection(settings: Settings, only: Sequence[str]) -> None:
    valid = source_names(settings)
    unknown = [name for name in only if name not in valid]
    if unknown:
        raise UsageError(f"unknown source {', '.join(unknown)}; choose from: {', '.join(valid)}")
