"""Backing off a job that keeps failing (pure): skip scheduled runs, doubling each time.

One failure is treated as a blip: the next scheduled run goes ahead. After ``n >= 2``
consecutive failures the job pauses for ``period * 2**(n-1)`` from the start of the last
failed run (so 1, 3, 7 … scheduled runs are skipped), capped at ``max(period, cap)``:
a broken docs site is not hammered every few minutes, and a fixed one is picked up
again within a bounded time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_CAP = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class FailureStreak:
    count: int  # consecutive failed runs, newest first, up to the last success
    last_started_at: datetime | None  # when the newest of them started


def backoff_delay(failures: int, period: timedelta, cap: timedelta = DEFAULT_CAP) -> timedelta:
    if failures <= 1 or period <= timedelta(0):
        return timedelta(0)
    exponent = min(failures - 1, 30)  # keep the multiplication bounded
    return min(period * (1 << exponent), max(period, cap))


def resume_at(
    streak: FailureStreak, period: timedelta, cap: timedelta = DEFAULT_CAP
) -> datetime | None:
    """When the job may run again, or None when it may run now (no backoff in force)."""
    if streak.last_started_at is None:
        return None
    delay = backoff_delay(streak.count, period, cap)
    return streak.last_started_at + delay if delay > timedelta(0) else None


def should_skip(
    streak: FailureStreak, period: timedelta, now: datetime, cap: timedelta = DEFAULT_CAP
) -> bool:
    until = resume_at(streak, period, cap)
    # Slack for scheduling jitter: a run firing a hair before the pause ends still runs.
    return until is not None and now + min(period / 10, timedelta(seconds=5)) < until
