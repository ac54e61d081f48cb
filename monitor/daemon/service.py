"""`connect-monitor run`: the daemon process from start to exit.

Start: check the schedules, open (and upgrade) the database, take the daemon lock (or
stand by for it on PostgreSQL), mark runs a crash interrupted, log the effective
configuration and next run times, then hand the main thread to APScheduler.

Stop: the first SIGTERM/SIGINT stops taking new work and gives the running job
``schedule.shutdown_grace_seconds`` to finish; then the database is closed and the
process exits 0. A second signal exits at once (code 3). Nothing here needs to survive a
SIGKILL: every stage commits in short transactions, the outbox leases guard Slack
posts, and the next start turns an interrupted run into a failed one and runs it again.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from types import FrameType
from typing import Any

from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import text

from monitor.clock import utc_now
from monitor.config.masking import masked_settings
from monitor.config.settings import Settings
from monitor.daemon import context as registry
from monitor.daemon.context import DaemonContext
from monitor.daemon.http import MetricsServer
from monitor.daemon.jobstore import remove_job_row, stored_plans
from monitor.daemon.locks import DaemonLock, lock_for
from monitor.daemon.metrics import DaemonMetrics
from monitor.daemon.runs import recover_interrupted
from monitor.daemon.scheduler import (
    bring_forward,
    build_scheduler,
    register_jobs,
    stage_periods,
    stage_triggers,
)
from monitor.daemon.triggers import HEARTBEAT, STAGES
from monitor.errors import EXIT_OK, EXIT_RUNTIME, RuntimeFailure
from monitor.store.database import Database, open_database
from monitor.store.engine import make_engine

log = logging.getLogger(__name__)


class DaemonAlreadyRunning(RuntimeFailure):
    """Another daemon holds this database's lock (exit code 3)."""


@dataclass(frozen=True, slots=True)
class DaemonOptions:
    heartbeat_seconds: float = 30.0
    standby_poll_seconds: float = 5.0


@dataclass
class _Stopper:
    """Turns signals (and a lost leadership) into one orderly stop; a second signal is final."""

    stop: threading.Event = field(default_factory=threading.Event)
    exit_code: int = EXIT_OK
    scheduler: BlockingScheduler | None = None
    context: DaemonContext | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.stop.is_set():
            sys.stderr.write(f"connect-monitor: second {name}, exiting now\n")
            sys.stderr.flush()
            os._exit(EXIT_RUNTIME)
        log.info("received %s: finishing the running job, then stopping", name)
        self.request(EXIT_OK)

    def request(self, code: int) -> None:
        if self.stop.is_set():
            return
        self.exit_code = code
        self.stop.set()
        if self.context is not None:
            self.context.stopping.set()
        # Shut the scheduler down from a helper thread: a signal handler may have
        # interrupted the main thread while it held the scheduler's locks.
        threading.Thread(target=self._stop_scheduler, name="stopper", daemon=True).start()

    def _stop_scheduler(self) -> None:
        while not self.finished.is_set():
            scheduler = self.scheduler
            if scheduler is not None and scheduler.state == STATE_RUNNING:
                scheduler.shutdown(wait=False)
                return
            time.sleep(0.05)


def run_daemon(settings: Settings, options: DaemonOptions) -> int:
    """Run until stopped; returns the exit code."""
    triggers = stage_triggers(settings)  # a bad schedule fails here, before anything starts
    storage = settings.storage
    assert storage.database_url is not None
    database = open_database(storage.database_url, storage.busy_timeout_seconds)
    stopper = _Stopper()
    stopper.install()
    metrics = DaemonMetrics()
    context = DaemonContext(settings, database, metrics)
    stopper.context = context
    metrics.watch_database(database, utc_now)
    role = {"state": "starting"}
    lock = lock_for(settings)
    server = None
    try:
        leading = _first_try(lock, database)
        server = _start_server(settings, database, metrics, role)
        if not leading and not _stand_by(lock, options, stopper, role):
            return EXIT_OK
        role["state"] = "leader"
        return _lead(settings, database, lock, triggers, context, options, stopper)
    finally:
        if server is not None:
            server.stop()
        lock.release()
        database.close()


def _first_try(lock: DaemonLock, database: Database) -> bool:
    """True when this process leads; refuses (exit 3) where a second daemon cannot wait."""
    if lock.try_acquire():
        log.info("took the daemon lock (%s)", lock.describe())
        return True
    if not lock.can_wait:
        raise DaemonAlreadyRunning(
            f"another connect-monitor daemon is already running on {database.display_url} "
            f"({lock.describe()}); stop it first. CLI commands such as `status` keep working."
        )
    return False


def _stand_by(
    lock: DaemonLock, options: DaemonOptions, stopper: _Stopper, role: dict[str, str]
) -> bool:
    """Poll for the leader lock until it is ours (True) or we are told to stop (False)."""
    role["state"] = "standby"
    log.info(
        "another replica is the leader; standing by (checking every %ss)",
        options.standby_poll_seconds,
    )
    while not stopper.stop.wait(options.standby_poll_seconds):
        if lock.try_acquire():
            log.info("the leader is gone: taking over (%s)", lock.describe())
            return True
    log.info("stopped while standing by")
    return False


def _lead(
    settings: Settings,
    database: Database,
    lock: DaemonLock,
    triggers: dict[str, Any],
    context: DaemonContext,
    options: DaemonOptions,
    stopper: _Stopper,
) -> int:
    now = utc_now()
    context.periods = stage_periods(triggers, now)
    if lock.can_wait:
        context.leader_check = lock.still_held
        context.on_leadership_lost = lambda: stopper.request(EXIT_RUNTIME)
    redo = recover_interrupted(database, now, context.runner, STAGES)
    if redo:
        log.warning("runs interrupted by an earlier stop will run again now: %s", ", ".join(redo))
    store_engine = make_engine(
        settings.storage.database_url or "", settings.storage.busy_timeout_seconds
    )
    scheduler = build_scheduler(settings, store_engine)
    stopper.scheduler = scheduler
    first_runs = register_jobs(
        scheduler,
        settings,
        triggers,
        stored_plans(store_engine),
        now,
        redo,
        options.heartbeat_seconds,
    )
    context.follow_up = lambda job: bring_forward(scheduler, job, utc_now())
    registry.install(context)
    _log_start(settings, first_runs)
    try:
        if not stopper.stop.is_set():
            scheduler.start()  # blocks until the stopper shuts it down
    finally:
        stopper.finished.set()
    return _wind_down(settings, context, store_engine, stopper)


def _wind_down(
    settings: Settings, context: DaemonContext, store_engine: Any, stopper: _Stopper
) -> int:
    grace = settings.schedule.shutdown_grace_seconds
    finished = context.idle.wait(grace)
    if stopper.exit_code == EXIT_OK:
        remove_job_row(store_engine, HEARTBEAT)  # a clean stop is not "down"
    store_engine.dispose()
    registry.install(None)
    if finished:
        log.info("stopped cleanly")
        return stopper.exit_code
    log.warning(
        "job %s still running after %ss; exiting without it (the next start runs it again)",
        context.active_job,
        grace,
    )
    context.database.close()
    logging.shutdown()
    sys.stdout.flush()
    os._exit(stopper.exit_code)  # the worker thread would otherwise hold the process open


def _start_server(
    settings: Settings, database: Database, metrics: DaemonMetrics, role: dict[str, str]
) -> MetricsServer | None:
    if not settings.server.enabled:
        return None

    def health() -> tuple[bool, dict[str, Any]]:
        try:
            with database.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:
            return False, {"state": role["state"], "database": f"unusable: {exc}"}
        return role["state"] in ("leader", "standby"), {"state": role["state"], "database": "ok"}

    server = MetricsServer(settings.server.host, settings.server.port, health, metrics.registry)
    return server.start()


def _log_start(settings: Settings, first_runs: dict[str, datetime | None]) -> None:
    log.info("effective configuration", extra={"config": masked_settings(settings)})
    for job, when in first_runs.items():
        schedule = getattr(settings.schedule, job)
        shown = when.isoformat(timespec="seconds") if when else "never"
        log.info("job %s (%s): next run %s", job, schedule, shown)
