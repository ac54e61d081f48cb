"""Running one stage as a recorded job run: shared by the daemon's jobs and `once`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from monitor.daemon.runs import finish_run, start_run
from monitor.daemon.stages import StageOutcome
from monitor.store.database import Database

log = logging.getLogger(__name__)


def recorded(
    database: Database,
    job: str,
    now: datetime,
    runner: str,
    call: Callable[[], StageOutcome],
    clock: Callable[[], datetime],
) -> tuple[StageOutcome, float]:
    """Run ``call`` between a ``running`` row and its outcome; an exception becomes a failure.

    Returns the outcome and the wall time in seconds. The error is logged with the job and
    run id, so the log line and the ``job_runs`` row can be matched.
    """
    started = time.monotonic()
    run_id = start_run(database, job, now, runner)
    try:
        outcome = call()
    except Exception as exc:  # one failing stage must never stop the others
        log.exception("job %s raised", job, extra={"job": job, "run_id": run_id})
        outcome = StageOutcome(False, {}, f"{type(exc).__name__}: {exc}", "raised")
    seconds = time.monotonic() - started
    summary = {**outcome.summary, "seconds": round(seconds, 3)}
    finish_run(database, run_id, clock(), outcome.ok, summary, outcome.error)
    if outcome.ok:
        log.info("job %s done: %s", job, outcome.description, extra={"job": job})
    else:
        log.error("job %s failed: %s", job, outcome.error, extra={"job": job, "run_id": run_id})
    return outcome, seconds
