"""The query layer reads the seeded week (tests/support/report_seed.py) right.

Each test checks one reading rule against rows seeded for it: what counts as listed, open,
new or fixed "as of" a cutoff, and which changes and failures fall inside the week.
"""

from __future__ import annotations

from monitor.report.query import load_inputs
from monitor.report.weeks import IsoWeek
from monitor.store.database import Database
from tests.support.report_seed import JOB_ERROR, NOW, TRACEBACK, TRICKY_ENTRY, WEEK, at


def test_reads_only_deprecations_listed_at_the_cutoff(seeded_db: Database) -> None:
    with seeded_db.sessions() as session:
        inputs = load_inputs(session, WEEK, NOW, 12)
    items = sorted(d.items[0] for d in inputs.deprecations)
    assert items == sorted(
        [
            "LineItem.quantity",
            "user_phone",
            "GET /v2/fulfillment/users/{user_id}/orders",
            "POST /v2/fulfillment/lastmile/users/{user_id}/orders",
            "service_options[].window.type=asap",
            "is_express",
        ]
    )


def test_a_deprecation_that_vanished_after_a_past_week_still_counts_in_it(
    seeded_db: Database,
) -> None:
    past = IsoWeek(2026, 19)
    with seeded_db.sessions() as session:
        inputs = load_inputs(session, past, past.ends_at, 12)
    names = {d.items[0] for d in inputs.deprecations}
    assert "OrderProperties.currency" in names  # disappeared on 2026-05-13, after W19
    assert "user_phone" not in names  # first seen 2026-05-12, after W19


def test_open_uses_skip_mentions_suppressed_and_fixed(seeded_db: Database) -> None:
    with seeded_db.sessions() as session:
        inputs = load_inputs(session, WEEK, NOW, 12)
    assert sum(c.count for c in inputs.open_uses) == 11
    # As of the end of W19 the three uses fixed in W20 were still open and the two
    # uses first seen in W20 did not exist yet.
    with seeded_db.sessions() as session:
        earlier = load_inputs(session, IsoWeek(2026, 19), IsoWeek(2026, 19).ends_at, 12)
    assert sum(c.count for c in earlier.open_uses) == 11 + 3 - 2


def test_week_counts_and_oldest_use(seeded_db: Database) -> None:
    with seeded_db.sessions() as session:
        inputs = load_inputs(session, WEEK, NOW, 12)
        ids = {c.name: c.id for c in inputs.codebases}
    counts = {w.codebase_id: (w.new, w.fixed) for w in inputs.week_counts}
    assert counts[ids["storefront"]] == (1, 2)
    assert counts[ids["fulfillment-svc"]] == (1, 1)
    assert ids["legacy-tools"] not in counts
    oldest = {o.codebase_id: o for o in inputs.oldest_uses}
    assert (oldest[ids["storefront"]].path, oldest[ids["storefront"]].line) == (
        "src/checkout/phone.py",
        42,
    )
    assert oldest[ids["storefront"]].first_seen_at == at("2026-02-01 03:30")
    assert oldest[ids["fulfillment-svc"]].path == "svc/slots.go"


def test_changes_problems_and_scan_points(seeded_db: Database) -> None:
    with seeded_db.sessions() as session:
        inputs = load_inputs(session, WEEK, NOW, 12)
    assert sorted(e.text[:10] for e in inputs.new_entries) == sorted(
        ["user_phone", TRICKY_ENTRY[:10], "A new tool"]
    )
    assert [e.surface for e in inputs.changed_entries] == ["Shopping Widgets"]
    assert [e.surface for e in inputs.disappeared_entries] == ["Ads Manager"]
    assert sorted(e.event for e in inputs.events) == ["changed", "created", "disappeared"]
    assert sorted(s.name for s in inputs.source_problems) == ["carrot-ads", "shopping-widgets"]
    assert [a.key for a in inputs.failed_alerts] == ["threshold:e164:#web:30"]
    # W09..W20: the W08 run and the failed run are not trend points
    assert len(inputs.scan_points) == 7


def test_failed_jobs_are_the_failed_runs_started_in_the_week(seeded_db: Database) -> None:
    with seeded_db.sessions() as session:
        inputs = load_inputs(session, WEEK, NOW, 12)
        past = IsoWeek(2026, 19)
        earlier = load_inputs(session, past, past.ends_at, 12)
    assert [(j.job, j.started_at) for j in inputs.failed_jobs] == [
        ("scrape", at("2026-05-13 06:00"))
    ]
    assert inputs.failed_jobs[0].error == f"{JOB_ERROR}\n{TRACEBACK}"  # trimmed by the builder
    assert [j.error for j in earlier.failed_jobs] == ["last week"]
