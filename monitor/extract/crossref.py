"""Join changelog records, reference pages and the Deprecated page into one record set.

Ownership (so one deprecation is not alerted three times):
- the changelog owns announcements: its records are kept as they are, enriched
  with the reference page's replacement and URL when the same item appears there;
- the Deprecated page owns one endpoint record per listed operation, dated by a
  changelog record that names the same endpoint or links the same page
  (else ``first_seen``); its ``extra["announcement"]`` points at that entry;
- a reference page owns only what neither of those covers (a field marked
  deprecated in a table but never announced, an operation deprecated on its page
  yet missing from the Deprecated page); the same field on several pages is one
  record listing the other pages in ``extra["also_on"]``.
An endpoint whose method and path are also served by a live operation is marked
``shared_with_live`` so code scanners do not flag calls to the live one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from monitor.domain import Action, AnnouncedOnSource, DeprecationRecord, Kind, Origin
from monitor.extract.reference import ReferencePage, reference_records
from monitor.extract.text import page_key

_PARAM_RE = re.compile(r"\{[^}]*\}")


def endpoint_shape(item: str) -> str:
    """``POST /a/{user_id}/b`` -> ``POST /a/{}/b``: parameter names differ between pages."""
    return _PARAM_RE.sub("{}", item)


def _last_segment(item: str) -> str:
    return re.split(r"[.\]]", item)[-1]


def _same_field(changelog: DeprecationRecord, reference: DeprecationRecord) -> bool:
    for ours in changelog.items:
        for theirs in reference.items:
            if ours == theirs:
                return True
            bare = "." not in ours or "." not in theirs
            same_surface = changelog.surface == reference.surface
            if bare and same_surface and _last_segment(ours) == _last_segment(theirs):
                return True
    return False


class _Announcements:
    """Changelog endpoint records indexed by endpoint shape and by linked page."""

    def __init__(self, records: Sequence[DeprecationRecord]) -> None:
        self.by_item: dict[str, list[DeprecationRecord]] = {}
        self.by_page: dict[str, list[DeprecationRecord]] = {}
        for record in records:
            if record.kind is not Kind.ENDPOINT or record.action is Action.BREAKING:
                continue
            for item in record.items:
                self.by_item.setdefault(endpoint_shape(item), []).append(record)
            for url in record.extra.get("linked_pages", "").split():
                self.by_page.setdefault(page_key(url), []).append(record)

    def earliest(self, item: str | None, key: str) -> DeprecationRecord | None:
        found = list(self.by_page.get(key, []))
        if item:
            found += self.by_item.get(endpoint_shape(item), [])
        dated = [r for r in found if r.announced_on is not None]
        return min(dated, key=lambda r: r.announced_on or date.max) if dated else None


def _deprecated_page_record(
    key: str,
    page: ReferencePage | None,
    announcements: _Announcements,
    live: set[str],
    first_seen: date,
) -> DeprecationRecord:
    if page is None:
        slug = key.rstrip("/").rsplit("/", 1)[-1].replace("_", " ")
        return DeprecationRecord(
            kind=Kind.ENDPOINT,
            action=Action.DEPRECATED,
            surface="",
            items=(),
            title=slug.capitalize(),
            origin=Origin.DEPRECATED_PAGE,
            source_url=key,
            announced_on=None,
            announced_on_source=AnnouncedOnSource.FIRST_SEEN,
            needs_review=True,
            review_reason="listed on the Deprecated page but its reference page was not parsed",
            extra={"first_seen": first_seen.isoformat()},
        )
    item = page.endpoint
    announced = announcements.earliest(item, key)
    extra = {"first_seen": first_seen.isoformat()}
    if announced is not None and announced.entry_key:
        extra["announcement"] = announced.entry_key
    return DeprecationRecord(
        kind=Kind.ENDPOINT,
        action=Action.DEPRECATED,
        surface=page.surface,
        items=(item,) if item else (),
        title=page.title or key,
        origin=Origin.DEPRECATED_PAGE,
        source_url=page.url,
        announced_on=announced.announced_on if announced else None,
        announced_on_source=(
            AnnouncedOnSource.CHANGELOG if announced else AnnouncedOnSource.FIRST_SEEN
        ),
        effective_on=announced.effective_on if announced else None,
        replacement=page.replacement or (announced.replacement if announced else None),
        needs_review=item is None,
        review_reason=None if item else "no method and path found on the reference page",
        shared_with_live=bool(item) and endpoint_shape(item or "") in live,
        extra=extra,
    )


def cross_reference(
    changelog_records: Sequence[DeprecationRecord],
    reference_pages: Iterable[ReferencePage],
    deprecated_page_urls: Iterable[str],
    first_seen: date,
) -> list[DeprecationRecord]:
    """The full record set: changelog, then Deprecated-page, then reference-only records."""
    pages = {page_key(p.url): p for p in reference_pages}
    listed = list(dict.fromkeys(page_key(u) for u in deprecated_page_urls))
    listed_set = set(listed)
    live = {
        endpoint_shape(p.endpoint)
        for key, p in pages.items()
        if p.endpoint and not p.deprecated and key not in listed_set
    }
    announcements = _Announcements(changelog_records)
    changelog = [
        replace(r, shared_with_live=True)
        if r.kind is Kind.ENDPOINT and any(endpoint_shape(i) in live for i in r.items)
        else r
        for r in changelog_records
    ]
    listed_records = [
        _deprecated_page_record(key, pages.get(key), announcements, live, first_seen)
        for key in listed
    ]
    own: dict[tuple[str, Kind, tuple[str, ...]], DeprecationRecord] = {}
    for key, page in pages.items():
        for found in reference_records(page, first_seen):
            record = found
            if record.kind is Kind.ENDPOINT:
                if key in listed_set or announcements.earliest(page.endpoint, key):
                    continue
                record = replace(
                    record,
                    shared_with_live=any(endpoint_shape(i) in live for i in record.items),
                )
            else:
                index = _matching_changelog(changelog, record)
                if index is not None:
                    changelog[index] = _enrich(changelog[index], record)
                    continue
            slot = (record.surface, record.kind, record.items)
            if slot in own and record.items:
                earlier = own[slot]
                also = " ".join(filter(None, (earlier.extra.get("also_on"), record.source_url)))
                own[slot] = replace(earlier, extra={**earlier.extra, "also_on": also})
            else:
                own[slot if record.items else (record.source_url, record.kind, ())] = record
    return changelog + listed_records + list(own.values())


def _matching_changelog(
    changelog: list[DeprecationRecord], record: DeprecationRecord
) -> int | None:
    for index, candidate in enumerate(changelog):
        announced = candidate.kind is record.kind and candidate.action is not Action.BREAKING
        if announced and _same_field(candidate, record):
            return index
    return None


def _enrich(record: DeprecationRecord, reference: DeprecationRecord) -> DeprecationRecord:
    """Link a changelog record to the reference page that also marks its item."""
    pages = " ".join(filter(None, (record.extra.get("reference_url"), reference.source_url)))
    return replace(
        record,
        replacement=record.replacement or reference.replacement,
        extra={**record.extra, "reference_url": pages},
    )
