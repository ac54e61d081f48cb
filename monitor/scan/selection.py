"""Which stored deprecations the scanner looks for, one owner per item (pure).

The docs often describe one item in several places (a changelog announcement and the
Deprecated page's entry for the same endpoint). A use must be reported once, against
the record that says most about it, so each item is kept only on its preferred record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from monitor.domain import DeprecationRecord, Origin

# Most specific first: a Deprecated-page entry names the operation and its replacement.
_ORIGIN_RANK = {
    Origin.DEPRECATED_PAGE: 0,
    Origin.REFERENCE_PAGE: 1,
    Origin.CHANGELOG: 2,
    Origin.CATALOG: 3,
}


def one_owner_per_item(
    records: Sequence[tuple[str, DeprecationRecord, date]],
) -> list[tuple[str, DeprecationRecord]]:
    """``records`` are (id, record, window_closes_on); items shared by several records
    stay with the most urgent, then most specific, then oldest one."""

    def rank(entry: tuple[str, DeprecationRecord, date]) -> tuple[object, ...]:
        record_id, record, closes = entry
        return (closes, _ORIGIN_RANK[record.origin], record.replacement is None, _num(record_id))

    owner: dict[tuple[str, str], str] = {}
    for record_id, record, _ in sorted(records, key=rank):
        for item in record.items:
            owner.setdefault((record.kind.value, item), record_id)
    selected = []
    for record_id, record, _ in records:
        kept = tuple(i for i in record.items if owner[(record.kind.value, i)] == record_id)
        if kept:
            selected.append((record_id, replace(record, items=kept)))
    return selected


def deprecation_set_hash(records: Iterable[tuple[str, DeprecationRecord]]) -> str:
    """Changes whenever anything the scanner matches on changes (cache invalidation)."""
    digest = hashlib.sha256()
    for record_id, record in sorted(records, key=lambda r: r[0]):
        digest.update(
            "|".join(
                (
                    record_id,
                    record.kind.value,
                    record.action.value,
                    ",".join(record.items),
                    record.replacement or "",
                    str(record.shared_with_live),
                )
            ).encode()
        )
    return digest.hexdigest()[:32]


def _num(record_id: str) -> tuple[int, str]:
    return (int(record_id), "") if record_id.isdigit() else (1 << 62, record_id)
