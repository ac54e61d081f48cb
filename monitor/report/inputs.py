"""What the query layer reads for one week: plain values, no ORM objects.

The builder turns these into a :class:`~monitor.report.model.WeeklyReport` without any
I/O, so every number in a report can be tested from hand-made inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class DeprecationInput:
    id: int
    items: tuple[str, ...]
    title: str
    surface: str
    kind: str
    action: str
    announced_on: date
    announced_on_source: str
    window_closes_on: date
    replacement: str | None
    source_url: str


@dataclass(frozen=True, slots=True)
class CodebaseInput:
    id: int
    name: str
    owner: str | None
    channel: str | None
    last_scan_at: datetime | None = None
    last_scan_status: str | None = None


@dataclass(frozen=True, slots=True)
class OpenUseCount:
    """Open uses of one deprecation (or one unlinked item) in one codebase."""

    codebase_id: int
    deprecation_id: int | None
    item: str  # the finding's item; names unlinked findings
    count: int


@dataclass(frozen=True, slots=True)
class WeekCounts:
    """Uses first seen and fixed inside the week, for one codebase."""

    codebase_id: int
    new: int
    fixed: int


@dataclass(frozen=True, slots=True)
class OldestUse:
    codebase_id: int
    path: str
    line: int
    item: str
    first_seen_at: datetime


@dataclass(frozen=True, slots=True)
class EntryInput:
    surface: str
    entry_date: date
    text: str
    source_url: str
    breaking: bool
    at: datetime  # first seen, changed or disappeared, depending on the list it is in


@dataclass(frozen=True, slots=True)
class EventInput:
    deprecation_id: int
    event: str  # created | changed | disappeared | reappeared
    at: datetime
    items: tuple[str, ...]
    surface: str
    title: str
    source_url: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SourceInput:
    name: str
    kind: str
    status: str
    error: str | None
    consecutive_failures: int
    last_success_at: datetime | None


@dataclass(frozen=True, slots=True)
class AlertInput:
    key: str
    kind: str
    target: str
    attempts: int
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class JobInput:
    """One failed run of a daemon or CLI job (a ``job_runs`` row)."""

    job: str
    started_at: datetime
    error: str | None


@dataclass(frozen=True, slots=True)
class ScanPoint:
    """One finished scan run, enough to draw the open-uses trend."""

    codebase_id: int
    started_at: datetime
    open_uses: int


@dataclass(frozen=True, slots=True)
class ReportInputs:
    """Everything one week's report is built from; empty lists by default, for tests."""

    deprecations: list[DeprecationInput] = field(default_factory=list)
    codebases: list[CodebaseInput] = field(default_factory=list)
    open_uses: list[OpenUseCount] = field(default_factory=list)
    week_counts: list[WeekCounts] = field(default_factory=list)
    oldest_uses: list[OldestUse] = field(default_factory=list)
    new_entries: list[EntryInput] = field(default_factory=list)
    changed_entries: list[EntryInput] = field(default_factory=list)
    disappeared_entries: list[EntryInput] = field(default_factory=list)
    events: list[EventInput] = field(default_factory=list)
    source_problems: list[SourceInput] = field(default_factory=list)
    failed_alerts: list[AlertInput] = field(default_factory=list)
    failed_jobs: list[JobInput] = field(default_factory=list)
    scan_points: list[ScanPoint] = field(default_factory=list)
