"""One alerts run: decide what is due, record it in the outbox, deliver what is pending.

Deciding and recording happen in one transaction, so a crash never leaves a decision
without its outbox row (or a row without its decision); delivery is separate and can
be retried any number of times without deciding again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from monitor.config.settings import Settings
from monitor.domain import Action, AnnouncedOnSource, Kind
from monitor.notify.blocks import (
    AlertContent,
    CodebaseUsage,
    DigestItem,
    DigestKind,
    build_alert,
    build_digest,
)
from monitor.notify.gather import BASELINE_MARKER, AlertInputs, gather
from monitor.notify.message import (
    SlackMessage,
)
from monitor.notify.ops import plan_ops_alerts
from monitor.notify.outbox import (
    DeliveryReport,
    OutboxMessage,
    deliver_pending,
    enqueue,
    record_skipped,
)
from monitor.notify.policy import (
    Decision,
    PolicySettings,
    in_quiet_hours,
    over_cap,
    plan_alerts,
)
from monitor.notify.sinks import Sink, make_sink
from monitor.store.database import Database
from monitor.store.models import Deprecation

log = logging.getLogger(__name__)

_LABELS = {
    "announced": "new",
    "removed": "removed from the docs",
}


@dataclass
class AlertRunSummary:
    decided: int = 0
    folded: int = 0
    baseline_digests: int = 0
    ops: int = 0
    held_for_quiet_hours: bool = False
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    previews: list[tuple[str, SlackMessage]] = field(default_factory=list)

    def describe(self) -> str:
        held = " (held: quiet hours)" if self.held_for_quiet_hours else ""
        return (
            f"alerts: {self.decided} due, {self.folded} folded into digests, "
            f"{self.baseline_digests} baseline digests, {self.ops} operational; "
            f"delivered {self.delivery.sent}, retry later {self.delivery.retry_later}, "
            f"failed {self.delivery.failed}{held}"
        )


def sink_for(settings: Settings, console: TextIO | None = None) -> Sink:
    """Bot token, else webhook, else the console (``console`` is where that prints)."""
    slack = settings.slack
    return make_sink(
        bot_token=slack.bot_token,
        webhook_url=slack.webhook_url,
        base_url=slack.base_url,
        timeout=slack.timeout_seconds,
        default_channel=slack.default_channel,
        stream=console,
    )


def run_alerts(
    settings: Settings,
    database: Database,
    now: datetime,
    *,
    dry_run: bool = False,
    since: date | None = None,
    sink: Sink | None = None,
    clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> AlertRunSummary:
    summary = AlertRunSummary()
    policy = _policy(settings)
    with database.sessions() as session:
        inputs = gather(session, now)
        if since is not None:
            inputs.states = [s for s in inputs.states if s.first_seen_on >= since]
        messages, covered = _decide(inputs, policy, settings, now, summary)
        ops = plan_ops_alerts(session, settings, now)
    summary.ops = len(ops)
    if dry_run:
        summary.previews = [(m.target, m.message) for m in [*messages, *ops]]
        return summary
    with database.transaction() as session:
        for outgoing in [*messages, *ops]:
            enqueue(session, outgoing, now)
        for decision, reason in covered:
            record_skipped(
                session,
                decision.key,
                decision.kind,
                decision.target,
                decision.threshold,
                decision.deprecation_id,
                reason,
                now,
            )
        if inputs.deprecations and inputs.baseline_done_on is None:
            record_skipped(session, BASELINE_MARKER, "baseline", "-", "-", None, "installed", now)
    local = now.astimezone(ZoneInfo(settings.alerts.timezone))
    if in_quiet_hours((local.hour, local.minute), settings.alerts.quiet_hours):
        summary.held_for_quiet_hours = True
        return summary
    summary.delivery = deliver_pending(
        database, sink or sink_for(settings), clock or (lambda: now), sleep
    )
    return summary


def _policy(settings: Settings) -> PolicySettings:
    alerts = settings.alerts
    return PolicySettings(
        thresholds_days=alerts.thresholds_days,
        closed_reminder_days=alerts.closed_reminder_days,
        default_channel=settings.slack.default_channel if alerts.notify_default_channel else None,
        max_per_channel_per_hour=alerts.max_per_channel_per_hour,
    )


def _decide(
    inputs: AlertInputs,
    policy: PolicySettings,
    settings: Settings,
    now: datetime,
    summary: AlertRunSummary,
) -> tuple[list[OutboxMessage], list[tuple[Decision, str]]]:
    today = now.date()
    plan = plan_alerts(
        inputs.states,
        {k: [u.usage for u in v] for k, v in inputs.usages.items()},
        inputs.already,
        policy,
        today,
        inputs.baseline_done_on,
    )
    keep, folded = over_cap(plan.decisions, inputs.sent_last_hour, policy.max_per_channel_per_hour)
    messages = [_alert_message(inputs, d, today) for d in keep]
    covered = [(d, "covered by the monitoring-started digest") for d in plan.covered]
    hour = now.strftime("%Y-%m-%dT%H")
    for target, decisions in folded.items():
        key = f"digest:{target}:{hour}"
        covered.extend((d, f"folded into {key}") for d in decisions)
        items = [_digest_item(inputs, d) for d in decisions]
        message = build_digest(DigestKind.OVER_CAP, items, cap=policy.max_per_channel_per_hour)
        messages.append(OutboxMessage(key, "digest", target, "digest", message))
    for target in plan.baseline_targets:
        items = _baseline_items(inputs, target, policy, today)
        message = build_digest(DigestKind.MONITORING_STARTED, items)
        messages.append(
            OutboxMessage(f"baseline:{target}", "baseline", target, "baseline", message)
        )
    summary.decided = len(keep)
    summary.folded = sum(len(v) for v in folded.values())
    summary.baseline_digests = len(plan.baseline_targets)
    return messages, covered


def _alert_message(inputs: AlertInputs, decision: Decision, today: date) -> OutboxMessage:
    row = inputs.deprecations[decision.deprecation_id]
    usages = [
        CodebaseUsage(u.usage.codebase, u.usage.open_uses, u.locations, u.usage.channel)
        for u in inputs.usages.get(row.id, [])
        if u.usage.codebase in decision.codebases
    ]
    content = AlertContent(
        item=", ".join(row.items),
        title=row.title,
        surface=row.surface,
        kind=Kind(row.kind),
        action=Action(row.action),
        window_closes_on=row.window_closes_on,
        days_left=decision.days_left,
        source_url=row.source_url,
        announced_on=row.announced_on,
        announced_on_source=AnnouncedOnSource(row.announced_on_source),
        replacement=row.replacement,
        threshold_label=_threshold_label(decision),
        codebases=usages,
    )
    return OutboxMessage(
        key=decision.key,
        kind=decision.kind,
        target=decision.target,
        threshold=decision.threshold,
        message=build_alert(content),
        deprecation_id=row.id,
    )


def _threshold_label(decision: Decision) -> str:
    if decision.kind == "threshold":
        return f"{decision.threshold} days before the window closes"
    if decision.kind == "closed":
        return "window closed, uses remain"
    return _LABELS.get(decision.kind, decision.kind)


def _digest_item(inputs: AlertInputs, decision: Decision) -> DigestItem:
    row: Deprecation = inputs.deprecations[decision.deprecation_id]
    uses = sum(u.usage.open_uses for u in inputs.usages.get(row.id, []))
    return DigestItem(
        ", ".join(row.items),
        row.surface,
        row.window_closes_on,
        decision.days_left,
        uses,
        row.source_url,
    )


def _baseline_items(
    inputs: AlertInputs, target: str, policy: PolicySettings, today: date
) -> Sequence[DigestItem]:
    items = []
    for row in inputs.deprecations.values():
        if row.status != "active":
            continue
        usages = inputs.usages.get(row.id, [])
        if target != policy.default_channel and not any(u.usage.channel == target for u in usages):
            continue
        uses = sum(u.usage.open_uses for u in usages)
        days_left = (row.window_closes_on - today).days
        items.append(
            DigestItem(
                ", ".join(row.items),
                row.surface,
                row.window_closes_on,
                days_left,
                uses,
                row.source_url,
            )
        )
    return items
