"""Plain data shared by every stage of the pipeline.

These types carry no I/O and no ORM state, so extraction, scanning, alert
policy and report building can be tested with nothing but values.
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from urllib.parse import urlsplit

SUPPORT_WINDOW_MONTHS = 6
"""Instacart keeps deprecated items working for at least this many months."""


class Kind(StrEnum):
    FIELD = "field"
    ENDPOINT = "endpoint"
    ENUM_VALUE = "enum_value"
    REMOVED_VALUE = "removed_value"
    BREAKING_CHANGE = "breaking_change"


class Action(StrEnum):
    DEPRECATED = "deprecated"
    REMOVED = "removed"
    BREAKING = "breaking"


class Origin(StrEnum):
    CHANGELOG = "changelog"
    DEPRECATED_PAGE = "deprecated_page"
    REFERENCE_PAGE = "reference_page"
    CATALOG = "catalog"


class AnnouncedOnSource(StrEnum):
    CHANGELOG = "changelog"  # the date heading of a changelog entry
    FIRST_SEEN = "first_seen"  # no announcement found: the day we first saw it
    CATALOG = "catalog"  # the bundled catalog's own date


class DeprecationStatus(StrEnum):
    ACTIVE = "active"
    DISAPPEARED = "disappeared"  # no longer on the docs: possibly removed, which is news


def add_months(start: date, months: int) -> date:
    """Calendar-month arithmetic, clamped to the last day of the target month."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def window_closes_on(announced_on: date, effective_on: date | None = None) -> date:
    """The day support may end: an explicit date from the docs wins over the policy."""
    if effective_on is not None:
        return effective_on
    return add_months(announced_on, SUPPORT_WINDOW_MONTHS)


@dataclass(frozen=True, slots=True)
class ChangelogEntry:
    """One bulleted change under a dated heading of a changelog page."""

    surface: str
    entry_date: date
    text: str
    html: str
    source_url: str  # page URL with the date heading's anchor
    position: int  # 0-based order of the entry under its date heading
    links: tuple[str, ...] = ()  # absolute URLs of links inside the entry
    code_spans: tuple[str, ...] = ()
    breaking: bool = False

    @property
    def stable_key(self) -> str:
        """Identity that survives edits of the text (so edits update, not duplicate)."""
        return f"{self.surface}|{self.entry_date.isoformat()}|{self.position}"

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class DeprecationRecord:
    """A deprecated, removed or breaking item, as extracted from one place in the docs.

    ``items`` use one notation everywhere:
    - field: ``Owner.field`` when the owning object is known (``LineItem.quantity``),
      else the bare name (``user_phone``);
    - endpoint: ``METHOD /path/{param}`` (``GET /v2/fulfillment/users/{user_id}/orders``);
    - enum_value / removed_value: ``field.path=value`` (``service_options[].window.type=asap``).
    """

    kind: Kind
    action: Action
    surface: str
    items: tuple[str, ...]
    title: str
    origin: Origin
    source_url: str
    announced_on: date | None = None
    announced_on_source: AnnouncedOnSource = AnnouncedOnSource.CHANGELOG
    effective_on: date | None = None
    replacement: str | None = None
    needs_review: bool = False
    review_reason: str | None = None
    # The deprecated path is also served by a live (not deprecated) operation.
    shared_with_live: bool = False
    entry_key: str | None = None  # ChangelogEntry.stable_key when from a changelog
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def natural_key(self) -> str:
        """What makes two scrapes of the same deprecation the same row."""
        parts = [self.origin.value, self.surface, self.kind.value, ",".join(sorted(self.items))]
        if self.origin is Origin.CHANGELOG:
            # The date, not the entry's position: an entry added above must not re-key it.
            parts.append(self.announced_on.isoformat() if self.announced_on else "")
        else:
            # The path, not the URL: pointing docs.base_url at a mirror must not re-key rows.
            parts.append(urlsplit(self.source_url).path)
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]

    def closes_on(self, first_seen: date) -> date:
        announced = self.announced_on or first_seen
        return window_closes_on(announced, self.effective_on)
