"""Reading what the alert policy needs from the database (the edge before the pure part)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.domain import Origin
from monitor.notify.blocks import (
    Location,
)
from monitor.notify.message import (
    location_url,
)
from monitor.notify.policy import DeprecationState, Usage
from monitor.store.models import Alert, Codebase, Deprecation, Finding, ScanRun

MAX_LOCATIONS = 5
BASELINE_MARKER = "baseline:installation"


@dataclass
class UsageDetail:
    usage: Usage
    locations: list[Location] = field(default_factory=list)


@dataclass
class AlertInputs:
    deprecations: dict[int, Deprecation]
    states: list[DeprecationState]
    usages: dict[int, list[UsageDetail]]
    already: set[tuple[int, str, str]]
    baseline_done_on: date | None
    sent_last_hour: dict[str, int]


def gather(session: Session, now: datetime) -> AlertInputs:
    rows = list(
        session.scalars(
            select(Deprecation).where(
                Deprecation.origin != Origin.CATALOG.value,
                Deprecation.status.in_(("active", "disappeared")),
            )
        )
    )
    states = [
        DeprecationState(r.id, r.window_closes_on, r.first_seen_at.date(), r.status) for r in rows
    ]
    already = {
        (a.deprecation_id, a.target, a.threshold)
        for a in session.scalars(select(Alert).where(Alert.deprecation_id.is_not(None)))
        if a.deprecation_id is not None
    }
    marker = session.scalars(select(Alert).where(Alert.key == BASELINE_MARKER)).first()
    recent = session.execute(
        select(Alert.target, func.count())
        .where(Alert.state.in_(("pending", "sent")), Alert.created_at >= now - timedelta(hours=1))
        .group_by(Alert.target)
    )
    return AlertInputs(
        deprecations={r.id: r for r in rows},
        states=states,
        usages=_usages(session),
        already=already,
        baseline_done_on=marker.created_at.date() if marker else None,
        sent_last_hour={target: count for target, count in recent},
    )


def _usages(session: Session) -> dict[int, list[UsageDetail]]:
    """Open uses per deprecation and codebase, with the first few locations as links."""
    codebases = {c.id: c for c in session.scalars(select(Codebase))}
    commits = _last_commits(session)
    findings = session.scalars(
        select(Finding)
        .where(
            Finding.fixed_at.is_(None),
            Finding.category == "use",
            Finding.suppressed.is_(False),
            Finding.deprecation_id.is_not(None),
        )
        .order_by(Finding.codebase_id, Finding.path, Finding.line)
    )
    grouped: dict[tuple[int, int], list[Finding]] = defaultdict(list)
    for finding in findings:
        assert finding.deprecation_id is not None
        grouped[(finding.deprecation_id, finding.codebase_id)].append(finding)
    result: dict[int, list[UsageDetail]] = defaultdict(list)
    for (deprecation_id, codebase_id), found in grouped.items():
        codebase = codebases[codebase_id]
        locations = [
            Location(
                f.path,
                f.line,
                location_url(
                    codebase.link_template,
                    path=f.path,
                    line=f.line,
                    commit=commits.get(codebase_id) or codebase.branch or "HEAD",
                    branch=codebase.branch or "",
                ),
            )
            for f in found[:MAX_LOCATIONS]
        ]
        usage = Usage(codebase.name, codebase.channel, len(found))
        result[deprecation_id].append(UsageDetail(usage, locations))
    return result


def _last_commits(session: Session) -> dict[int, str | None]:
    latest = (
        select(ScanRun.codebase_id, func.max(ScanRun.id).label("run_id"))
        .where(ScanRun.status == "ok")
        .group_by(ScanRun.codebase_id)
        .subquery()
    )
    rows = session.execute(
        select(ScanRun.codebase_id, ScanRun.commit).join(latest, ScanRun.id == latest.c.run_id)
    )
    return {codebase_id: commit for codebase_id, commit in rows}
