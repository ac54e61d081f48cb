"""The weekly report as data: what every renderer and the JSON output share.

Plain dataclasses of JSON-friendly values (dates become ISO strings in
:func:`~monitor.report.codec.to_json_dict`). ``SCHEMA_VERSION`` changes whenever a field
is renamed or removed, so stored reports and consumers can tell shapes apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime

SCHEMA_VERSION = 1


def urgency(days_left: int) -> str:
    if days_left < 0:
        return "closed"
    if days_left < 30:
        return "under_30_days"
    if days_left < 90:
        return "under_90_days"
    return "later"


@dataclass(frozen=True, slots=True)
class Summary:
    active_deprecations: int
    closing_within_30_days: int  # 0 <= days left < 30
    closing_within_90_days: int  # 0 <= days left < 90 (includes the 30-day ones)
    already_closed: int  # days left < 0 and still listed on the docs
    codebases_affected: int
    open_uses: int
    new_uses_this_week: int
    uses_fixed_this_week: int


@dataclass(frozen=True, slots=True)
class DeprecationRow:
    id: int
    items: list[str]
    title: str
    surface: str
    kind: str
    action: str
    announced_on: date
    announced_on_source: str
    window_closes_on: date
    days_left: int
    urgency: str
    replacement: str | None
    source_url: str
    codebases: list[str]
    open_uses: int


@dataclass(frozen=True, slots=True)
class UseCount:
    deprecation_id: int | None
    label: str
    open_uses: int


@dataclass(frozen=True, slots=True)
class OldestOpenUse:
    path: str
    line: int
    item: str
    first_seen_at: datetime


@dataclass(frozen=True, slots=True)
class CodebaseSection:
    name: str
    owner: str | None
    channel: str | None
    open_uses: int
    new_this_week: int
    fixed_this_week: int
    by_deprecation: list[UseCount]
    oldest_open_use: OldestOpenUse | None
    last_scan_at: datetime | None
    last_scan_status: str | None


@dataclass(frozen=True, slots=True)
class EntryChange:
    surface: str
    entry_date: date
    text: str
    source_url: str
    breaking: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class DeprecationChange:
    deprecation_id: int
    items: list[str]
    surface: str
    title: str
    source_url: str
    at: datetime
    changed_fields: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SourceProblem:
    name: str
    kind: str
    status: str
    error: str | None
    consecutive_failures: int
    last_success_at: datetime | None


@dataclass(frozen=True, slots=True)
class FailedAlert:
    key: str
    kind: str
    target: str
    attempts: int
    last_error: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FailedJob:
    job: str
    started_at: datetime
    error: str | None  # first line only, shortened; the job_runs row keeps it all


@dataclass(frozen=True, slots=True)
class DocChanges:
    new_entries: list[EntryChange]
    changed_entries: list[EntryChange]
    disappeared_entries: list[EntryChange]
    new_deprecations: list[DeprecationChange]
    changed_deprecations: list[DeprecationChange]
    disappeared_deprecations: list[DeprecationChange]
    reappeared_deprecations: list[DeprecationChange]
    source_problems: list[SourceProblem]
    failed_alerts: list[FailedAlert]
    # Defaulted: reports stored before this field existed must still load.
    failed_jobs: list[FailedJob] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True, slots=True)
class TrendPoint:
    week: str
    week_start: date
    open_uses: int | None  # None: no codebase was scanned that week
    codebases_scanned: int


@dataclass(frozen=True, slots=True)
class WeeklyReport:
    schema_version: int
    week: str
    week_start: date
    week_end: date  # the Sunday, inclusive
    today: date
    generated_at: datetime
    summary: Summary
    deprecations: list[DeprecationRow]
    codebases: list[CodebaseSection]
    changes: DocChanges
    trend: list[TrendPoint]
    notes: list[str] = field(default_factory=list)
