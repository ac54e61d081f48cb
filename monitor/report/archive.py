"""Stored reports (the ``reports`` table): what makes a past week reproducible."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.report.codec import from_json_dict, to_json_dict
from monitor.report.model import WeeklyReport
from monitor.store.models import Report


@dataclass
class StoredReport:
    report: WeeklyReport
    formats: dict[str, str] = field(default_factory=dict)
    generated_at: datetime | None = None


def load(session: Session, week: str) -> StoredReport | None:
    row = session.scalar(select(Report).where(Report.week == week))
    if row is None:
        return None
    formats = {str(k): str(v) for k, v in (row.formats or {}).items()}
    return StoredReport(from_json_dict(row.content), formats, row.generated_at)


def save(session: Session, report: WeeklyReport, formats: dict[str, str]) -> None:
    """Insert or replace the week's report (the current week is rebuilt on every run)."""
    row = session.scalar(select(Report).where(Report.week == report.week))
    if row is None:
        row = Report(week=report.week)
        session.add(row)
    row.today = report.today
    row.generated_at = report.generated_at
    row.content = to_json_dict(report)
    row.formats = dict(formats)


def add_formats(session: Session, week: str, formats: dict[str, str]) -> None:
    """Keep newly rendered texts of a stored week next to the ones it already has."""
    row = session.scalar(select(Report).where(Report.week == week))
    if row is not None:
        row.formats = {**(row.formats or {}), **formats}
