"""Findings across scan runs: new, still present, fixed, tracked by fingerprint.

A fingerprint does not move when lines are added above a use, so a finding keeps its
identity (and its first-seen date) across edits; one that is no longer reported is
marked fixed, which feeds "fixed this week" in the weekly report and stops its alerts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.scan.findings import Finding as ScanFinding
from monitor.store.models import Codebase, Finding, ScanRun


@dataclass(frozen=True, slots=True)
class RunTotals:
    files_scanned: int
    files_skipped: int
    bytes_scanned: int


def record_scan(
    session: Session,
    codebase: Codebase,
    findings: Sequence[ScanFinding],
    totals: RunTotals,
    started_at: datetime,
    finished_at: datetime,
    commit: str | None,
    deprecation_set_hash: str,
) -> ScanRun:
    run = ScanRun(
        codebase_id=codebase.id,
        started_at=started_at,
        finished_at=finished_at,
        status="ok",
        commit=commit,
        deprecation_set_hash=deprecation_set_hash,
        files_scanned=totals.files_scanned,
        files_skipped=totals.files_skipped,
        bytes_scanned=totals.bytes_scanned,
        findings_new=0,
        findings_present=0,
        findings_fixed=0,
        open_uses=0,
    )
    session.add(run)
    session.flush()
    stored = {
        row.fingerprint: row
        for row in session.scalars(select(Finding).where(Finding.codebase_id == codebase.id))
    }
    seen: set[str] = set()
    for finding in findings:
        if finding.fingerprint in seen:
            continue
        seen.add(finding.fingerprint)
        if finding.category == "use" and not finding.suppressed:
            run.open_uses += 1
        row = stored.get(finding.fingerprint)
        if row is None:
            row = Finding(
                codebase_id=codebase.id,
                fingerprint=finding.fingerprint,
                first_seen_run_id=run.id,
                first_seen_at=finished_at,
            )
            session.add(row)
            run.findings_new += 1
        elif row.fixed_at is not None:
            row.fixed_at = None  # came back: counts as new again
            row.first_seen_run_id, row.first_seen_at = run.id, finished_at
            run.findings_new += 1
        else:
            run.findings_present += 1
        _copy(row, finding)
        row.last_seen_run_id, row.last_seen_at = run.id, finished_at
    for fingerprint, row in stored.items():
        if fingerprint not in seen and row.fixed_at is None:
            row.fixed_at = finished_at
            run.findings_fixed += 1
    return run


def record_failed_scan(
    session: Session, codebase: Codebase, started_at: datetime, error: str
) -> ScanRun:
    """A scan that could not run changes no finding: absence of evidence is not a fix."""
    run = ScanRun(
        codebase_id=codebase.id,
        started_at=started_at,
        finished_at=started_at,
        status="failed",
        error=error,
    )
    session.add(run)
    return run


def _copy(row: Finding, finding: ScanFinding) -> None:
    row.deprecation_id = int(finding.deprecation_id) if finding.deprecation_id.isdigit() else None
    row.rule = finding.kind
    row.item = finding.item
    row.category = finding.category
    row.confidence = finding.confidence
    row.reason = finding.reason
    row.path = finding.path
    row.line = finding.line
    row.column = finding.column
    row.end_column = finding.end_column
    row.snippet = finding.snippet
    row.suppressed = finding.suppressed
