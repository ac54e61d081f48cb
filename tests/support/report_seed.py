"""The seeded week every report test uses: 2026-W20 with the clock pinned.

The week runs Monday 2026-05-11 to Sunday 2026-05-17 and the clock is pinned at
2026-05-14 12:00 UTC. Each row exists to exercise one rule: a suppressed use, a mention, a
use fixed last week, a deprecation that disappeared this week, a failed scan run, and so on.
``GOLDEN`` is the JSON report of that week; the ``seeded_db`` fixture (tests/conftest.py)
is a SQLite database holding it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from monitor.report.weeks import IsoWeek
from monitor.store.models import (
    Alert,
    ChangelogEntryRow,
    Codebase,
    Deprecation,
    DeprecationEvent,
    Finding,
    JobRun,
    ScanRun,
    Source,
)

GOLDEN = Path(__file__).parents[1] / "fixtures" / "report" / "week-2026-W20.json"
WEEK = IsoWeek(2026, 20)
TODAY = date(2026, 5, 14)
NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
DOCS = "https://docs.instacart.com"
TRICKY_ENTRY = "Added <script>alert(1)</script> | a filter & more for `priority_eta`"
JOB_ERROR = 'HTTP 503 from <b>docs</b> | gave up & "stopped"'
TRACEBACK = 'Traceback (most recent call last):\n  File "monitor/daemon/jobs.py", line 1'


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _dep(key: str, **values: object) -> Deprecation:
    defaults: dict[str, object] = {
        "natural_key": key,
        "action": "deprecated",
        "announced_on_source": "changelog",
        "origin": "changelog",
        "status": "active",
        "first_seen_at": at("2026-01-05 06:00"),
        "last_seen_at": at("2026-05-14 06:00"),
    }
    defaults.update(values)
    return Deprecation(**defaults)


def _deprecations() -> dict[str, Deprecation]:
    fulfillment = f"{DOCS}/connect/api/fulfillment"
    return {
        "line_item": _dep(
            "line_item",
            kind="field",
            surface="Developer Platform API",
            items=["LineItem.quantity", "LineItem.unit"],
            title="quantity and unit on LineItem are deprecated",
            announced_on=date(2026, 3, 18),
            window_closes_on=date(2026, 9, 18),
            replacement="line_item_measurements",
            source_url=f"{DOCS}/developer_platform_api/api/changelog#march-18-2026",
        ),
        "e164": _dep(
            "e164",
            kind="breaking_change",
            action="breaking",
            surface="Connect Fulfillment API",
            items=["user_phone", "phone_number"],
            title="Phone numbers must be E.164",
            announced_on=date(2026, 5, 12),
            effective_on=date(2026, 6, 9),
            window_closes_on=date(2026, 6, 9),
            source_url=f"{fulfillment}/changelog#may-12-2026",
            first_seen_at=at("2026-05-12 06:00"),
        ),
        "get_orders": _dep(
            "get_orders",
            kind="endpoint",
            surface="Connect Fulfillment API",
            items=["GET /v2/fulfillment/users/{user_id}/orders"],
            title="Get orders",
            announced_on=date(2025, 12, 1),
            announced_on_source="first_seen",
            window_closes_on=date(2026, 6, 1),
            source_url=f"{fulfillment}/delivery/get_orders",
            origin="deprecated_page",
            first_seen_at=at("2025-12-01 06:00"),
        ),
        "lastmile_create": _dep(
            "lastmile_create",
            kind="endpoint",
            surface="Connect Fulfillment API",
            items=["POST /v2/fulfillment/lastmile/users/{user_id}/orders"],
            title="Create a last mile delivery order",
            announced_on=date(2025, 12, 1),
            announced_on_source="first_seen",
            window_closes_on=date(2026, 6, 1),
            replacement="POST /v2/fulfillment/users/{user_id}/orders/last_mile",
            source_url=f"{fulfillment}/lastmile/create_order",
            origin="deprecated_page",
            first_seen_at=at("2025-12-01 06:00"),
        ),
        "asap": _dep(
            "asap",
            kind="removed_value",
            action="removed",
            surface="Connect Fulfillment API",
            items=["service_options[].window.type=asap"],
            title="asap is no longer a window type",
            announced_on=date(2024, 11, 18),
            window_closes_on=date(2025, 5, 18),
            replacement="priority_eta",
            source_url=f"{fulfillment}/changelog#november-18-2024",
            first_seen_at=at("2025-11-20 06:00"),
        ),
        "is_express": _dep(
            "is_express",
            kind="field",
            surface="Connect Fulfillment API",
            items=["is_express"],
            title="is_express | use <is_instacartplus>",
            announced_on=date(2026, 1, 10),
            announced_on_source="first_seen",
            window_closes_on=date(2026, 7, 10),
            replacement="is_instacartplus",
            source_url=f"{fulfillment}/reference/order",
            origin="reference_page",
            first_seen_at=at("2026-01-10 06:00"),
        ),
        "currency": _dep(
            "currency",
            kind="field",
            action="removed",
            surface="Carrot Ads API",
            items=["OrderProperties.currency"],
            title="currency removed from OrderProperties",
            announced_on=date(2024, 10, 25),
            window_closes_on=date(2025, 4, 25),
            source_url=f"{DOCS}/ads/api/ads/changelog#october-25-2024",
            status="disappeared",
            disappeared_at=at("2026-05-13 06:00"),
        ),
        "gone_long_ago": _dep(
            "gone_long_ago",
            kind="field",
            surface="Catalog",
            items=["Item.legacy_code"],
            title="legacy code",
            announced_on=date(2025, 9, 1),
            window_closes_on=date(2026, 3, 1),
            source_url=f"{DOCS}/catalog/changelog#september-1-2025",
            status="disappeared",
            disappeared_at=at("2026-04-01 06:00"),
        ),
        "catalog_copy": _dep(
            "catalog_copy",
            kind="field",
            surface="Developer Platform API",
            items=["LineItem.quantity"],
            title="bundled copy",
            announced_on=date(2026, 3, 18),
            announced_on_source="catalog",
            window_closes_on=date(2026, 9, 18),
            source_url=f"{DOCS}/developer_platform_api/api/changelog",
            origin="catalog",
            status="superseded",
        ),
    }


def _finding(
    codebase: Codebase,
    dep: Deprecation | None,
    n: int,
    *,
    item: str,
    path: str,
    line: int,
    first_seen: str,
    fixed: str | None = None,
    category: str = "use",
    suppressed: bool = False,
) -> Finding:
    return Finding(
        codebase=codebase,
        deprecation_id=dep.id if dep else None,
        fingerprint=f"{codebase.name}-{n}",
        rule="field",
        item=item,
        category=category,
        confidence="high",
        reason="seeded",
        path=path,
        line=line,
        column=1,
        end_column=10,
        snippet="x",
        suppressed=suppressed,
        first_seen_at=at(first_seen),
        last_seen_at=at("2026-05-14 03:30"),
        fixed_at=at(fixed) if fixed else None,
    )


def _run(codebase: Codebase, started: str, open_uses: int, status: str = "ok") -> ScanRun:
    return ScanRun(
        codebase=codebase,
        started_at=at(started),
        finished_at=at(started),
        status=status,
        open_uses=open_uses,
    )


def seed_week(session: Session) -> dict[str, Deprecation]:
    """Write the seeded week; returns the deprecation rows by short name."""
    deps = _deprecations()
    session.add_all(deps.values())
    session.flush()
    created = at("2026-01-01 00:00")
    store = Codebase(
        name="storefront",
        location="/src/storefront",
        owner="web-team",
        channel="#web",
        created_at=created,
    )
    fulfil = Codebase(
        name="fulfillment-svc", location="/src/fulfil", owner="ops", created_at=created
    )
    legacy = Codebase(name="legacy-tools", location="/src/legacy", created_at=created)
    session.add_all([store, fulfil, legacy])
    session.flush()
    e164, orders, create = deps["e164"], deps["get_orders"], deps["lastmile_create"]
    session.add_all(
        [
            # storefront: 3 open E.164 uses (one new this week), 2 open Get orders uses.
            _finding(
                store,
                e164,
                1,
                item="user_phone",
                path="src/checkout/phone.py",
                line=42,
                first_seen="2026-02-01 03:30",
            ),
            _finding(
                store,
                e164,
                2,
                item="phone_number",
                path="src/checkout/phone.py",
                line=77,
                first_seen="2026-03-01 03:30",
            ),
            _finding(
                store,
                e164,
                3,
                item="user_phone",
                path="src/orders/new.py",
                line=9,
                first_seen="2026-05-12 03:30",
            ),
            _finding(
                store,
                orders,
                4,
                item="GET /v2/fulfillment/users/{user_id}/orders",
                path="src/api/orders.py",
                line=15,
                first_seen="2026-02-10 03:30",
            ),
            _finding(
                store,
                orders,
                5,
                item="GET /v2/fulfillment/users/{user_id}/orders",
                path="src/api/history.py",
                line=3,
                first_seen="2026-02-10 03:30",
            ),
            # not counted: suppressed, a mention, and one fixed before the week
            _finding(
                store,
                deps["line_item"],
                6,
                item="LineItem.quantity",
                path="a.py",
                line=1,
                first_seen="2026-01-20 03:30",
                suppressed=True,
            ),
            _finding(
                store,
                deps["line_item"],
                7,
                item="LineItem.unit",
                path="README.md",
                line=4,
                first_seen="2026-01-20 03:30",
                category="mention",
            ),
            _finding(
                store,
                create,
                8,
                item="POST /v2/fulfillment/lastmile/users/{user_id}/orders",
                path="src/old.py",
                line=1,
                first_seen="2026-01-20 03:30",
                fixed="2026-05-05 03:30",
            ),
            # fixed this week: two in storefront
            _finding(
                store,
                create,
                9,
                item="POST /v2/fulfillment/lastmile/users/{user_id}/orders",
                path="src/lastmile.py",
                line=20,
                first_seen="2026-01-20 03:30",
                fixed="2026-05-12 03:30",
            ),
            _finding(
                store,
                create,
                10,
                item="POST /v2/fulfillment/lastmile/users/{user_id}/orders",
                path="src/lastmile.py",
                line=60,
                first_seen="2026-01-20 03:30",
                fixed="2026-05-13 03:30",
            ),
            # fulfillment-svc: 4 open last-mile uses (one new), 1 asap, 1 of the vanished item
            *[
                _finding(
                    fulfil,
                    create,
                    20 + n,
                    item="POST /v2/fulfillment/lastmile/users/{user_id}/orders",
                    path=f"svc/lastmile/client_{n}.go",
                    line=10 + n,
                    first_seen="2026-05-11 08:00" if n == 3 else "2026-01-15 03:30",
                )
                for n in range(4)
            ],
            _finding(
                fulfil,
                deps["asap"],
                30,
                item="service_options[].window.type=asap",
                path="svc/slots.go",
                line=88,
                first_seen="2025-12-20 03:30",
            ),
            _finding(
                fulfil,
                deps["currency"],
                31,
                item="OrderProperties.currency",
                path="svc/ads|ingest.go",
                line=5,
                first_seen="2026-01-15 03:30",
            ),
            _finding(
                fulfil,
                orders,
                32,
                item="GET /v2/fulfillment/users/{user_id}/orders",
                path="svc/orders.go",
                line=7,
                first_seen="2026-01-15 03:30",
                fixed="2026-05-11 03:30",
            ),
        ]
    )
    session.add_all(
        [
            _run(store, "2026-02-20 03:30", 99),  # W08: before the trend window
            _run(store, "2026-04-21 03:30", 9),  # W17
            _run(store, "2026-04-27 03:30", 8),  # W18, then a later run the same week
            _run(store, "2026-05-02 03:30", 7),
            _run(store, "2026-05-05 03:30", 7),  # W19
            _run(store, "2026-05-13 03:30", 5),  # W20
            _run(fulfil, "2026-04-28 03:30", 7),  # W18
            _run(fulfil, "2026-05-06 03:30", 0, status="failed"),  # W19: ignored
            _run(fulfil, "2026-05-13 03:40", 6),  # W20
        ]
    )
    _seed_docs(session, deps)
    _seed_jobs(session)
    return deps


def _job(job: str, started: str, status: str, error: str | None = None) -> JobRun:
    return JobRun(
        job=job, started_at=at(started), finished_at=at(started), status=status, error=error
    )


def _seed_jobs(session: Session) -> None:
    session.add_all(
        [
            _job("scrape", "2026-05-13 06:00", "failed", f"{JOB_ERROR}\n{TRACEBACK}"),  # listed
            _job("scan", "2026-05-13 03:30", "ok"),  # ok: not listed
            _job("scan", "2026-05-10 23:59", "failed", "last week"),  # W19
            _job("scan", "2026-05-14 13:00", "failed", "after the cutoff"),  # after NOW
        ]
    )


def _entry(
    key: str, surface: str, day: date, text: str, url: str, seen: str, **extra: object
) -> ChangelogEntryRow:
    return ChangelogEntryRow(
        stable_key=key,
        surface=surface,
        entry_date=day,
        position=0,
        text=text,
        html=f"<li>{text}</li>",
        content_hash=key[:16],
        source_url=url,
        first_seen_at=at(seen),
        last_seen_at=at("2026-05-14 06:00"),
        **extra,
    )


def _seed_docs(session: Session, deps: dict[str, Deprecation]) -> None:
    fulfil = f"{DOCS}/connect/api/fulfillment/changelog"
    session.add_all(
        [
            _entry(
                "e1",
                "Connect Fulfillment API",
                date(2026, 5, 12),
                "user_phone and phone_number must be E.164 from June 9, 2026.",
                f"{fulfil}#may-12-2026",
                "2026-05-12 06:00",
                breaking=True,
            ),
            _entry(
                "e2",
                "Connect Fulfillment API",
                date(2026, 5, 12),
                TRICKY_ENTRY,
                f"{fulfil}#may-12-2026",
                "2026-05-12 06:00",
            ),
            _entry(
                "e3",
                "MCP Servers",
                date(2026, 5, 8),
                "A new tool lists store hours.",
                f"{DOCS}/mcp_servers/changelog#may-8-2026",
                "2026-05-13 06:00",
            ),
            _entry(
                "e4",
                "Catalog",
                date(2026, 5, 1),
                "Seen last week, not news now.",
                f"{DOCS}/catalog/changelog#may-1-2026",
                "2026-05-04 06:00",
            ),
            _entry(
                "e5",
                "Shopping Widgets",
                date(2026, 4, 2),
                "Reworded this week.",
                f"{DOCS}/widgets/changelog#april-2-2026",
                "2026-04-03 06:00",
                changed_at=at("2026-05-13 06:00"),
            ),
            _entry(
                "e6",
                "Ads Manager",
                date(2026, 3, 3),
                "Taken off the page this week.",
                f"{DOCS}/ads_manager/changelog#march-3-2026",
                "2026-03-04 06:00",
                disappeared_at=at("2026-05-12 06:00"),
            ),
        ]
    )
    session.add_all(
        [
            DeprecationEvent(
                deprecation=deps["e164"], event="created", at=at("2026-05-12 06:00"), details={}
            ),
            DeprecationEvent(
                deprecation=deps["is_express"],
                event="changed",
                at=at("2026-05-13 06:00"),
                details={
                    "replacement": [None, "is_instacartplus"],
                    "title": ["is_express", "is_express | use <is_instacartplus>"],
                },
            ),
            DeprecationEvent(
                deprecation=deps["currency"],
                event="disappeared",
                at=at("2026-05-13 06:00"),
                details={},
            ),
            DeprecationEvent(
                deprecation=deps["get_orders"],
                event="created",
                at=at("2025-12-01 06:00"),
                details={},
            ),
        ]
    )
    session.add_all(
        [
            Source(
                name="carrot-ads",
                kind="changelog",
                surface="Carrot Ads API",
                path="/ads/api/ads/changelog",
                last_status="failed",
                last_error="HTTP 503 after 4 attempts",
                consecutive_failures=3,
                last_success_at=at("2026-05-10 06:00"),
                last_attempt_at=at("2026-05-14 06:00"),
            ),
            Source(
                name="shopping-widgets",
                kind="changelog",
                surface="Shopping Widgets",
                path="/widgets/changelog",
                last_status="canary",
                last_error="no dated headings found",
                consecutive_failures=1,
                last_success_at=at("2026-05-14 06:00"),
                last_attempt_at=at("2026-05-14 06:00"),
            ),
            Source(
                name="catalog",
                kind="changelog",
                surface="Catalog",
                path="/catalog/changelog",
                last_status="ok",
                last_attempt_at=at("2026-05-14 06:00"),
            ),
        ]
    )
    session.add_all(
        [
            Alert(
                key="threshold:e164:#web:30",
                kind="threshold",
                target="#web",
                threshold="30",
                payload={},
                state="failed",
                attempts=1,
                last_error="channel_not_found: the channel does not exist",
                created_at=at("2026-05-12 07:00"),
            ),
            Alert(
                key="announced:e164:default",
                kind="announced",
                target="#deprecations",
                threshold="announced",
                payload={},
                state="sent",
                attempts=1,
                created_at=at("2026-05-12 07:00"),
            ),
        ]
    )
