"""`connect-monitor once`: every stage a single time, in pipeline order, each recorded.

A failing stage does not stop the later ones (a scan is still worth running when one
docs page failed); the caller turns any failure into exit code 3. The report stage
builds and stores the current week and posts it only when asked, like `report --post`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TextIO

from monitor.config.settings import Settings
from monitor.daemon.execute import recorded
from monitor.daemon.stages import STAGE_FUNCTIONS, Stage, StageOutcome, report_stage
from monitor.daemon.triggers import REPORT, STAGES
from monitor.store.database import Database

RUNNER = "once"


@dataclass
class OnceResult:
    stages: list[tuple[str, StageOutcome]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(outcome.ok for _, outcome in self.stages)

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "stages": [
                {
                    "stage": name,
                    "ok": outcome.ok,
                    "error": outcome.error,
                    "description": outcome.description,
                    "summary": outcome.summary,
                }
                for name, outcome in self.stages
            ],
        }


def run_once(
    settings: Settings,
    database: Database,
    now: datetime,
    clock: Callable[[], datetime],
    *,
    post: bool = False,
    console: TextIO | None = None,
) -> OnceResult:
    result = OnceResult()
    # The current week, built and posted only when asked; the other stages run as scheduled.
    report = partial(report_stage, just_ended=False, post=post, clock=clock, console=console)
    stages: dict[str, Stage] = STAGE_FUNCTIONS | {REPORT: report}
    for name in STAGES:
        call = partial(stages[name], settings, database, now)
        outcome, _ = recorded(database, name, now, RUNNER, call, clock)
        result.stages.append((name, outcome))
    return result
