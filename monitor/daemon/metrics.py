"""Prometheus metrics: counters the jobs update, gauges read from the database per scrape.

Gauges come from the database at scrape time (a custom collector) rather than being
pushed by jobs, so they are right even for work done by the CLI or another replica.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from monitor.store.counts import store_counts
from monitor.store.database import Database
from monitor.store.models import Deprecation

_PREFIX = "connect_monitor"
_DURATION_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


def days_until(closes_on: date | None, today: date) -> int | None:
    """Whole days from ``today`` to a window's close (negative once it has closed)."""
    return None if closes_on is None else (closes_on - today).days


class DaemonMetrics:
    """The registry served on /metrics; jobs record into it through the helpers below."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.job_runs = Counter(
            f"{_PREFIX}_job_runs",
            "Job runs by job and outcome (ok, failed, skipped for backoff).",
            ["job", "status"],
            registry=self.registry,
        )
        self.job_duration = Histogram(
            f"{_PREFIX}_job_duration_seconds",
            "Wall time of job runs.",
            ["job"],
            buckets=_DURATION_BUCKETS,
            registry=self.registry,
        )
        self.fetches = Counter(
            f"{_PREFIX}_fetches",
            "Docs page fetches by result (ok, not_modified, failed).",
            ["status"],
            registry=self.registry,
        )

    def record_run(self, job: str, status: str, seconds: float | None = None) -> None:
        self.job_runs.labels(job=job, status=status).inc()
        if seconds is not None:
            self.job_duration.labels(job=job).observe(seconds)

    def record_fetches(self, counts: dict[str, int]) -> None:
        for status, count in counts.items():
            if count:
                self.fetches.labels(status=status).inc(count)

    def watch_database(self, database: Database, clock: Callable[[], datetime]) -> None:
        self.registry.register(StoreCollector(database, clock))


class StoreCollector(Collector):
    """Reads current counts from the database each time Prometheus scrapes."""

    def __init__(self, database: Database, clock: Callable[[], datetime]) -> None:
        self.database = database
        self.clock = clock

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # dynamic: nothing to check at registration time

    def collect(self) -> Iterator[GaugeMetricFamily]:
        deprecations = GaugeMetricFamily(
            f"{_PREFIX}_deprecations", "Stored deprecations by status.", labels=["status"]
        )
        alerts = GaugeMetricFamily(
            f"{_PREFIX}_alerts", "Alert outbox rows by state.", labels=["state"]
        )
        findings = GaugeMetricFamily(
            f"{_PREFIX}_open_findings", "Open uses of deprecated items across codebases."
        )
        next_close = GaugeMetricFamily(
            f"{_PREFIX}_days_until_next_window_closes",
            "Days until the soonest support window of an active deprecation closes.",
        )
        today = self.clock().date()
        with self.database.sessions() as session:
            counts = store_counts(session)
            soonest = session.scalar(
                select(func.min(Deprecation.window_closes_on)).where(
                    Deprecation.status == "active", Deprecation.window_closes_on >= today
                )
            )
        for status, count in counts.deprecations.items():
            deprecations.add_metric([status], count)
        for state, count in counts.alerts.items():
            alerts.add_metric([state], count)
        findings.add_metric([], counts.open_findings)
        days = days_until(soonest, today)
        if days is not None:
            next_close.add_metric([], days)
        yield from (deprecations, alerts, findings, next_close)
