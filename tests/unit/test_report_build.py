"""The pure builder, ISO weeks and the JSON codec, from hand-made inputs (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor.errors import UsageError
from monitor.report.build import ERROR_CHARS, build_report, first_line, trend
from monitor.report.codec import from_json_dict, to_json_dict
from monitor.report.inputs import (
    CodebaseInput,
    DeprecationInput,
    EventInput,
    JobInput,
    OpenUseCount,
    ReportInputs,
    ScanPoint,
    WeekCounts,
)
from monitor.report.model import urgency
from monitor.report.weeks import IsoWeek, last_weeks, parse_week, week_of

TODAY = date(2026, 1, 1)
NOW = datetime(2026, 1, 1, 9, tzinfo=UTC)


def dep(id_: int, closes: date, *items: str) -> DeprecationInput:
    return DeprecationInput(
        id=id_,
        items=items or (f"Item{id_}.field",),
        title=f"deprecation {id_}",
        surface="Connect Fulfillment API",
        kind="field",
        action="deprecated",
        announced_on=date(2025, 7, 1),
        announced_on_source="changelog",
        window_closes_on=closes,
        replacement=None,
        source_url=f"https://docs.instacart.com/x#{id_}",
    )


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-1, "closed"),
        (0, "under_30_days"),
        (29, "under_30_days"),
        (30, "under_90_days"),
        (89, "under_90_days"),
        (90, "later"),
    ],
)
def test_urgency_buckets(days: int, bucket: str) -> None:
    assert urgency(days) == bucket


def test_summary_windows_and_order() -> None:
    deps = [
        dep(1, date(2026, 4, 1)),  # 90 days: later
        dep(2, date(2026, 1, 31)),  # 30 days
        dep(3, date(2026, 1, 30)),  # 29 days
        dep(4, date(2025, 12, 31)),  # closed yesterday
        dep(5, date(2026, 1, 1)),  # closes today
    ]
    report = build_report(ReportInputs(deprecations=deps), week_of(TODAY), TODAY, NOW)
    assert [r.id for r in report.deprecations] == [4, 5, 3, 2, 1]
    assert [r.days_left for r in report.deprecations] == [-1, 0, 29, 30, 90]
    s = report.summary
    assert (s.active_deprecations, s.closing_within_30_days) == (5, 2)
    assert (s.closing_within_90_days, s.already_closed) == (3, 1)


def test_codebase_uses_group_by_deprecation_and_name_unlinked_items() -> None:
    deps = [dep(1, date(2026, 3, 1), "LineItem.quantity", "LineItem.unit")]
    counts = [
        OpenUseCount(10, 1, "LineItem.quantity", 3),
        OpenUseCount(10, 1, "LineItem.unit", 2),
        OpenUseCount(10, None, "legacy_rule", 4),
        OpenUseCount(10, 99, "Gone.field", 1),  # a deprecation no longer listed
        OpenUseCount(11, 1, "LineItem.unit", 1),
    ]
    codebases = [
        CodebaseInput(10, "alpha", "team-a", "#a"),
        CodebaseInput(11, "beta", None, None),
        CodebaseInput(12, "gamma", None, None),
    ]
    report = build_report(
        ReportInputs(
            deprecations=deps,
            codebases=codebases,
            open_uses=counts,
            week_counts=[WeekCounts(11, new=1, fixed=5)],
        ),
        week_of(TODAY),
        TODAY,
        NOW,
    )
    alpha, beta, gamma = report.codebases
    assert [(u.label, u.open_uses) for u in alpha.by_deprecation] == [
        ("LineItem.quantity, LineItem.unit", 5),
        ("legacy_rule", 4),
        ("Gone.field", 1),
    ]
    assert alpha.open_uses == 10 and beta.open_uses == 1 and gamma.open_uses == 0
    assert (beta.new_this_week, beta.fixed_this_week) == (1, 5)
    assert report.summary.codebases_affected == 2
    assert report.summary.open_uses == 11
    assert report.deprecations[0].open_uses == 6
    assert report.deprecations[0].codebases == ["alpha", "beta"]


def test_trend_uses_the_last_run_of_each_codebase_in_each_week() -> None:
    week = IsoWeek(2026, 10)
    points = [
        ScanPoint(1, datetime(2026, 3, 2, 1, tzinfo=UTC), 50),  # W10 Monday
        ScanPoint(1, datetime(2026, 3, 8, 23, tzinfo=UTC), 40),  # W10 Sunday: wins
        ScanPoint(2, datetime(2026, 3, 4, 1, tzinfo=UTC), 5),
        ScanPoint(1, datetime(2026, 2, 24, 1, tzinfo=UTC), 70),  # W09
    ]
    result = trend(points, week, 3)
    assert [p.week for p in result] == ["2026-W08", "2026-W09", "2026-W10"]
    assert [p.open_uses for p in result] == [None, 70, 45]
    assert [p.codebases_scanned for p in result] == [0, 1, 2]


def test_events_are_split_by_kind_with_changed_fields() -> None:
    when = datetime(2025, 12, 30, tzinfo=UTC)
    events = [
        EventInput(1, "changed", when, ("a",), "S", "t", "u", {"window_closes_on": [1, 2]}),
        EventInput(2, "created", when, ("b",), "S", "t", "u"),
        EventInput(3, "reappeared", when, ("c",), "S", "t", "u", {"title": [1, 2]}),
    ]
    changes = build_report(ReportInputs(events=events), week_of(TODAY), TODAY, NOW).changes
    assert [c.changed_fields for c in changes.changed_deprecations] == [["window_closes_on"]]
    assert [c.deprecation_id for c in changes.new_deprecations] == [2]
    assert [c.changed_fields for c in changes.reappeared_deprecations] == [[]]
    assert not changes.is_empty


def test_codec_round_trips_a_report() -> None:
    deps = [dep(1, date(2026, 3, 1)), dep(2, date(2025, 6, 1))]
    report = build_report(
        ReportInputs(
            deprecations=deps,
            codebases=[CodebaseInput(1, "x", None, None, NOW, "ok")],
            scan_points=[ScanPoint(1, NOW, 3)],
        ),
        week_of(TODAY),
        TODAY,
        NOW,
        notes=["a note"],
    )
    data = to_json_dict(report)
    assert data["deprecations"][0]["window_closes_on"] == "2025-06-01"
    assert from_json_dict(data) == report
    with pytest.raises(ValueError, match="schema_version"):
        from_json_dict({**data, "schema_version": 99})


def test_failed_jobs_are_newest_first_with_the_first_line_of_the_error() -> None:
    jobs = [
        JobInput("scan", datetime(2025, 12, 30, tzinfo=UTC), "boom\n  at line 3"),
        JobInput("scrape", datetime(2025, 12, 31, tzinfo=UTC), "x" * 1000),
        JobInput("notify", datetime(2025, 12, 29, tzinfo=UTC), None),
    ]
    failed = build_report(
        ReportInputs(failed_jobs=jobs), week_of(TODAY), TODAY, NOW
    ).changes.failed_jobs
    assert [(j.job, j.started_at.day) for j in failed] == [
        ("scrape", 31),
        ("scan", 30),
        ("notify", 29),
    ]
    assert failed[1].error == "boom" and failed[2].error is None
    assert failed[0].error is not None and len(failed[0].error) == ERROR_CHARS
    assert failed[0].error.endswith("…")
    assert first_line("\n  \n  second line  \nthird") == "second line"
    assert first_line("  \n ") is None


def test_a_report_stored_without_failed_jobs_still_decodes() -> None:
    job = JobInput("scan", NOW, "boom")
    report = build_report(ReportInputs(failed_jobs=[job]), week_of(TODAY), TODAY, NOW)
    data = to_json_dict(report)
    assert data["changes"]["failed_jobs"][0]["error"] == "boom"
    del data["changes"]["failed_jobs"]
    assert from_json_dict(data).changes.failed_jobs == []


def test_iso_weeks() -> None:
    week = parse_week("2026-W01")
    assert (week.monday, week.sunday) == (date(2025, 12, 29), date(2026, 1, 4))
    assert week_of(date(2026, 1, 4)) == week
    assert str(parse_week("2020w53")) == "2020-W53"
    assert [str(w) for w in last_weeks(week, 2)] == ["2025-W52", "2026-W01"]
    assert week.ends_at - week.starts_at == datetime(2026, 1, 8) - datetime(2026, 1, 1)
    for bad in ("2026-20", "2026-W54", "2025-W53", "next week"):
        with pytest.raises(UsageError):
            parse_week(bad)
