"""Changelog entries: stored once, updated in place when edited, history kept.

Entries have no id of their own on the page, so an entry is matched to its stored row
within the same (surface, date) group: identical text first, then the remaining ones in
page order. An entry added above another on the same date therefore does not make every
entry below it look edited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.domain import ChangelogEntry
from monitor.store.models import ChangelogEntryRow, EntryRevision


@dataclass
class EntrySync:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    disappeared: int = 0
    # extraction key (ChangelogEntry.stable_key) -> stored row, to link deprecations
    rows: dict[str, ChangelogEntryRow] = field(default_factory=dict)


def sync_entries(
    session: Session,
    surface: str,
    entries: Sequence[ChangelogEntry],
    source_id: int | None,
    now: datetime,
) -> EntrySync:
    """Bring the stored entries of one changelog page in line with a fresh parse."""
    result = EntrySync()
    stored = session.scalars(
        select(ChangelogEntryRow).where(ChangelogEntryRow.surface == surface)
    ).all()
    stored_groups: dict[date, list[ChangelogEntryRow]] = defaultdict(list)
    for row in sorted(stored, key=lambda r: r.position):
        stored_groups[row.entry_date].append(row)
    fresh_groups: dict[date, list[ChangelogEntry]] = defaultdict(list)
    for entry in entries:
        fresh_groups[entry.entry_date].append(entry)

    for day in sorted(set(stored_groups) | set(fresh_groups)):
        old_rows = [r for r in stored_groups.get(day, []) if r.disappeared_at is None]
        gone_rows = [r for r in stored_groups.get(day, []) if r.disappeared_at is not None]
        pairs, added, removed = _match(old_rows + gone_rows, fresh_groups.get(day, []))
        for row, entry in pairs:
            _update(session, row, entry, source_id, now, result)
            result.rows[entry.stable_key] = row
        next_position = max((r.position for r in stored_groups.get(day, [])), default=-1) + 1
        for entry in added:
            row = _insert(session, entry, source_id, next_position, now)
            next_position += 1
            result.new += 1
            result.rows[entry.stable_key] = row
        for row in removed:
            if row.disappeared_at is None:
                row.disappeared_at = now
                result.disappeared += 1
    return result


def _match(
    rows: list[ChangelogEntryRow], entries: list[ChangelogEntry]
) -> tuple[
    list[tuple[ChangelogEntryRow, ChangelogEntry]], list[ChangelogEntry], list[ChangelogEntryRow]
]:
    pairs: list[tuple[ChangelogEntryRow, ChangelogEntry]] = []
    free_rows = list(rows)
    leftover: list[ChangelogEntry] = []
    for entry in entries:
        same = next((r for r in free_rows if r.content_hash == entry.content_hash), None)
        if same is None:
            leftover.append(entry)
        else:
            free_rows.remove(same)
            pairs.append((same, entry))
    # Edited entries: pair what is left in page order, live rows before vanished ones.
    free_rows.sort(key=lambda r: (r.disappeared_at is not None, r.position))
    while leftover and free_rows:
        pairs.append((free_rows.pop(0), leftover.pop(0)))
    return pairs, leftover, free_rows


def _update(
    session: Session,
    row: ChangelogEntryRow,
    entry: ChangelogEntry,
    source_id: int | None,
    now: datetime,
    result: EntrySync,
) -> None:
    row.last_seen_at = now
    row.source_url = entry.source_url
    row.source_id = source_id
    if row.disappeared_at is not None:
        row.disappeared_at = None
    if row.content_hash == entry.content_hash:
        result.unchanged += 1
        return
    session.add(
        EntryRevision(
            entry=row, text=row.text, html=row.html, content_hash=row.content_hash, replaced_at=now
        )
    )
    row.text, row.html, row.content_hash = entry.text, entry.html, entry.content_hash
    row.breaking = entry.breaking
    row.changed_at = now
    result.changed += 1


def _insert(
    session: Session, entry: ChangelogEntry, source_id: int | None, position: int, now: datetime
) -> ChangelogEntryRow:
    row = ChangelogEntryRow(
        stable_key=f"{entry.surface}|{entry.entry_date.isoformat()}|{position}",
        source_id=source_id,
        surface=entry.surface,
        entry_date=entry.entry_date,
        position=position,
        text=entry.text,
        html=entry.html,
        content_hash=entry.content_hash,
        source_url=entry.source_url,
        breaking=entry.breaking,
        first_seen_at=now,
        last_seen_at=now,
    )
    session.add(row)
    session.flush()
    return row
