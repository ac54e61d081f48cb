"""Golden tests on a seeded SQLite database with the clock pinned (2026-05-14 12:00 UTC).

The JSON must match the golden file exactly; Markdown and HTML must show the expected rows
and numbers; the HTML must be self-contained and its timeline bars placed by date.
Set ``REPORT_UPDATE_GOLDEN=1`` to rewrite the golden file after an intended change.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta

import jsonschema
import pytest
from bs4 import BeautifulSoup

from monitor.report.codec import from_json_dict
from monitor.report.render import render
from monitor.report.render_json import json_schema
from monitor.report.service import Obtained, make_request, obtain, text_of
from monitor.report.weeks import IsoWeek
from monitor.store.database import Database
from monitor.store.models import Finding, Report
from tests.support.report_seed import GOLDEN, JOB_ERROR, NOW, TODAY, TRICKY_ENTRY, WEEK


@pytest.fixture
def obtained(seeded_db: Database) -> Obtained:
    return obtain(seeded_db, make_request(WEEK, NOW), trend_weeks=12)


def test_json_matches_the_golden_file_and_the_schema(
    seeded_db: Database, obtained: Obtained
) -> None:
    text = text_of(seeded_db, obtained, "json")
    data = json.loads(text)
    jsonschema.validate(data, json_schema())
    if os.environ.get("REPORT_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    assert data == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_summary_numbers_follow_the_rules(obtained: Obtained) -> None:
    s = obtained.report.summary
    # Active at the cutoff: six (one vanished this week, one long ago, one superseded).
    assert s.active_deprecations == 6
    # 18, 18 and 26 days left; plus 57; and one closed a year ago.
    assert (s.closing_within_30_days, s.closing_within_90_days, s.already_closed) == (3, 4, 1)
    # storefront 3 + 2, fulfillment-svc 4 + 1 + 1 (the vanished item still counts).
    assert (s.open_uses, s.codebases_affected) == (11, 2)
    assert (s.new_uses_this_week, s.uses_fixed_this_week) == (2, 3)


def test_deprecations_are_ordered_by_urgency(obtained: Obtained) -> None:
    rows = obtained.report.deprecations
    assert [r.days_left for r in rows] == [(r.window_closes_on - TODAY).days for r in rows]
    assert [r.days_left for r in rows] == sorted(r.days_left for r in rows)
    tied = [r for r in rows if r.days_left == 18]
    assert [r.open_uses for r in tied] == [4, 2]  # more open uses first on a tie


def test_trend_takes_the_last_ok_run_per_codebase_and_week(obtained: Obtained) -> None:
    trend = {p.week: (p.open_uses, p.codebases_scanned) for p in obtained.report.trend}
    assert len(trend) == 12
    assert trend["2026-W09"] == (None, 0)
    assert trend["2026-W17"] == (9, 1)
    assert trend["2026-W18"] == (7 + 7, 2)  # storefront's later run, plus fulfillment-svc
    assert trend["2026-W19"] == (7, 1)  # fulfillment-svc's run failed
    assert trend["2026-W20"] == (5 + 6, 2)


def test_markdown_has_the_rows_and_escapes_pipes(seeded_db: Database, obtained: Obtained) -> None:
    md = text_of(seeded_db, obtained, "markdown")
    assert "**Summary:** 6 active deprecations: 3 close within 30 days and 4 within 90" in md
    table = [line for line in md.splitlines() if line.startswith("| `")]
    first = table[0]
    assert first.startswith("| `service_options[].window.type=asap` |")
    assert "| 2024-11-18 | 2025-05-18 | -361 (closed) |" in first
    assert first.endswith("| fulfillment-svc | 1 |")
    lastmile = next(line for line in table if "lastmile/users" in line)
    assert "| 2026-06-01 | 18 |" in lastmile and lastmile.endswith("| 4 |")
    # Every table row keeps its nine cells: no pipe from the docs splits a cell.
    header = next(line for line in md.splitlines() if line.startswith("| Item(s)"))
    for line in table[:6]:
        assert len(re.split(r"(?<!\\)\|", line)) == len(header.split("|"))
    assert "\\<script\\>alert(1)\\</script\\> \\| a filter" in md
    assert "<script>" not in md
    assert "Oldest open use: `src/checkout/phone.py:42` (`user_phone`), first seen 2026-02-01" in md
    assert "| 2026-W18 | 2026-04-27 | 14 | 2 |" in md


def _html(database: Database, obtained: Obtained) -> BeautifulSoup:
    return BeautifulSoup(text_of(database, obtained, "html"), "lxml")


def test_html_shows_rows_and_numbers(seeded_db: Database, obtained: Obtained) -> None:
    soup = _html(seeded_db, obtained)
    cards = [c.get_text(" ", strip=True) for c in soup.select(".card")]
    assert "6 active deprecations" in cards and "11 open uses" in cards
    rows = soup.select("table.deps tbody tr")
    assert len(rows) == 6
    cells = [td.get_text(" ", strip=True) for td in rows[0].find_all("td")]
    assert cells[0] == "service_options[].window.type=asap"
    assert cells[3:6] == ["2024-11-18", "2025-05-18", "-361 (closed)"]
    assert cells[-2:] == ["fulfillment-svc", "1"]
    assert "u-closed" in rows[0]["class"]
    storefront = next(a for a in soup.select("article.codebase") if "storefront" in a.h3.text)
    assert "src/checkout/phone.py:42" in storefront.get_text()
    assert "+1 new" in storefront.get_text() and "2 fixed" in storefront.get_text()


def test_html_escapes_text_from_the_docs(seeded_db: Database, obtained: Obtained) -> None:
    raw = text_of(seeded_db, obtained, "html")
    assert "<script" not in raw.lower()
    soup = BeautifulSoup(raw, "lxml")
    assert not soup.find_all("script")
    assert TRICKY_ENTRY.split(" | ")[0] in soup.get_text()


def test_html_is_self_contained(seeded_db: Database, obtained: Obtained) -> None:
    raw = text_of(seeded_db, obtained, "html")
    soup = BeautifulSoup(raw, "lxml")
    for tag in soup.find_all(src=True):
        pytest.fail(f"external or embedded asset: <{tag.name} src={tag['src']!r}>")
    for tag in soup.find_all(["link", "use", "image"]):
        href = tag.get("href") or tag.get("xlink:href") or ""
        assert not href.startswith(("http:", "https:", "//")), tag
    css = " ".join(style.get_text() for style in soup.find_all("style"))
    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert not soup.find_all(["script", "iframe", "object", "embed"])
    # Links to the docs are plain anchors, which is fine for an attachment.
    assert all(a["href"].startswith("https://docs.instacart.com/") for a in soup.find_all("a"))


def test_failed_jobs_show_escaped_in_markdown_and_html(
    seeded_db: Database, obtained: Obtained
) -> None:
    md = text_of(seeded_db, obtained, "markdown")
    assert "### Jobs that failed (1)" in md
    line = next(line for line in md.splitlines() if "`scrape`" in line)
    assert line == (
        '- 2026-05-13 06:00 UTC `scrape`: HTTP 503 from \\<b\\>docs\\</b\\> \\| gave up & "stopped"'
    )
    assert "Traceback" not in md
    raw = text_of(seeded_db, obtained, "html")
    assert "<b>docs" not in raw and "&lt;b&gt;docs&lt;/b&gt;" in raw
    soup = BeautifulSoup(raw, "lxml")
    heading = next(h for h in soup.find_all("h3") if "Jobs that failed" in h.get_text())
    assert heading.get_text() == "Jobs that failed (1)"
    items = heading.find_next("ul").find_all("li")
    assert [li.get_text(" ", strip=True) for li in items] == [
        f"2026-05-13 06:00 UTC scrape : {JOB_ERROR}"
    ]
    assert not soup.find_all("b")


def test_a_report_stored_before_failed_jobs_existed_still_loads() -> None:
    old = json.loads(GOLDEN.read_text(encoding="utf-8"))
    del old["changes"]["failed_jobs"]
    jsonschema.validate(old, json_schema())  # the field is optional in the schema
    report = from_json_dict(old)
    assert report.changes.failed_jobs == []
    assert "Jobs that failed" not in render(report, "markdown")
    assert "Jobs that failed" not in render(report, "html")


def _x(scale: dict[str, str], day: date) -> float:
    start = date.fromisoformat(scale["data-domain-start"])
    end = date.fromisoformat(scale["data-domain-end"])
    left, width = float(scale["data-plot-left"]), float(scale["data-plot-width"])
    return left + (day - start).days / (end - start).days * width


def test_timeline_has_one_bar_per_deprecation_placed_by_date(
    seeded_db: Database, obtained: Obtained
) -> None:
    soup = _html(seeded_db, obtained)
    svg = soup.select_one("svg.timeline")
    assert svg is not None
    bars = svg.select("rect.bar")
    report = obtained.report
    assert sorted(int(b["data-deprecation-id"]) for b in bars) == sorted(
        r.id for r in report.deprecations
    )
    start = date.fromisoformat(svg["data-domain-start"])
    end = date.fromisoformat(svg["data-domain-end"])
    assert start <= min(r.announced_on for r in report.deprecations)
    assert end >= max(r.window_closes_on for r in report.deprecations)
    by_id = {r.id: r for r in report.deprecations}
    for bar in bars:
        row = by_id[int(bar["data-deprecation-id"])]
        assert float(bar["x"]) == pytest.approx(_x(svg.attrs, row.announced_on), abs=0.01)
        right = float(bar["x"]) + float(bar["width"])
        assert right == pytest.approx(_x(svg.attrs, row.window_closes_on), abs=0.02)
        assert bar["class"][-1] == row.urgency
    # Same-length windows draw same-length bars; later closes end further right.
    ends = sorted(
        (r.window_closes_on, float(b["x"]) + float(b["width"]))
        for b, r in ((b, by_id[int(b["data-deprecation-id"])]) for b in bars)
    )
    assert [e for _, e in ends] == sorted(e for _, e in ends)
    today_line = svg.select_one("line.today")
    assert float(today_line["x1"]) == pytest.approx(_x(svg.attrs, TODAY), abs=0.01)
    assert _x(svg.attrs, TODAY + timedelta(days=1)) > float(today_line["x1"])


def test_trend_chart_has_a_bar_per_scanned_week(seeded_db: Database, obtained: Obtained) -> None:
    svg = _html(seeded_db, obtained).select_one("svg.trend")
    assert svg is not None
    bars = {b["data-week"]: int(b["data-open-uses"]) for b in svg.select("rect.bar")}
    assert bars == {"2026-W17": 9, "2026-W18": 14, "2026-W19": 7, "2026-W20": 11}
    heights = {b["data-week"]: float(b["height"]) for b in svg.select("rect.bar")}
    assert heights["2026-W18"] > heights["2026-W20"] > heights["2026-W17"] > heights["2026-W19"]
    assert len(svg.select("text.no-scan")) == 8


def test_a_stored_past_week_is_not_rebuilt_from_todays_data(
    seeded_db: Database, obtained: Obtained
) -> None:
    first_md = text_of(seeded_db, obtained, "markdown")
    first_json = text_of(seeded_db, obtained, "json")
    with seeded_db.transaction() as session:  # the code changes after the week
        for finding in session.query(Finding).filter(Finding.fixed_at.is_(None)):
            finding.fixed_at = NOW + timedelta(days=3)
    later = make_request(WEEK, NOW + timedelta(days=10))
    assert later.is_past
    again = obtain(seeded_db, later, trend_weeks=12)
    assert again.from_store
    assert text_of(seeded_db, again, "markdown") == first_md
    assert text_of(seeded_db, again, "json") == first_json
    assert again.report.summary.open_uses == 11
    # A format never rendered before comes from the stored model, not today's data.
    html = text_of(seeded_db, again, "html")
    assert '>11</span><span class="l">open uses' in html
    # The current week, by contrast, is rebuilt: nothing is open any more.
    fresh = obtain(seeded_db, make_request(None, NOW + timedelta(days=10)), trend_weeks=12)
    assert not fresh.from_store and fresh.report.summary.open_uses == 0


def test_an_unstored_past_week_is_rebuilt_as_of_its_end_and_then_kept(
    seeded_db: Database,
) -> None:
    past = IsoWeek(2026, 19)
    result = obtain(seeded_db, make_request(past, NOW), trend_weeks=12)
    assert not result.from_store
    assert result.report.today == past.sunday
    assert result.report.summary.open_uses == 12  # W20's fixes had not happened yet
    assert result.report.notes and "not stored" in result.report.notes[0]
    with seeded_db.sessions() as session:
        assert session.query(Report).filter(Report.week == "2026-W19").count() == 1
    assert obtain(seeded_db, make_request(past, NOW), trend_weeks=12).from_store
