"""When to alert whom about what (pure: plain inputs, an injected ``today``, no I/O).

Who hears about a deprecation: the default channel (all deprecations, when enabled) and
the channel of every codebase with open uses of it. What they hear:
- ``baseline``: on a fresh installation, one digest per target instead of dozens of
  announcements; thresholds already due still fire for codebases that use the items;
- ``announced``: a deprecation first seen after the baseline, at once;
- ``threshold``: ``N`` days before the window closes, only the most urgent threshold that
  is due (a deprecation discovered late gets one alert, not a burst of missed ones),
  each (deprecation, target, threshold) at most once;
- ``closed``: the window has passed and uses remain: a reminder every ``cadence`` days;
- ``removed``: the item disappeared from the docs while uses remain: urgent.
A codebase whose uses are all fixed stops hearing about that deprecation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

# What the first run's "monitoring started" digest tells the default channel instead.
_DIGESTED = frozenset({"threshold", "closed"})


@dataclass(frozen=True, slots=True)
class DeprecationState:
    id: int
    window_closes_on: date
    first_seen_on: date
    status: str  # active | disappeared


@dataclass(frozen=True, slots=True)
class Usage:
    """Open uses of one deprecation in one codebase."""

    codebase: str
    channel: str | None
    open_uses: int


@dataclass(frozen=True, slots=True)
class PolicySettings:
    thresholds_days: Sequence[int]
    closed_reminder_days: int
    default_channel: str | None  # None: the default channel hears nothing
    max_per_channel_per_hour: int


@dataclass(frozen=True, slots=True)
class Decision:
    deprecation_id: int
    target: str
    kind: str  # announced | threshold | closed | removed
    threshold: str  # the uniqueness label: "30", "announced", "closed-2", "removed"
    days_left: int
    codebases: tuple[str, ...] = ()  # codebases with open uses in this target

    @property
    def key(self) -> str:
        return f"dep:{self.deprecation_id}:{self.target}:{self.threshold}"


@dataclass
class Plan:
    decisions: list[Decision] = field(default_factory=list)
    baseline_targets: list[str] = field(default_factory=list)
    # decisions recorded as already covered (by a baseline digest), never sent on their own
    covered: list[Decision] = field(default_factory=list)


def plan_alerts(
    deprecations: Sequence[DeprecationState],
    usages: Mapping[int, Sequence[Usage]],
    already: set[tuple[int, str, str]],
    settings: PolicySettings,
    today: date,
    baseline_done_on: date | None,
) -> Plan:
    """Everything that is due today. ``already``: (deprecation, target, threshold) recorded."""
    plan = Plan()
    first_run = baseline_done_on is None
    for dep in deprecations:
        days_left = (dep.window_closes_on - today).days
        for target, codebases in _targets(dep, usages.get(dep.id, ()), settings):
            decision = _due(dep, target, codebases, days_left, settings, baseline_done_on)
            if first_run and target not in plan.baseline_targets:
                plan.baseline_targets.append(target)
            if decision is None or (dep.id, target, decision.threshold) in already:
                continue
            if first_run and target == settings.default_channel and decision.kind in _DIGESTED:
                plan.covered.append(decision)  # told in the "monitoring started" digest
            else:
                plan.decisions.append(decision)
    return plan


def _targets(
    dep: DeprecationState, usages: Sequence[Usage], settings: PolicySettings
) -> list[tuple[str, tuple[str, ...]]]:
    by_channel: dict[str, list[str]] = {}
    for usage in usages:
        if usage.open_uses > 0 and usage.channel:
            by_channel.setdefault(usage.channel, []).append(usage.codebase)
    targets = [(channel, tuple(sorted(names))) for channel, names in sorted(by_channel.items())]
    if settings.default_channel and settings.default_channel not in by_channel:
        users = tuple(sorted(u.codebase for u in usages if u.open_uses > 0))
        targets.insert(0, (settings.default_channel, users if users else ()))
    return targets


def _due(
    dep: DeprecationState,
    target: str,
    codebases: tuple[str, ...],
    days_left: int,
    settings: PolicySettings,
    baseline_done_on: date | None,
) -> Decision | None:
    used = bool(codebases)
    if dep.status == "disappeared":
        return (
            Decision(dep.id, target, "removed", "removed", days_left, codebases) if used else None
        )
    if days_left < 0:
        if not used:
            return None
        # The closing day had its own alert (threshold 0); then one per cadence.
        round_ = (-days_left) // settings.closed_reminder_days
        if round_ == 0:
            return None
        return Decision(dep.id, target, "closed", f"closed-{round_}", days_left, codebases)
    due = [t for t in settings.thresholds_days if days_left <= t]
    if due:
        threshold = min(due)
        return Decision(dep.id, target, "threshold", str(threshold), days_left, codebases)
    if baseline_done_on is not None and dep.first_seen_on > baseline_done_on:
        return Decision(dep.id, target, "announced", "announced", days_left, codebases)
    return None


def over_cap(
    decisions: Sequence[Decision], sent_last_hour: Mapping[str, int], cap: int
) -> tuple[list[Decision], dict[str, list[Decision]]]:
    """Split into messages to send one by one and, per channel, the rest to fold into one
    digest: a burst past the hourly cap becomes a single message instead of a flood."""
    by_target: dict[str, list[Decision]] = {}
    for decision in sorted(decisions, key=lambda d: (d.days_left, d.deprecation_id)):
        by_target.setdefault(decision.target, []).append(decision)
    keep: list[Decision] = []
    folded: dict[str, list[Decision]] = {}
    for target, planned in by_target.items():
        room = cap - sent_last_hour.get(target, 0)
        if len(planned) <= room:
            keep.extend(planned)
            continue
        singles = max(room - 1, 0)  # one slot is left for the digest itself
        keep.extend(planned[:singles])
        folded[target] = planned[singles:]
    return keep, folded


def in_quiet_hours(local_hour_minute: tuple[int, int], quiet_hours: str) -> bool:
    """``quiet_hours`` is "HH:MM-HH:MM" in local time and may wrap past midnight."""
    if not quiet_hours:
        return False
    start_text, end_text = quiet_hours.split("-")
    start = _minutes(start_text)
    end = _minutes(end_text)
    now = local_hour_minute[0] * 60 + local_hour_minute[1]
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)
