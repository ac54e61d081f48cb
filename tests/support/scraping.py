"""Running a scrape in-process against the fixture server, with a real SQLite file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from monitor.clock import resolve_now
from monitor.config import Settings, load_settings
from monitor.scrape.pipeline import run_scrape
from monitor.scrape.summary import ScrapeSummary
from monitor.store.database import Database, open_database
from monitor.store.models import ChangelogEntryRow, Deprecation, DeprecationEvent, EntryRevision

FAST_HTTP = {
    "CONNECT_MONITOR_HTTP__TIMEOUT_SECONDS": "1",
    "CONNECT_MONITOR_HTTP__MAX_RETRIES": "2",
    "CONNECT_MONITOR_HTTP__BACKOFF_BASE_SECONDS": "0.05",
    "CONNECT_MONITOR_HTTP__BACKOFF_MAX_SECONDS": "2",
}


@dataclass
class Scraper:
    settings: Settings
    database: Database

    def __call__(self, today: date = date(2026, 11, 29), **kwargs: Any) -> ScrapeSummary:
        return run_scrape(self.settings, self.database, resolve_now(today), **kwargs)

    def snapshot(self) -> dict[str, Any]:
        """Everything a scrape may change, for before/after comparisons."""
        with self.database.sessions() as session:
            deprecations = {
                row.natural_key: {
                    c.key: getattr(row, c.key)
                    for c in Deprecation.__table__.columns
                    if c.key not in ("last_seen_at",)
                }
                for row in session.scalars(select(Deprecation))
            }
            entries = {
                row.stable_key: (row.text, row.content_hash, row.disappeared_at)
                for row in session.scalars(select(ChangelogEntryRow))
            }
            events = session.scalar(select(func.count()).select_from(DeprecationEvent))
            revisions = session.scalar(select(func.count()).select_from(EntryRevision))
        return {
            "deprecations": deprecations,
            "entries": entries,
            "events": events,
            "revisions": revisions,
        }


def make_scraper(base_url: str, data_dir: Path, **env: str) -> Scraper:
    environ = {"HOME": str(data_dir), "CONNECT_MONITOR_DOCS_BASE_URL": base_url, **FAST_HTTP}
    environ["CONNECT_MONITOR_DATA_DIR"] = str(data_dir)
    settings, _ = load_settings(environ={**environ, **env})
    assert settings.storage.database_url is not None
    return Scraper(settings, open_database(settings.storage.database_url))
