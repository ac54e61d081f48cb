"""The running daemon's state, reachable from the job functions the job store unpickles.

APScheduler pickles a job as a reference to a top-level callable plus its arguments; a
live database handle or settings object cannot travel that way. So jobs take no
arguments and find what they need here, installed once at start-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.clock import utc_now
from monitor.config.settings import Settings
from monitor.daemon.metrics import DaemonMetrics
from monitor.store.database import Database

FollowUp = Callable[[str], None]


@dataclass
class DaemonContext:
    settings: Settings
    database: Database
    metrics: DaemonMetrics
    runner: str = "daemon"
    periods: dict[str, timedelta] = field(default_factory=dict)  # for backoff
    clock: Callable[[], datetime] = utc_now
    follow_up: FollowUp | None = None  # brings a job's next run forward (set by the service)
    leader_check: Callable[[], bool] | None = None  # False once leadership is lost
    on_leadership_lost: Callable[[], None] | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    idle: threading.Event = field(default_factory=threading.Event)
    active_job: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.idle.set()

    def begin(self, job: str) -> bool:
        """Claim the process for one stage; False when shutting down (take no new work)."""
        with self._lock:
            if self.stopping.is_set():
                return False
            self.active_job = job
            self.idle.clear()
            return True

    def end(self) -> None:
        with self._lock:
            self.active_job = None
            self.idle.set()


_current: DaemonContext | None = None


def install(context: DaemonContext | None) -> None:
    global _current  # noqa: PLW0603 - the registry is this module's whole purpose
    _current = context


def current() -> DaemonContext:
    if _current is None:
        raise RuntimeError(
            "no daemon context installed: jobs run only inside `connect-monitor run`"
        )
    return _current
