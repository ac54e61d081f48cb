"""Schedule expressions: a 5-field crontab line or an interval like ``every 6h``.

Parsed here (pure) so a bad schedule is rejected when the config loads, not when the
daemon first tries to use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_INTERVAL = re.compile(r"^every\s+(\d+)\s*(s|sec|m|min|h|hour|hours|d|day|days)$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "hours": 3600}
_UNIT_SECONDS |= {"d": 86400, "day": 86400, "days": 86400}
_CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_CRON_NAMES = ("minute", "hour", "day of month", "month", "day of week")
# Standard crontab counts weekdays from Sunday=0; APScheduler 3 counts from Monday=0.
_WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CRON_TOKEN = re.compile(r"^(\*|[a-z0-9]+(-[a-z0-9]+)?)(/\d+)?$", re.IGNORECASE)
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True, slots=True)
class Schedule:
    expression: str
    interval: timedelta | None = None
    cron_fields: tuple[str, str, str, str, str] | None = None

    def describe(self) -> str:
        return self.expression


def parse_schedule(expression: str) -> Schedule:
    """Parse and validate; raises ValueError with a message fit for a config error."""
    text = " ".join(expression.split())
    match = _INTERVAL.match(text)
    if match:
        amount = int(match.group(1))
        if amount <= 0:
            raise ValueError("an interval must be at least 1")
        seconds = amount * _UNIT_SECONDS[match.group(2).lower()]
        return Schedule(expression=text, interval=timedelta(seconds=seconds))
    fields = text.split(" ")
    if len(fields) != 5:
        raise ValueError(
            f"expected a crontab line with 5 fields (minute hour day month weekday) "
            f"or an interval like 'every 6h', got {expression!r}"
        )
    for value, name, bounds in zip(fields, _CRON_NAMES, _CRON_RANGES, strict=True):
        _check_cron_field(value, name, bounds)
    fields[4] = _weekday_names(fields[4])
    return Schedule(expression=text, cron_fields=tuple(fields))  # type: ignore[arg-type]


def _check_cron_field(value: str, name: str, bounds: tuple[int, int]) -> None:
    for token in value.split(","):
        if not _CRON_TOKEN.match(token):
            raise ValueError(f"invalid {name} field {value!r} in crontab expression")
        base = token.split("/")[0]
        if base == "*":
            continue
        for part in base.split("-"):
            if part.isdigit():
                if not bounds[0] <= int(part) <= bounds[1]:
                    raise ValueError(f"{name} value {part} is out of range {bounds[0]}-{bounds[1]}")
            elif not _is_name(part.lower(), name):
                raise ValueError(f"invalid {name} value {part!r} in crontab expression")


def _is_name(part: str, field_name: str) -> bool:
    if field_name == "day of week":
        return part in _WEEKDAY_NAMES
    if field_name == "month":
        return part in _MONTH_NAMES
    return False


def _weekday_names(value: str) -> str:
    """Rewrite numeric weekdays to names so crontab's Sunday=0 means Sunday."""

    def convert(token: str) -> str:
        base, _, step = token.partition("/")
        parts = [_WEEKDAY_NAMES[int(p)] if p.isdigit() else p for p in base.split("-")]
        return "-".join(parts) + (f"/{step}" if step else "")

    return ",".join(convert(token) for token in value.split(","))
