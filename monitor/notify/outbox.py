"""The alert outbox: a message is a row before it is a Slack post, so nothing is lost.

1. ``enqueue`` writes the row (``pending``) in the caller's transaction, the same one that
   records the decision to alert; its unique key makes deciding twice harmless.
2. ``deliver_pending`` claims a due row with a conditional UPDATE (a lease in
   ``next_attempt_at``: only the process whose UPDATE changed the row sends it), sends it,
   then marks it ``sent`` with Slack's ``ts``. A crash between send and mark resends at
   most that one message once the lease expires.
3. A retryable failure (429, 5xx, timeout) keeps the row ``pending`` with ``attempts``,
   ``last_error`` and a backed-off ``next_attempt_at``; a permanent one (``channel_not_found``,
   ``invalid_auth`` …) marks it ``failed`` with the reason and never blocks other rows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.notify.errors import DeliveryError
from monitor.notify.message import (
    SlackMessage,
)
from monitor.notify.sinks import Sink
from monitor.store.database import Database
from monitor.store.models import Alert

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # longer than any single send may take (sinks cap retries)
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)
PACE_SECONDS = 1.0  # Slack allows about one message per second per channel


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    key: str  # unique: the same decision never makes two rows
    kind: str  # threshold | announced | closed | removed | digest | ops | report | test
    target: str  # the Slack channel (or "webhook" when the sink fixes it)
    threshold: str
    message: SlackMessage
    deprecation_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. a file to attach


@dataclass
class DeliveryReport:
    sent: int = 0
    retry_later: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def enqueue(session: Session, outgoing: OutboxMessage, now: datetime) -> bool:
    """Add the message unless an identical decision was already recorded; True if added."""
    exists = session.scalar(select(Alert.id).where(Alert.key == outgoing.key))
    if exists is not None:
        return False
    payload = {"text": outgoing.message.text, "blocks": outgoing.message.blocks, **outgoing.extra}
    row = Alert(
        key=outgoing.key,
        kind=outgoing.kind,
        deprecation_id=outgoing.deprecation_id,
        target=outgoing.target,
        threshold=outgoing.threshold,
        payload=payload,
        state="pending",
        attempts=0,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False  # another process decided the same thing first
    return True


def deliver_pending(
    database: Database,
    sink: Sink,
    clock: Callable[[], datetime],
    sleep: Callable[[float], None] = time.sleep,
    limit: int | None = None,
) -> DeliveryReport:
    """Send every due pending row, oldest first, pacing posts to each channel."""
    report = DeliveryReport()
    last_post: dict[str, float] = {}
    for alert_id in _due_ids(database, clock(), limit):
        if not _claim(database, alert_id, clock()):
            continue  # another process took it
        with database.sessions() as session:
            row = session.get(Alert, alert_id)
            assert row is not None
            target, payload = row.target, dict(row.payload)
        _pace(last_post, target, sleep)
        message = SlackMessage(text=payload.get("text", ""), blocks=payload.get("blocks", []))
        try:
            delivery = sink.send(None if target == "webhook" else target, message)
        except DeliveryError as exc:
            _record_failure(database, alert_id, exc, clock())
            report.errors.append(f"{target}: {exc.reason}")
            if exc.permanent:
                report.failed += 1
            else:
                report.retry_later += 1
            continue
        finally:
            last_post[target] = time.monotonic()
        note = _attach(sink, target, payload)
        _mark_sent(database, alert_id, delivery.target, delivery.ts, clock(), note)
        report.sent += 1
    return report


def _due_ids(database: Database, now: datetime, limit: int | None) -> list[int]:
    query = (
        select(Alert.id)
        .where(
            Alert.state == "pending",
            or_(Alert.next_attempt_at.is_(None), Alert.next_attempt_at <= now),
        )
        .order_by(Alert.id)
    )
    if limit:
        query = query.limit(limit)
    with database.sessions() as session:
        return list(session.scalars(query))


def _claim(database: Database, alert_id: int, now: datetime) -> bool:
    with database.transaction() as session:
        result = session.execute(
            update(Alert)
            .where(
                Alert.id == alert_id,
                Alert.state == "pending",
                or_(Alert.next_attempt_at.is_(None), Alert.next_attempt_at <= now),
            )
            .values(next_attempt_at=now + LEASE)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]


def _pace(last_post: dict[str, float], target: str, sleep: Callable[[float], None]) -> None:
    previous = last_post.get(target)
    if previous is not None:
        wait = PACE_SECONDS - (time.monotonic() - previous)
        if wait > 0:
            sleep(wait)


def _attach(sink: Sink, target: str, payload: dict[str, Any]) -> str | None:
    """Weekly reports carry their HTML page; only a bot token can upload files.

    The message itself is already delivered, so a failed upload is noted on the row
    rather than retried (a retry would post the message twice).
    """
    attachment = payload.get("file")
    upload = getattr(sink, "upload_file", None)
    if not attachment or upload is None:
        return None
    try:
        upload(
            target,
            filename=attachment["filename"],
            content=attachment["content"],
            title=attachment.get("title"),
        )
    except DeliveryError as exc:
        log.warning("attachment upload failed", extra={"target": target, "reason": exc.reason})
        return f"attachment not uploaded: {exc.reason}"
    return None


def _record_failure(database: Database, alert_id: int, exc: DeliveryError, now: datetime) -> None:
    with database.transaction() as session:
        row = session.get(Alert, alert_id)
        assert row is not None
        row.attempts += 1
        row.last_error = f"{exc.reason}: {exc}"[:2000]
        if exc.permanent:
            row.state = "failed"
            row.next_attempt_at = None
            log.error("alert failed permanently", extra={"alert": row.key, "reason": exc.reason})
        else:
            row.next_attempt_at = now + retry_delay(row.attempts, exc.retry_after)
            log.warning("alert will be retried", extra={"alert": row.key, "reason": exc.reason})


def retry_delay(attempts: int, retry_after: float | None = None) -> timedelta:
    backoff = min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)
    return max(backoff, timedelta(seconds=retry_after or 0))


def _mark_sent(
    database: Database,
    alert_id: int,
    delivered_to: str,
    ts: str | None,
    now: datetime,
    note: str | None = None,
) -> None:
    with database.transaction() as session:
        row = session.get(Alert, alert_id)
        assert row is not None
        row.state = "sent"
        row.attempts += 1
        row.sent_at = now
        row.message_ts = ts
        row.delivered_to = delivered_to
        row.next_attempt_at = None
        row.last_error = note


def record_skipped(
    session: Session,
    key: str,
    kind: str,
    target: str,
    threshold: str,
    deprecation_id: int | None,
    reason: str,
    now: datetime,
) -> None:
    """Remember a decision that is covered elsewhere (a digest), so it is never sent alone."""
    if session.scalar(select(Alert.id).where(Alert.key == key)) is not None:
        return
    with session.begin_nested():
        session.add(
            Alert(
                key=key,
                kind=kind,
                deprecation_id=deprecation_id,
                target=target,
                threshold=threshold,
                payload={},
                state="skipped",
                attempts=0,
                last_error=reason,
                created_at=now,
            )
        )
