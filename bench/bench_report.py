"""Weekly report at scale: 500 deprecations, 300 codebases, 200,000 findings.

Seeds a throw-away SQLite database with bulk inserts, then times query + build + render
(Markdown, HTML, JSON, Slack) and measures its peak Python memory. A plain full scan of
the findings table is timed in the same process as the yardstick, so the ratio means
something on any machine. Targets: under 5 s and under 300 MB.

    python bench/bench_report.py [--findings 200000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from monitor.report.build import build_report
from monitor.report.query import load_inputs
from monitor.report.render import FORMATS, render
from monitor.report.weeks import week_of
from monitor.store.database import Database, open_database
from monitor.store.models import Codebase, Deprecation, Finding, ScanRun

NOW = datetime(2026, 5, 14, 12, tzinfo=UTC)
TARGET_SECONDS = 5.0
TARGET_MB = 300.0
BATCH = 20_000


def seed(database: Database, deprecations: int, codebases: int, findings: int) -> None:
    rng = random.Random(20260514)
    start = NOW - timedelta(days=200)
    with database.engine.begin() as conn:
        conn.execute(
            insert(Deprecation.__table__),
            [
                {
                    "natural_key": f"bench-{n}",
                    "kind": rng.choice(["field", "endpoint", "enum_value"]),
                    "action": "deprecated",
                    "surface": rng.choice(["Connect Fulfillment API", "Carrot Ads API", "Catalog"]),
                    "items": [f"Object{n}.field_{n}", f"Object{n}.other_{n}"][: 1 + n % 2],
                    "title": f"Field {n} is going away | replaced <soon>",
                    "announced_on": date(2025, 12, 1) + timedelta(days=n % 160),
                    "announced_on_source": "changelog",
                    "window_closes_on": date(2026, 6, 1) + timedelta(days=n % 160),
                    "replacement": f"Object{n}.new_field" if n % 3 else None,
                    "source_url": f"https://docs.instacart.com/x/changelog#{n}",
                    "origin": "changelog",
                    "status": "active",
                    "first_seen_at": start,
                    "last_seen_at": NOW,
                }
                for n in range(deprecations)
            ],
        )
        conn.execute(
            insert(Codebase.__table__),
            [
                {
                    "name": f"repo-{n:03d}",
                    "location": f"/src/repo-{n}",
                    "owner": f"team-{n % 40}",
                    "channel": f"#team-{n % 40}",
                    "include": [],
                    "exclude": [],
                    "created_at": start,
                }
                for n in range(codebases)
            ],
        )
        conn.execute(
            insert(ScanRun.__table__),
            [
                {
                    "codebase_id": cb + 1,
                    "started_at": NOW - timedelta(days=day, hours=cb % 12),
                    "status": "ok",
                    "open_uses": rng.randint(0, 900),
                }
                for cb in range(codebases)
                for day in range(0, 84, 3)
            ],
        )
        rows: list[dict[str, Any]] = []
        for n in range(findings):
            seen = start + timedelta(minutes=rng.randint(0, 200 * 24 * 60))
            fixed = seen + timedelta(days=rng.randint(1, 60)) if rng.random() < 0.2 else None
            rows.append(
                {
                    "codebase_id": 1 + n % codebases,
                    "deprecation_id": 1 + rng.randrange(deprecations),
                    "fingerprint": f"{n:08x}",
                    "rule": "field",
                    "item": f"Object{n % deprecations}.field_{n % deprecations}",
                    "category": "mention" if rng.random() < 0.05 else "use",
                    "confidence": "high",
                    "reason": "bench",
                    "path": f"src/pkg{n % 97}/module_{n % 1013}.py",
                    "line": 1 + n % 4000,
                    "column": 1,
                    "end_column": 12,
                    "snippet": "order.field_x = 1",
                    "suppressed": rng.random() < 0.02,
                    "first_seen_at": seen,
                    "last_seen_at": NOW,
                    "fixed_at": fixed if fixed is None or fixed < NOW else None,
                }
            )
            if len(rows) == BATCH:
                conn.execute(insert(Finding.__table__), rows)
                rows = []
        if rows:
            conn.execute(insert(Finding.__table__), rows)


def report_once(database: Database) -> dict[str, int]:
    """Query, build and render every format; returns the size of each output."""
    week = week_of(NOW.date())
    with database.sessions() as session:
        inputs = load_inputs(session, week, NOW, 12)
    report = build_report(inputs, week, NOW.date(), NOW, 12)
    return {fmt: len(render(report, fmt)) for fmt in FORMATS}


def reference(database: Database) -> int:
    """The yardstick: one full pass over the findings table."""
    with database.sessions() as session:
        return int(
            session.scalar(select(func.count()).select_from(Finding).where(Finding.line > 0)) or 0
        )


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def peak_mb(action: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deprecations", type=int, default=500)
    parser.add_argument("--codebases", type=int, default=300)
    parser.add_argument("--findings", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="Keep the database in this directory.")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        return run(args, Path(folder))


def run(args: argparse.Namespace, folder: Path) -> int:
    database = open_database(f"sqlite:///{folder}/bench.db")
    seconds, _ = timed(lambda: seed(database, args.deprecations, args.codebases, args.findings))
    print(f"seeded {args.findings:,} findings in {seconds:.1f} s ({folder}/bench.db)")

    reference(database)  # warm the page cache for both measurements
    ref_seconds, count = timed(lambda: reference(database))
    report_seconds, sizes = timed(lambda: report_once(database))
    memory = peak_mb(lambda: report_once(database))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = report_seconds / ref_seconds if ref_seconds else float("inf")
    print(f"reference scan of {count:,} findings: {ref_seconds * 1000:.0f} ms")
    print(
        f"query+build+render: {report_seconds:.2f} s (target < {TARGET_SECONDS:.0f} s), "
        f"{ratio:.1f}x the reference scan"
    )
    print(
        f"peak Python memory: {memory:.0f} MB (target < {TARGET_MB:.0f} MB); "
        f"process max RSS {rss_mb:.0f} MB"
    )
    print("output sizes: " + ", ".join(f"{k} {v:,} chars" for k, v in sizes.items()))
    database.close()
    ok = report_seconds < TARGET_SECONDS and memory < TARGET_MB
    print("OK" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
