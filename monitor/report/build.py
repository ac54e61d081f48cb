"""Pure assembly of a :class:`WeeklyReport` from the week's inputs.

No database, no clock: ``today`` and ``generated_at`` are parameters, so the same inputs
always give the same report (which is what the golden tests pin down).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from monitor.notify.message import truncate
from monitor.report import model
from monitor.report.inputs import (
    DeprecationInput,
    EntryInput,
    EventInput,
    OpenUseCount,
    ReportInputs,
    ScanPoint,
)
from monitor.report.weeks import IsoWeek, last_weeks, week_of

ERROR_CHARS = 300
"""A failed job's error is cut to its first line and this many characters (tracebacks)."""


def build_report(
    inputs: ReportInputs,
    week: IsoWeek,
    today: date,
    generated_at: datetime,
    trend_weeks: int = 12,
    notes: Sequence[str] = (),
) -> model.WeeklyReport:
    names = {c.id: c.name for c in inputs.codebases}
    rows = deprecation_rows(inputs.deprecations, inputs.open_uses, names, today)
    codebases = codebase_sections(inputs, {d.id: d for d in inputs.deprecations})
    return model.WeeklyReport(
        schema_version=model.SCHEMA_VERSION,
        week=str(week),
        week_start=week.monday,
        week_end=week.sunday,
        today=today,
        generated_at=generated_at,
        summary=summarise(rows, codebases),
        deprecations=rows,
        codebases=codebases,
        changes=doc_changes(inputs),
        trend=trend(inputs.scan_points, week, trend_weeks),
        notes=list(notes),
    )


def deprecation_rows(
    deprecations: Iterable[DeprecationInput],
    open_uses: Iterable[OpenUseCount],
    codebase_names: dict[int, str],
    today: date,
) -> list[model.DeprecationRow]:
    """Most urgent first: fewest days left, then most open uses."""
    uses: dict[int, int] = defaultdict(int)
    where: dict[int, set[str]] = defaultdict(set)
    for count in open_uses:
        if count.deprecation_id is None or count.count <= 0:
            continue
        uses[count.deprecation_id] += count.count
        where[count.deprecation_id].add(codebase_names.get(count.codebase_id, "?"))
    rows = []
    for dep in deprecations:
        days_left = (dep.window_closes_on - today).days
        rows.append(
            model.DeprecationRow(
                id=dep.id,
                items=list(dep.items),
                title=dep.title,
                surface=dep.surface,
                kind=dep.kind,
                action=dep.action,
                announced_on=dep.announced_on,
                announced_on_source=dep.announced_on_source,
                window_closes_on=dep.window_closes_on,
                days_left=days_left,
                urgency=model.urgency(days_left),
                replacement=dep.replacement,
                source_url=dep.source_url,
                codebases=sorted(where[dep.id]),
                open_uses=uses[dep.id],
            )
        )
    rows.sort(key=lambda r: (r.days_left, -r.open_uses, r.surface, r.items, r.id))
    return rows


def codebase_sections(
    inputs: ReportInputs, deprecations: dict[int, DeprecationInput]
) -> list[model.CodebaseSection]:
    """Every registered codebase, the ones with most open uses first."""
    grouped: dict[int, dict[int | str, list[OpenUseCount]]] = defaultdict(lambda: defaultdict(list))
    for count in inputs.open_uses:
        if count.count > 0:
            key: int | str = (
                count.deprecation_id if count.deprecation_id is not None else f"item:{count.item}"
            )
            grouped[count.codebase_id][key].append(count)
    week_counts = {w.codebase_id: w for w in inputs.week_counts}
    oldest = {o.codebase_id: o for o in inputs.oldest_uses}
    sections = []
    for codebase in inputs.codebases:
        by_dep = [
            _use_count(counts, deprecations) for counts in grouped.get(codebase.id, {}).values()
        ]
        by_dep.sort(key=lambda u: (-u.open_uses, u.label))
        counts_this_week = week_counts.get(codebase.id)
        first = oldest.get(codebase.id)
        sections.append(
            model.CodebaseSection(
                name=codebase.name,
                owner=codebase.owner,
                channel=codebase.channel,
                open_uses=sum(u.open_uses for u in by_dep),
                new_this_week=counts_this_week.new if counts_this_week else 0,
                fixed_this_week=counts_this_week.fixed if counts_this_week else 0,
                by_deprecation=by_dep,
                oldest_open_use=(
                    model.OldestOpenUse(first.path, first.line, first.item, first.first_seen_at)
                    if first
                    else None
                ),
                last_scan_at=codebase.last_scan_at,
                last_scan_status=codebase.last_scan_status,
            )
        )
    sections.sort(key=lambda s: (-s.open_uses, s.name))
    return sections


def _use_count(
    counts: list[OpenUseCount], deprecations: dict[int, DeprecationInput]
) -> model.UseCount:
    dep_id = counts[0].deprecation_id
    known = deprecations.get(dep_id) if dep_id is not None else None
    if known is not None:
        label = ", ".join(known.items)
    else:
        label = ", ".join(sorted({c.item for c in counts}))
    return model.UseCount(
        deprecation_id=dep_id, label=label, open_uses=sum(c.count for c in counts)
    )


def summarise(
    rows: Sequence[model.DeprecationRow], codebases: Sequence[model.CodebaseSection]
) -> model.Summary:
    return model.Summary(
        active_deprecations=len(rows),
        closing_within_30_days=sum(1 for r in rows if 0 <= r.days_left < 30),
        closing_within_90_days=sum(1 for r in rows if 0 <= r.days_left < 90),
        already_closed=sum(1 for r in rows if r.days_left < 0),
        codebases_affected=sum(1 for c in codebases if c.open_uses > 0),
        open_uses=sum(c.open_uses for c in codebases),
        new_uses_this_week=sum(c.new_this_week for c in codebases),
        uses_fixed_this_week=sum(c.fixed_this_week for c in codebases),
    )


def doc_changes(inputs: ReportInputs) -> model.DocChanges:
    events = sorted(inputs.events, key=lambda e: (e.at, e.deprecation_id))
    return model.DocChanges(
        new_entries=_entries(inputs.new_entries),
        changed_entries=_entries(inputs.changed_entries),
        disappeared_entries=_entries(inputs.disappeared_entries),
        new_deprecations=_events(events, "created"),
        changed_deprecations=_events(events, "changed"),
        disappeared_deprecations=_events(events, "disappeared"),
        reappeared_deprecations=_events(events, "reappeared"),
        source_problems=[
            model.SourceProblem(
                s.name, s.kind, s.status, s.error, s.consecutive_failures, s.last_success_at
            )
            for s in sorted(inputs.source_problems, key=lambda s: s.name)
        ],
        failed_alerts=[
            model.FailedAlert(a.key, a.kind, a.target, a.attempts, a.last_error, a.created_at)
            for a in sorted(inputs.failed_alerts, key=lambda a: (a.created_at, a.key))
        ],
        failed_jobs=[
            model.FailedJob(j.job, j.started_at, first_line(j.error))
            for j in sorted(inputs.failed_jobs, key=lambda j: (j.started_at, j.job), reverse=True)
        ],
    )


def first_line(error: str | None, limit: int = ERROR_CHARS) -> str | None:
    """The first non-blank line, shortened: enough to say what broke without a traceback."""
    line = next((ln.strip() for ln in (error or "").splitlines() if ln.strip()), "")
    if not line:
        return None
    return truncate(line, limit)


def _entries(entries: Iterable[EntryInput]) -> list[model.EntryChange]:
    ordered = sorted(entries, key=lambda e: (-e.entry_date.toordinal(), e.surface, e.source_url))
    return [
        model.EntryChange(e.surface, e.entry_date, e.text, e.source_url, e.breaking, e.at)
        for e in ordered
    ]


def _events(events: Iterable[EventInput], kind: str) -> list[model.DeprecationChange]:
    return [
        model.DeprecationChange(
            deprecation_id=e.deprecation_id,
            items=list(e.items),
            surface=e.surface,
            title=e.title,
            source_url=e.source_url,
            at=e.at,
            changed_fields=sorted(e.details) if kind == "changed" else [],
        )
        for e in events
        if e.event == kind
    ]


def trend(points: Iterable[ScanPoint], week: IsoWeek, weeks: int) -> list[model.TrendPoint]:
    """Open uses per week: the last run of each codebase in the week, summed."""
    latest: dict[tuple[IsoWeek, int], ScanPoint] = {}
    for point in points:
        key = (week_of(point.started_at.date()), point.codebase_id)
        known = latest.get(key)
        if known is None or point.started_at > known.started_at:
            latest[key] = point
    result = []
    for each in last_weeks(week, weeks):
        found = [p for (w, _), p in latest.items() if w == each]
        result.append(
            model.TrendPoint(
                week=str(each),
                week_start=each.monday,
                open_uses=sum(p.open_uses for p in found) if found else None,
                codebases_scanned=len(found),
            )
        )
    return result
