"""Scanning as the CLI and the daemon use it: which deprecations, which trees, what to store.

The scanner looks for the stored (scraped) deprecations; before the first scrape, for the
bundled catalog, so `check` is useful on a fresh install without network. Each item is
looked for once, on its preferred record (``selection.one_owner_per_item``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.catalog import load_catalog
from monitor.codebases.registry import get_codebase, list_codebases, prepare
from monitor.config.settings import Settings
from monitor.domain import (
    Action,
    AnnouncedOnSource,
    DeprecationRecord,
    DeprecationStatus,
    Kind,
    Origin,
)
from monitor.errors import MonitorError
from monitor.scan.cache import ScanCache
from monitor.scan.report_text import DeprecationInfo
from monitor.scan.runner import ScanOptions, ScanResult, scan_tree
from monitor.scan.selection import deprecation_set_hash, one_owner_per_item
from monitor.store.database import Database
from monitor.store.findings import RunTotals, record_failed_scan, record_scan
from monitor.store.models import Deprecation

log = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]  # (done, total or None while unknown)


@dataclass
class ScanTargets:
    records: list[tuple[str, DeprecationRecord]]
    info: dict[str, DeprecationInfo]
    set_hash: str
    from_catalog: bool


@dataclass
class CodebaseOutcome:
    name: str
    ok: bool
    error: str | None = None
    result: ScanResult | None = None
    new: int = 0
    present: int = 0
    fixed: int = 0


@dataclass
class ScanRunSummary:
    outcomes: list[CodebaseOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)


def scan_targets(settings: Settings, session: Session, today_first_seen: datetime) -> ScanTargets:
    rows = list(
        session.scalars(
            select(Deprecation).where(
                Deprecation.origin != Origin.CATALOG.value,
                Deprecation.status.in_(
                    (DeprecationStatus.ACTIVE.value, DeprecationStatus.DISAPPEARED.value)
                ),
            )
        )
    )
    if not rows:
        catalog = load_catalog(settings.docs.base_url)
        records = [(cid, rec) for cid, rec in catalog if not rec.needs_review]
        info = {
            cid: DeprecationInfo.from_record(rec, today_first_seen.date()) for cid, rec in records
        }
        selected = one_owner_per_item(
            [(cid, rec, rec.closes_on(today_first_seen.date())) for cid, rec in records]
        )
        return ScanTargets(selected, info, deprecation_set_hash(selected), True)
    candidates = [(str(r.id), _record(r), r.window_closes_on) for r in rows if not r.needs_review]
    selected = one_owner_per_item(candidates)
    info = {str(r.id): _info(r) for r in rows}
    return ScanTargets(selected, info, deprecation_set_hash(selected), False)


def _record(row: Deprecation) -> DeprecationRecord:
    return DeprecationRecord(
        kind=Kind(row.kind),
        action=Action(row.action),
        surface=row.surface,
        items=tuple(row.items),
        title=row.title,
        origin=Origin(row.origin),
        source_url=row.source_url,
        announced_on=row.announced_on,
        announced_on_source=AnnouncedOnSource(row.announced_on_source),
        effective_on=row.effective_on,
        replacement=row.replacement,
        shared_with_live=row.shared_with_live,
    )


def _info(row: Deprecation) -> DeprecationInfo:
    return DeprecationInfo(
        title=row.title,
        announced_on=row.announced_on,
        window_closes_on=row.window_closes_on,
        replacement=row.replacement,
        action=row.action,
        source_url=row.source_url,
        surface=row.surface,
        kind=row.kind,
        announced_is_estimate=row.announced_on_source == AnnouncedOnSource.FIRST_SEEN.value,
    )


def check_directory(
    settings: Settings,
    database: Database,
    path: Path,
    now: datetime,
    use_cache: bool = True,
    min_confidence: str | None = None,
    include_vendored: bool | None = None,
    progress: Progress | None = None,
) -> tuple[ScanResult, ScanTargets]:
    """Scan any directory without registering it (CI, pre-commit)."""
    if not path.is_dir():
        raise MonitorError(f"{path} is not a directory")
    with database.sessions() as session:
        targets = scan_targets(settings, session, now)
    options = _options(settings, (), (), min_confidence, include_vendored)
    cache = _cache(settings, path) if use_cache else None
    result = scan_tree(path, targets.records, options, cache, settings.scan.workers, progress)
    return result, targets


def scan_codebases(
    settings: Settings,
    database: Database,
    now: datetime,
    names: Sequence[str] = (),
    use_cache: bool = True,
    progress: Progress | None = None,
) -> ScanRunSummary:
    """Scan registered codebases; one failing codebase never stops the others."""
    summary = ScanRunSummary()
    with database.sessions() as session:
        codebases = [get_codebase(session, n) for n in names] if names else list_codebases(session)
        targets = scan_targets(settings, session, now)
    assert settings.storage.data_dir is not None
    for codebase in codebases:
        outcome = CodebaseOutcome(codebase.name, ok=True)
        try:
            root, commit = prepare(codebase, settings.storage.data_dir)
            options = _options(settings, codebase.include, codebase.exclude, None, None)
            cache = _cache(settings, root) if use_cache else None
            result = scan_tree(
                root, targets.records, options, cache, settings.scan.workers, progress
            )
        except MonitorError as exc:
            log.error("scan failed", extra={"codebase": codebase.name, "error": str(exc)})
            outcome.ok, outcome.error = False, str(exc)
            with database.transaction() as session:
                record_failed_scan(session, session.merge(codebase), now, str(exc))
            summary.outcomes.append(outcome)
            continue
        with database.transaction() as session:
            run = record_scan(
                session,
                session.merge(codebase),
                result.findings,
                RunTotals(result.files_scanned, result.files_skipped, result.bytes_scanned),
                now,
                now,
                commit,
                targets.set_hash,
            )
            outcome.new, outcome.present, outcome.fixed = (
                run.findings_new,
                run.findings_present,
                run.findings_fixed,
            )
        outcome.result = result
        summary.outcomes.append(outcome)
    return summary


def _options(
    settings: Settings,
    include: Sequence[str],
    exclude: Sequence[str],
    min_confidence: str | None,
    include_vendored: bool | None,
) -> ScanOptions:
    options = ScanOptions.from_settings(settings.scan, include, exclude)
    if min_confidence is not None:
        options = replace(options, min_confidence=min_confidence)
    if include_vendored is not None:
        options = replace(options, include_vendored=include_vendored)
    return options


def _cache(settings: Settings, root: Path) -> ScanCache:
    assert settings.storage.data_dir is not None
    return ScanCache.for_root(settings.storage.data_dir, root.resolve())
