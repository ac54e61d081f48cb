"""Operational alerts: a docs source that keeps failing, recovers, or trips a canary.

Noise kills trust, so the default channel hears about a source after
``alerts.source_failure_threshold`` consecutive failures (a parser canary at once: it
will not fix itself), then again only when the state changes: a different error, or
recovery. Never on every run.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config.settings import Settings
from monitor.notify.blocks import (
    OpsContent,
    OpsEvent,
    build_ops_alert,
)
from monitor.notify.outbox import OutboxMessage
from monitor.store.models import Alert, Source

_VOLATILE = re.compile(r"\d+|https?://\S+")


def error_signature(status: str | None, error: str | None) -> str:
    """Errors that differ only in numbers or URLs (ports, attempt counts) are the same."""
    text = _VOLATILE.sub("#", f"{status}:{error or ''}")[:200]
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def plan_ops_alerts(session: Session, settings: Settings, now: datetime) -> list[OutboxMessage]:
    channel = settings.slack.default_channel
    if not channel:
        return []
    threshold = settings.alerts.source_failure_threshold
    messages = []
    for source in session.scalars(select(Source).order_by(Source.name)):
        history = list(
            session.scalars(
                select(Alert)
                .where(Alert.kind == "ops", Alert.key.startswith(f"ops:{source.name}:"))
                .order_by(Alert.id)
            )
        )
        last_state = history[-1].threshold if history else "ok"
        failing = source.last_status in ("failed", "canary") and source.consecutive_failures >= (
            1 if source.last_status == "canary" else threshold
        )
        if failing:
            state = f"failing:{error_signature(source.last_status, source.last_error)}"
            if state == last_state:
                continue
            event = (
                OpsEvent.PARSER_CANARY
                if source.last_status == "canary"
                else OpsEvent.SOURCE_FAILING
            )
        elif last_state.startswith("failing") and source.last_status in ("ok", "not_modified"):
            state, event = "recovered", OpsEvent.SOURCE_RECOVERED
        else:
            continue
        content = OpsContent(
            event=event,
            source=source.name,
            failures=source.consecutive_failures,
            detail=source.last_error,
            since=source.last_success_at,
            url=settings.resolve(source.path),
        )
        key = f"ops:{source.name}:{len(history) + 1}"
        messages.append(OutboxMessage(key, "ops", channel, state, build_ops_alert(content)))
    return messages
