"""Deprecation rows: idempotent upsert by natural key, change history, and disappearance.

A record that is no longer on the docs is marked ``disappeared`` (with an event), never
deleted: it may mean the item was removed, which is news for code that still uses it.
Only records whose page was read successfully this run can disappear, so a failed fetch
or a parser canary never looks like a removal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.domain import AnnouncedOnSource, DeprecationRecord, DeprecationStatus, Origin
from monitor.store.models import ChangelogEntryRow, Deprecation, DeprecationEvent

_TRACKED = (
    "kind",
    "action",
    "title",
    "announced_on",
    "announced_on_source",
    "effective_on",
    "window_closes_on",
    "replacement",
    "source_url",
    "needs_review",
    "review_reason",
    "shared_with_live",
)


@dataclass
class DeprecationSync:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    disappeared: int = 0
    reappeared: int = 0


def scope_of(origin: str, source_url: str, deprecated_page_path: str) -> str:
    """The page whose successful parse vouches for a record's presence or absence."""
    if origin == Origin.DEPRECATED_PAGE.value:
        return deprecated_page_path
    return urlsplit(source_url).path


def sync_deprecations(
    session: Session,
    records: Iterable[DeprecationRecord],
    covered: Callable[[str], bool],
    deprecated_page_path: str,
    entry_rows: Mapping[str, ChangelogEntryRow],
    now: datetime,
) -> DeprecationSync:
    result = DeprecationSync()
    existing = {
        row.natural_key: row
        for row in session.scalars(
            select(Deprecation).where(Deprecation.origin != Origin.CATALOG.value)
        )
    }
    seen: set[str] = set()
    for record in records:
        key = record.natural_key
        if key in seen:
            continue
        seen.add(key)
        entry = entry_rows.get(record.entry_key) if record.entry_key else None
        row = existing.get(key)
        if row is None:
            session.add(_new_row(record, key, entry, now))
            result.new += 1
            continue
        changes = _apply(row, record, entry, now.date())
        row.last_seen_at = now
        if row.status == DeprecationStatus.DISAPPEARED.value:
            row.status = DeprecationStatus.ACTIVE.value
            row.disappeared_at = None
            _event(session, row, "reappeared", changes, now)
            result.reappeared += 1
        elif changes:
            row.updated_at = now
            _event(session, row, "changed", changes, now)
            result.updated += 1
        else:
            result.unchanged += 1
    for key, row in existing.items():
        if key in seen or row.status == DeprecationStatus.DISAPPEARED.value:
            continue
        if not covered(scope_of(row.origin, row.source_url, deprecated_page_path)):
            continue  # its page was not read this time: absence proves nothing
        row.status = DeprecationStatus.DISAPPEARED.value
        row.disappeared_at = now
        _event(session, row, "disappeared", {}, now)
        result.disappeared += 1
    return result


def _values(record: DeprecationRecord, first_seen: date) -> dict[str, Any]:
    announced = record.announced_on
    source = record.announced_on_source
    if announced is None:
        announced, source = first_seen, AnnouncedOnSource.FIRST_SEEN
    return {
        "kind": record.kind.value,
        "action": record.action.value,
        "title": record.title,
        "announced_on": announced,
        "announced_on_source": source.value,
        "effective_on": record.effective_on,
        "window_closes_on": record.closes_on(first_seen),
        "replacement": record.replacement,
        "source_url": record.source_url,
        "needs_review": record.needs_review,
        "review_reason": record.review_reason,
        "shared_with_live": record.shared_with_live,
    }


def _new_row(
    record: DeprecationRecord, key: str, entry: ChangelogEntryRow | None, now: datetime
) -> Deprecation:
    row = Deprecation(
        natural_key=key,
        surface=record.surface,
        items=list(record.items),
        origin=record.origin.value,
        status=DeprecationStatus.ACTIVE.value,
        entry_id=entry.id if entry else None,
        first_seen_at=now,
        last_seen_at=now,
        **_values(record, now.date()),
    )
    row.events.append(DeprecationEvent(event="created", details={}, at=now))
    return row


def _apply(
    row: Deprecation, record: DeprecationRecord, entry: ChangelogEntryRow | None, today: date
) -> dict[str, Any]:
    """Copy changed fields onto the row; return {field: [old, new]} for the history."""
    # A first-seen date stays the day we first saw it, not the day of this scrape.
    first_seen = row.first_seen_at.date() if row.first_seen_at else today
    changes: dict[str, Any] = {}
    for name, value in _values(record, first_seen).items():
        if name == "source_url" and _without_host(value) == _without_host(row.source_url):
            row.source_url = value  # only the host moved (a mirror): not news
            continue
        old = getattr(row, name)
        if old != value:
            changes[name] = [_plain(old), _plain(value)]
            setattr(row, name, value)
    if entry is not None and row.entry_id != entry.id:
        row.entry_id = entry.id
    return changes


def _without_host(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path, parts.fragment


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _event(
    session: Session, row: Deprecation, event: str, details: dict[str, Any], now: datetime
) -> None:
    session.add(DeprecationEvent(deprecation=row, event=event, details=details, at=now))


def list_deprecations(
    session: Session, status: str | None = None, surface: str | None = None
) -> list[Deprecation]:
    query = select(Deprecation).order_by(Deprecation.window_closes_on, Deprecation.id)
    if status:
        query = query.where(Deprecation.status == status)
    if surface:
        query = query.where(Deprecation.surface == surface)
    return list(session.scalars(query))


def as_listing(row: Deprecation, today: date) -> dict[str, Any]:
    """The public shape of a deprecation (`deprecations --format json`)."""
    return {
        "id": row.id,
        "kind": row.kind,
        "action": row.action,
        "surface": row.surface,
        "items": list(row.items),
        "title": row.title,
        "announced_on": row.announced_on,
        "announced_on_source": row.announced_on_source,
        "effective_on": row.effective_on,
        "window_closes_on": row.window_closes_on,
        "days_left": (row.window_closes_on - today).days,
        "replacement": row.replacement,
        "source_url": row.source_url,
        "origin": row.origin,
        "status": row.status,
        "needs_review": row.needs_review,
        "review_reason": row.review_reason,
        "shared_with_live": row.shared_with_live,
        "first_seen_at": row.first_seen_at,
        "last_seen_at": row.last_seen_at,
    }


def has_scraped(session: Session) -> bool:
    """Whether any scrape stored a deprecation (until then the bundled catalog stands in)."""
    query = select(Deprecation.id).where(Deprecation.origin != Origin.CATALOG.value).limit(1)
    return session.scalar(query) is not None


def catalog_listing(
    records: Iterable[tuple[str, DeprecationRecord]], today: date
) -> list[dict[str, Any]]:
    """Catalog records in the same shape as stored ones, marked ``origin: catalog``.

    Each becomes an unsaved row, so the listing is ``as_listing``'s and a new column
    needs adding in one place only.
    """
    rows = []
    for record_id, record in records:
        row = Deprecation(
            surface=record.surface,
            items=list(record.items),
            origin=Origin.CATALOG.value,
            status=DeprecationStatus.ACTIVE.value,
            **_values(record, today),
        )
        rows.append(as_listing(row, today) | {"id": record_id})
    return sorted(rows, key=lambda r: (r["window_closes_on"], r["id"]))
