"""Seeding deprecations and findings, and running alerts against the fake Slack server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select

from monitor.config import Settings, load_settings
from monitor.domain import window_closes_on
from monitor.notify.service import AlertRunSummary, run_alerts, sink_for
from monitor.store.database import Database, open_database
from monitor.store.models import Alert, Codebase, Deprecation, Finding

TOKEN = "test-bot-token"


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


@dataclass
class AlertWorld:
    settings: Settings
    database: Database
    slept: list[float] = field(default_factory=list)

    def run(self, day: date | datetime, **kwargs: Any) -> AlertRunSummary:
        now = day if isinstance(day, datetime) else noon(day)
        return run_alerts(
            self.settings,
            self.database,
            now,
            sink=sink_for(self.settings),
            clock=lambda: now,
            sleep=self.slept.append,
            **kwargs,
        )

    def add_deprecation(
        self,
        items: tuple[str, ...],
        announced: date,
        first_seen: date | None = None,
        status: str = "active",
        effective: date | None = None,
    ) -> int:
        seen = noon(first_seen or announced)
        with self.database.transaction() as session:
            row = Deprecation(
                natural_key=f"test:{items}:{announced}",
                kind="field",
                action="deprecated",
                surface="Developer Platform API",
                items=list(items),
                title=f"{', '.join(items)} deprecated",
                announced_on=announced,
                announced_on_source="changelog",
                effective_on=effective,
                window_closes_on=window_closes_on(announced, effective),
                replacement="line_item_measurements",
                source_url="https://docs.instacart.com/developer_platform_api/api/changelog#x",
                origin="changelog",
                status=status,
                first_seen_at=seen,
                last_seen_at=seen,
            )
            session.add(row)
            session.flush()
            return row.id

    def add_codebase(self, name: str, channel: str | None) -> int:
        with self.database.transaction() as session:
            codebase = Codebase(
                name=name,
                location=f"/srv/{name}",
                channel=channel,
                link_template="https://git.example.test/{path}#L{line}",
            )
            session.add(codebase)
            session.flush()
            return codebase.id

    def add_findings(self, codebase_id: int, deprecation_id: int, count: int = 1) -> None:
        with self.database.transaction() as session:
            for n in range(count):
                session.add(
                    Finding(
                        codebase_id=codebase_id,
                        deprecation_id=deprecation_id,
                        fingerprint=f"fp-{codebase_id}-{deprecation_id}-{n}",
                        rule="field",
                        item="LineItem.quantity",
                        category="use",
                        confidence="high",
                        reason="key in a request body",
                        path=f"src/module_{n}.py",
                        line=10 + n,
                        column=5,
                        end_column=15,
                        snippet='"quantity": 2',
                    )
                )

    def fix_findings(self, codebase_id: int, day: date) -> None:
        with self.database.transaction() as session:
            for finding in session.scalars(
                select(Finding).where(Finding.codebase_id == codebase_id)
            ):
                finding.fixed_at = noon(day)

    def alerts(self) -> list[Alert]:
        with self.database.sessions() as session:
            return list(session.scalars(select(Alert).order_by(Alert.id)))


def make_world(tmp_path: Path, slack_api_url: str | None, **env: str) -> AlertWorld:
    environ = {
        "HOME": str(tmp_path),
        "CONNECT_MONITOR_DATA_DIR": str(tmp_path / "data"),
        "SLACK_DEFAULT_CHANNEL": "#deprecations",
        **env,
    }
    settings, _ = load_settings(environ=environ)
    if slack_api_url:
        slack = settings.slack.model_copy(
            update={
                "bot_token": SecretStr(TOKEN),
                "base_url": slack_api_url,
                "timeout_seconds": 1.0,
            }
        )
        settings = settings.model_copy(update={"slack": slack})
    assert settings.storage.database_url is not None
    return AlertWorld(settings, open_database(settings.storage.database_url))


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
