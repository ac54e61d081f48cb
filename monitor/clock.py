"""The one place that reads the wall clock; everything else takes `today`/`now` as input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time


def utc_now() -> datetime:
    return datetime.now(UTC)


def resolve_now(today: date | None = None) -> datetime:
    """``--today`` pins the clock (tests, backfills): noon UTC of that day."""
    if today is None:
        return utc_now()
    return datetime.combine(today, time(12, 0), tzinfo=UTC)


def command_clock(today: date | None = None) -> tuple[datetime, Callable[[], datetime]]:
    """A command's ``now`` and the clock its later steps read (delivery times, run ends).

    A pinned ``--today`` freezes both (tests and backfills record one repeatable instant);
    otherwise the clock keeps running.
    """
    now = resolve_now(today)
    return now, (lambda: now) if today is not None else utc_now
