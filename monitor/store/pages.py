"""Fetched pages: conditional-request state, the cached body and fetch history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from monitor.fetch.result import FetchResult, FetchStatus
from monitor.store.models import PageSnapshot, Source


@dataclass(frozen=True, slots=True)
class CachedPage:
    url: str
    etag: str | None
    last_modified: str | None
    body: bytes | None


def cached_pages(session: Session) -> dict[str, CachedPage]:
    """The newest successful snapshot of every URL that still has its body."""
    rows = session.execute(
        select(PageSnapshot.url, PageSnapshot.etag, PageSnapshot.last_modified, PageSnapshot.body)
        .where(PageSnapshot.body.is_not(None))
        .order_by(PageSnapshot.id)
    )
    return {url: CachedPage(url, etag, modified, body) for url, etag, modified, body in rows}


def record_fetch(
    session: Session,
    source: Source | None,
    result: FetchResult,
    now: datetime,
    keep_body: bool = True,
) -> None:
    snapshot = PageSnapshot(
        source_id=source.id if source else None,
        url=result.url,
        status_code=result.http_status,
        etag=result.etag,
        last_modified=result.last_modified,
        content_hash=result.content_hash,
        byte_count=result.bytes_received,
        error=result.error,
        fetched_at=now,
    )
    if result.status is FetchStatus.OK and keep_body:
        session.execute(
            update(PageSnapshot)
            .where(PageSnapshot.url == result.url, PageSnapshot.body.is_not(None))
            .values(body=None)
        )
        snapshot.body = result.body
    session.add(snapshot)


def ensure_source(session: Session, name: str, kind: str, path: str, surface: str | None) -> Source:
    source = session.scalars(select(Source).where(Source.name == name)).one_or_none()
    if source is None:
        source = Source(name=name, kind=kind, path=path, surface=surface)
        session.add(source)
        session.flush()
    else:
        source.kind, source.path, source.surface = kind, path, surface
    return source


def mark_source(
    session: Session,
    source: Source,
    status: str,
    now: datetime,
    error: str | None = None,
    entry_count: int | None = None,
) -> None:
    """Health bookkeeping: ``failed`` and ``canary`` count as consecutive failures."""
    source.last_attempt_at = now
    source.last_status = status
    source.last_error = error
    if status in ("failed", "canary"):
        source.consecutive_failures += 1
    else:
        source.consecutive_failures = 0
        source.last_success_at = now
        if entry_count is not None:
            source.last_entry_count = entry_count
