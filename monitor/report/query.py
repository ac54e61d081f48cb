"""Reads what one week's report needs, as plain values (the report's only database reads).

Everything is "as of" ``cutoff`` (the end of the week, or now for the current week), so a
past week that was never stored can still be rebuilt sensibly: a use fixed after the week
still counts as open in it. Findings are counted with GROUP BY in the database, never
loaded one by one, so hundreds of thousands of them stay cheap.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from monitor.domain import DeprecationStatus
from monitor.report.inputs import (
    AlertInput,
    CodebaseInput,
    DeprecationInput,
    EntryInput,
    EventInput,
    JobInput,
    OldestUse,
    OpenUseCount,
    ReportInputs,
    ScanPoint,
    SourceInput,
    WeekCounts,
)
from monitor.report.weeks import IsoWeek
from monitor.store.models import (
    Alert,
    ChangelogEntryRow,
    Codebase,
    Deprecation,
    DeprecationEvent,
    Finding,
    JobRun,
    ScanRun,
    Source,
)

PROBLEM_STATUSES = ("failed", "canary")


def load_inputs(
    session: Session, week: IsoWeek, cutoff: datetime, trend_weeks: int
) -> ReportInputs:
    start = week.starts_at
    return ReportInputs(
        deprecations=deprecations(session, cutoff),
        codebases=codebases(session, cutoff),
        open_uses=open_uses(session, cutoff),
        week_counts=week_counts(session, start, cutoff),
        oldest_uses=oldest_uses(session, cutoff),
        new_entries=entries(session, ChangelogEntryRow.first_seen_at, start, cutoff),
        changed_entries=entries(session, ChangelogEntryRow.changed_at, start, cutoff),
        disappeared_entries=entries(session, ChangelogEntryRow.disappeared_at, start, cutoff),
        events=events(session, start, cutoff),
        source_problems=source_problems(session, cutoff),
        failed_alerts=failed_alerts(session, cutoff),
        failed_jobs=failed_jobs(session, start, cutoff),
        scan_points=scan_points(session, week.shifted(1 - trend_weeks).starts_at, cutoff),
    )


def deprecations(session: Session, cutoff: datetime) -> list[DeprecationInput]:
    """Deprecations listed on the docs at ``cutoff`` (a later disappearance is ignored)."""
    listed = or_(
        Deprecation.status == DeprecationStatus.ACTIVE.value,
        and_(
            Deprecation.status == DeprecationStatus.DISAPPEARED.value,
            Deprecation.disappeared_at >= cutoff,
        ),
    )
    rows = session.scalars(
        select(Deprecation).where(listed, Deprecation.first_seen_at < cutoff)
    ).all()
    return [
        DeprecationInput(
            id=row.id,
            items=tuple(str(item) for item in row.items),
            title=row.title,
            surface=row.surface,
            kind=row.kind,
            action=row.action,
            announced_on=row.announced_on or row.first_seen_at.date(),
            announced_on_source=row.announced_on_source,
            window_closes_on=row.window_closes_on,
            replacement=row.replacement,
            source_url=row.source_url,
        )
        for row in rows
    ]


def codebases(session: Session, cutoff: datetime) -> list[CodebaseInput]:
    ranked = (
        select(
            ScanRun.codebase_id,
            ScanRun.started_at,
            ScanRun.status,
            func.row_number()
            .over(
                partition_by=ScanRun.codebase_id,
                order_by=(ScanRun.started_at.desc(), ScanRun.id.desc()),
            )
            .label("rank"),
        )
        .where(ScanRun.started_at < cutoff)
        .subquery()
    )
    last = {
        row.codebase_id: (row.started_at, row.status)
        for row in session.execute(select(ranked).where(ranked.c.rank == 1))
    }
    result = []
    # Every registered codebase: one registered after the cutoff simply has no uses then.
    for row in session.execute(
        select(Codebase.id, Codebase.name, Codebase.owner, Codebase.channel)
    ):
        scanned_at, status = last.get(row.id, (None, None))
        result.append(CodebaseInput(row.id, row.name, row.owner, row.channel, scanned_at, status))
    return result


_COUNTED = and_(Finding.category == "use", Finding.suppressed.is_(False))
"""A finding the report counts: a use (not a mention) that is not suppressed."""


def _open_at(cutoff: datetime) -> ColumnElement[bool]:
    """A counted use that was open at ``cutoff``."""
    return and_(
        _COUNTED,
        Finding.first_seen_at < cutoff,
        or_(Finding.fixed_at.is_(None), Finding.fixed_at >= cutoff),
    )


def open_uses(session: Session, cutoff: datetime) -> list[OpenUseCount]:
    query = (
        select(Finding.codebase_id, Finding.deprecation_id, Finding.item, func.count())
        .where(_open_at(cutoff))
        .group_by(Finding.codebase_id, Finding.deprecation_id, Finding.item)
    )
    return [OpenUseCount(c, d, i, n) for c, d, i, n in session.execute(query)]


def week_counts(session: Session, start: datetime, cutoff: datetime) -> list[WeekCounts]:
    """Counted uses first seen and fixed in the week, per codebase, in one pass."""
    new = and_(Finding.first_seen_at >= start, Finding.first_seen_at < cutoff)
    fixed = and_(Finding.fixed_at >= start, Finding.fixed_at < cutoff)
    query = (
        select(Finding.codebase_id, func.count().filter(new), func.count().filter(fixed))
        .where(_COUNTED, or_(new, fixed))
        .group_by(Finding.codebase_id)
        .order_by(Finding.codebase_id)
    )
    return [WeekCounts(c, n, f) for c, n, f in session.execute(query)]


def oldest_uses(session: Session, cutoff: datetime) -> list[OldestUse]:
    ranked = (
        select(
            Finding.codebase_id,
            Finding.path,
            Finding.line,
            Finding.item,
            Finding.first_seen_at,
            func.row_number()
            .over(
                partition_by=Finding.codebase_id,
                order_by=(Finding.first_seen_at, Finding.path, Finding.line, Finding.id),
            )
            .label("rank"),
        )
        .where(_open_at(cutoff))
        .subquery()
    )
    query = select(ranked.c.codebase_id, ranked.c.path, ranked.c.line, ranked.c.item).add_columns(
        ranked.c.first_seen_at
    )
    rows = session.execute(query.where(ranked.c.rank == 1))
    return [OldestUse(c, p, ln, i, at) for c, p, ln, i, at in rows]


def entries(
    session: Session, column: InstrumentedAttribute[Any], start: datetime, cutoff: datetime
) -> list[EntryInput]:
    """Changelog entries whose ``column`` timestamp (seen, changed, gone) falls in the week."""
    query = select(ChangelogEntryRow, column).where(column >= start, column < cutoff)
    return [
        EntryInput(row.surface, row.entry_date, row.text, row.source_url, row.breaking, at)
        for row, at in session.execute(query)
    ]


def events(session: Session, start: datetime, cutoff: datetime) -> list[EventInput]:
    query = (
        select(DeprecationEvent, Deprecation)
        .join(Deprecation, DeprecationEvent.deprecation_id == Deprecation.id)
        .where(DeprecationEvent.at >= start, DeprecationEvent.at < cutoff)
        .order_by(DeprecationEvent.at, DeprecationEvent.id)
    )
    return [
        EventInput(
            deprecation_id=dep.id,
            event=event.event,
            at=event.at,
            items=tuple(str(item) for item in dep.items),
            surface=dep.surface,
            title=dep.title,
            source_url=dep.source_url,
            details=dict(event.details or {}),
        )
        for event, dep in session.execute(query)
    ]


def source_problems(session: Session, cutoff: datetime) -> list[SourceInput]:
    """Sources failing or tripping a parser canary, as last seen before ``cutoff``."""
    query = select(Source).where(
        Source.enabled.is_(True),
        Source.last_status.in_(PROBLEM_STATUSES),
        or_(Source.last_attempt_at.is_(None), Source.last_attempt_at < cutoff),
    )
    return [
        SourceInput(
            name=s.name,
            kind=s.kind,
            status=s.last_status or "",
            error=s.last_error,
            consecutive_failures=s.consecutive_failures,
            last_success_at=s.last_success_at,
        )
        for s in session.scalars(query)
    ]


def failed_alerts(session: Session, cutoff: datetime) -> list[AlertInput]:
    query = select(Alert).where(Alert.state == "failed", Alert.created_at < cutoff)
    return [
        AlertInput(a.key, a.kind, a.target, a.attempts, a.last_error, a.created_at)
        for a in session.scalars(query)
    ]


def failed_jobs(session: Session, start: datetime, cutoff: datetime) -> list[JobInput]:
    """Failed job runs started in the week: a run is an event, bounded like the week's events."""
    query = select(JobRun.job, JobRun.started_at, JobRun.error).where(
        JobRun.status == "failed", JobRun.started_at >= start, JobRun.started_at < cutoff
    )
    return [JobInput(job, at, error) for job, at, error in session.execute(query)]


def scan_points(session: Session, since: datetime, cutoff: datetime) -> list[ScanPoint]:
    query = select(ScanRun.codebase_id, ScanRun.started_at, ScanRun.open_uses).where(
        ScanRun.status == "ok", ScanRun.started_at >= since, ScanRun.started_at < cutoff
    )
    return [ScanPoint(c, at, n) for c, at, n in session.execute(query)]
