"""Writing one scrape's outcome in a single transaction: all of it or none of it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from monitor.config.settings import Settings
from monitor.domain import ChangelogEntry
from monitor.extract.site import SiteExtraction
from monitor.fetch.result import FetchResult
from monitor.scrape.canary import PageVerdict
from monitor.scrape.plan import SITEMAP_SOURCE, PlannedPage
from monitor.scrape.summary import ScrapeSummary
from monitor.store.database import Database
from monitor.store.deprecations import sync_deprecations
from monitor.store.entries import sync_entries
from monitor.store.models import ChangelogEntryRow
from monitor.store.pages import ensure_source, mark_source, record_fetch

Pages = Sequence[tuple[PlannedPage, FetchResult | None, bool]]


def persist_scrape(
    settings: Settings,
    database: Database,
    now: datetime,
    pages: Pages,
    verdicts: Mapping[str, PageVerdict],
    extraction: SiteExtraction | None,
    summary: ScrapeSummary,
) -> None:
    with database.transaction() as session:
        for page, result, _ in pages:
            verdict = verdicts[page.source]
            source = ensure_source(session, page.source, page.kind, page.path, page.surface)
            if result is not None:
                # A page that tripped a canary must not replace the last good copy.
                record_fetch(session, source, result, now, keep_body=verdict.status != "canary")
            if verdict.status != "skipped":
                mark_source(
                    session, source, verdict.status, now, verdict.problem, verdict.entry_count
                )
        if extraction is not None:
            rows = _sync_changelogs(session, pages, verdicts, extraction.entries, now, summary)
            covered = _coverage(settings, pages, verdicts)
            synced = sync_deprecations(
                session, extraction.records, covered, settings.docs.deprecated_page, rows, now
            )
            summary.deprecations_new = synced.new
            summary.deprecations_updated = synced.updated
            summary.deprecations_disappeared = synced.disappeared
            summary.deprecations_reappeared = synced.reappeared


def _sync_changelogs(
    session: Session,
    pages: Pages,
    verdicts: Mapping[str, PageVerdict],
    entries: Sequence[ChangelogEntry],
    now: datetime,
    summary: ScrapeSummary,
) -> dict[str, ChangelogEntryRow]:
    by_path: dict[str, list[ChangelogEntry]] = defaultdict(list)
    for entry in entries:
        by_path[urlsplit(entry.source_url).path].append(entry)
    rows: dict[str, ChangelogEntryRow] = {}
    for page, _, _ in pages:
        verdict = verdicts[page.source]
        if page.kind != "changelog" or not verdict.covered or verdict.status == "canary":
            continue
        source = ensure_source(session, page.source, page.kind, page.path, page.surface)
        synced = sync_entries(session, page.surface or "", by_path[page.path], source.id, now)
        summary.entries_new += synced.new
        summary.entries_changed += synced.changed
        summary.entries_disappeared += synced.disappeared
        rows.update(synced.rows)
    return rows


def _coverage(
    settings: Settings, pages: Pages, verdicts: Mapping[str, PageVerdict]
) -> Callable[[str], bool]:
    covered = {page.path for page, _, _ in pages if verdicts[page.source].covered}
    planned = {page.path for page, _, _ in pages}
    sitemap = verdicts.get(SITEMAP_SOURCE)
    sitemap_ok = sitemap is not None and sitemap.status in ("ok", "not_modified", "skipped")
    fixed = {c.path for c in settings.docs.changelogs} | {settings.docs.deprecated_page}

    def is_covered(scope: str) -> bool:
        if scope in covered:
            return True
        # A reference page the sitemap no longer lists has gone from the site.
        return sitemap_ok and scope not in planned and scope not in fixed

    return is_covered
