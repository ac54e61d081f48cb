"""The headline counts `status` prints and `/metrics` exports: one query each, one meaning."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.store.models import Alert, Deprecation, Finding


@dataclass(frozen=True, slots=True)
class StoreCounts:
    deprecations: dict[str, int]  # by status
    alerts: dict[str, int]  # outbox rows by state
    open_findings: int  # uses not yet fixed, in every codebase


def store_counts(session: Session) -> StoreCounts:
    by_status = session.execute(
        select(Deprecation.status, func.count()).group_by(Deprecation.status)
    )
    by_state = session.execute(select(Alert.state, func.count()).group_by(Alert.state))
    open_uses = session.scalar(
        select(func.count())
        .select_from(Finding)
        .where(Finding.fixed_at.is_(None), Finding.category == "use")
    )
    return StoreCounts(dict(by_status.all()), dict(by_state.all()), open_uses or 0)
