"""Getting the report for a week: rebuild the current week, reuse a stored past week.

A past week already stored is rendered from the stored model (and stored texts), never
rebuilt from today's data. A past week never stored is rebuilt "as of" its last moment and
then stored, so asking again gives the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from monitor.errors import UsageError
from monitor.report import archive
from monitor.report.build import build_report
from monitor.report.model import WeeklyReport
from monitor.report.query import load_inputs
from monitor.report.render import render
from monitor.report.weeks import IsoWeek, week_of
from monitor.store.database import Database


@dataclass(frozen=True, slots=True)
class ReportRequest:
    week: IsoWeek
    now: datetime  # the clock of this run (pinned by --today)

    @property
    def is_past(self) -> bool:
        return self.week.ends_at <= self.now

    @property
    def today(self) -> date:
        return self.week.sunday if self.is_past else self.now.date()

    @property
    def cutoff(self) -> datetime:
        return min(self.now, self.week.ends_at)


def make_request(week: IsoWeek | None, now: datetime) -> ReportRequest:
    chosen = week or week_of(now.date())
    if chosen.starts_at > now:
        raise UsageError(f"week {chosen} has not started yet (today is {now.date().isoformat()})")
    return ReportRequest(chosen, now)


@dataclass
class Obtained:
    report: WeeklyReport
    from_store: bool
    texts: dict[str, str]  # stored renderings of a stored past week


def obtain(database: Database, request: ReportRequest, trend_weeks: int) -> Obtained:
    week = str(request.week)
    with database.transaction() as session:
        if request.is_past:
            stored = archive.load(session, week)
            if stored is not None:
                return Obtained(stored.report, True, stored.formats)
        notes = []
        if request.is_past:
            notes.append(
                f"This past week was not stored; it was rebuilt on {request.now.date().isoformat()}"
                " from the history kept in the database."
            )
        inputs = load_inputs(session, request.week, request.cutoff, trend_weeks)
        report = build_report(
            inputs, request.week, request.today, request.now, trend_weeks, notes=notes
        )
        archive.save(session, report, {})
    return Obtained(report, False, {})


def text_of(database: Database, obtained: Obtained, output_format: str) -> str:
    """Stored text when the week has one (exact reproduction), else render and keep it."""
    known = obtained.texts.get(output_format)
    if known is not None:
        return known
    text = render(obtained.report, output_format)
    with database.transaction() as session:
        archive.add_formats(session, obtained.report.week, {output_format: text})
    obtained.texts[output_format] = text
    return text
