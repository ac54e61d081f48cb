"""ISO weeks: the unit a weekly report is keyed, stored and posted by.

All boundaries are UTC midnights, so a report means the same seven days wherever the
daemon runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from monitor.errors import UsageError

_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self) -> None:
        # date.fromisocalendar rejects week 53 in 52-week years and anything out of range.
        date.fromisocalendar(self.year, self.week, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.monday, time.min, tzinfo=UTC)

    @property
    def ends_at(self) -> datetime:
        """Exclusive end: the next Monday at midnight UTC."""
        return self.starts_at + timedelta(days=7)

    def shifted(self, weeks: int) -> IsoWeek:
        return week_of(self.monday + timedelta(weeks=weeks))


def week_of(day: date) -> IsoWeek:
    year, week, _ = day.isocalendar()
    return IsoWeek(year, week)


def parse_week(text: str) -> IsoWeek:
    """``2026-W20`` (or ``2026W20``); a clear usage error otherwise."""
    match = _WEEK.match(text.strip())
    if not match:
        raise UsageError(f"not an ISO week: {text!r} (expected YYYY-Www, e.g. 2026-W20)")
    try:
        return IsoWeek(int(match.group(1)), int(match.group(2)))
    except ValueError:
        raise UsageError(f"{text!r} is not a week of {match.group(1)}") from None


def last_weeks(end: IsoWeek, count: int) -> list[IsoWeek]:
    """``count`` consecutive weeks ending with ``end``, oldest first."""
    return [end.shifted(-offset) for offset in range(count - 1, -1, -1)]
