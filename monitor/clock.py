"""The one place that reads the wall clock; everything else takes `today`/`now` as input."""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def utc_now() -> datetime:
    return datetime.now(UTC)


def resolve_now(today: date | None = None) -> datetime:
    """``--today`` pins the clock (tests, backfills): noon UTC of that day."""
    if today is None:
        return utc_now()
    return datetime.combine(today, time(12, 0), tzinfo=UTC)
