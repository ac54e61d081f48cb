"""Renderers on hand-made reports: escaping, limits, and the JSON schema."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import jsonschema
import pytest
from bs4 import BeautifulSoup

from monitor.notify.fit import (
    validate,
)
from monitor.report import svg
from monitor.report.build import build_report
from monitor.report.inputs import (
    AlertInput,
    CodebaseInput,
    DeprecationInput,
    EntryInput,
    JobInput,
    OldestUse,
    OpenUseCount,
    ReportInputs,
    SourceInput,
)
from monitor.report.model import WeeklyReport
from monitor.report.render import render
from monitor.report.render_json import json_schema
from monitor.report.render_md import code, link, render_markdown, text
from monitor.report.render_slack import render_slack
from monitor.report.weeks import week_of
from tests.support.fake_slack import check_blocks

TODAY = date(2026, 6, 3)
NOW = datetime(2026, 6, 3, 8, tzinfo=UTC)
HOSTILE = 'a|b <img src=x onerror="alert(1)"> `tick` & *star*'


def _dep(
    n: int, *, items: tuple[str, ...] | None = None, url: str | None = None
) -> DeprecationInput:
    return DeprecationInput(
        id=n,
        items=items or (f"Object{n}.field_{n}",),
        title=f"Deprecation number {n}",
        surface="Carrot Ads API",
        kind="field",
        action="removed",
        announced_on=date(2026, 1, 1) + timedelta(days=n % 200),
        announced_on_source="changelog",
        window_closes_on=date(2026, 7, 1) + timedelta(days=n % 200),
        replacement=HOSTILE if n == 1 else None,
        source_url=url or f"https://docs.instacart.com/ads/api/ads/changelog#{n}",
    )


def hostile_report() -> WeeklyReport:
    deps = [
        _dep(1, items=(HOSTILE,), url="javascript:alert(1)"),
        _dep(2, items=("GET /v2/x|y",)),
    ]
    when = NOW - timedelta(days=1)
    inputs = ReportInputs(
        deprecations=deps,
        codebases=[CodebaseInput(1, "team|repo <b>", "own|er", "#ch")],
        open_uses=[OpenUseCount(1, 1, HOSTILE, 2)],
        oldest_uses=[OldestUse(1, "src/a|b.py", 3, HOSTILE, when)],
        new_entries=[EntryInput("Ads Manager", TODAY, HOSTILE, "data:text/html,x", False, when)],
        source_problems=[SourceInput("ads", "changelog", "failed", HOSTILE, 2, None)],
        failed_alerts=[AlertInput("k|1", "threshold", "#x", 1, HOSTILE, when)],
        failed_jobs=[JobInput("scrape <i>", when, f"{HOSTILE}\nTraceback <img>")],
    )
    return build_report(inputs, week_of(TODAY), TODAY, NOW)


def test_markdown_cells_never_split_and_markup_is_inert() -> None:
    assert text("a|b") == "a\\|b"
    assert text("<b>x</b>\nnext") == "\\<b\\>x\\</b\\> next"
    assert code("x|y") == "`x\\|y`"
    assert code("a`b") == "``a`b``"
    assert code("`start") == "`` `start ``"
    md = render_markdown(hostile_report())
    outside_code = re.sub(r"(`+)(?:(?!\1).)+\1", "", md)  # code spans show text literally
    assert not re.search(r"(?<!\\)<(img|b)\b", outside_code)
    assert "\\<img src=x" in md
    row = next(line for line in md.splitlines() if line.startswith("| ``a"))
    cells = [c for c in row.replace("\\|", "").split("|")]
    assert len(cells) == 11  # nine cells plus the empty ends
    assert "](javascript:" not in md and "](data:" not in md


def test_html_escapes_everything_and_links_only_http() -> None:
    html = render(hostile_report(), "html")
    soup = BeautifulSoup(html, "lxml")
    assert not soup.find_all("img") and not soup.find_all("b")
    assert not soup.find_all(attrs={"onerror": True})
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    assert HOSTILE in soup.get_text()  # shown as text, character for character
    for label in soup.select("svg.timeline text"):
        assert not label.find_all(["img", "b"])


def test_links_use_the_shared_url_rule_in_markdown_and_html() -> None:
    odd = 'https://docs.instacart.com/a b(c)"d'
    assert link(odd, "L") == "[L](https://docs.instacart.com/a%20b%28c%29%22d)"
    for unsafe in ("javascript:alert(1)", "data:text/html,x", "https://", " ", None):
        assert link(unsafe, "L") == "L"
    report = build_report(
        ReportInputs(deprecations=[_dep(1, url=odd), _dep(2, url="https:///no-host")]),
        week_of(TODAY),
        TODAY,
        NOW,
    )
    anchors = BeautifulSoup(render(report, "html"), "lxml").select("table.deps a")
    assert [a["href"] for a in anchors] == ["https://docs.instacart.com/a%20b(c)%22d"]


def test_svg_text_is_escaped_and_bars_are_well_formed() -> None:
    report = hostile_report()
    drawn = svg.timeline(report.deprecations, report.today)
    assert "<img" not in drawn and "&lt;img" in drawn
    soup = BeautifulSoup(drawn, "xml")  # must be well-formed XML on its own
    assert len(soup.find_all("rect", attrs={"data-deprecation-id": True})) == 2
    assert "No active deprecations" in svg.timeline([], TODAY)


def test_slack_digest_fits_limits_for_a_huge_week() -> None:
    deps = [_dep(n) for n in range(500)]
    codebases = [CodebaseInput(n, f"repo-{n}", f"team-{n}", None) for n in range(300)]
    uses = [OpenUseCount(n, n % 500, "x", 1 + n % 7) for n in range(300)]
    entries = [
        EntryInput("Catalog", TODAY, f"entry {n}", "https://docs.instacart.com/c", False, NOW)
        for n in range(400)
    ]
    inputs = ReportInputs(
        deprecations=deps, codebases=codebases, open_uses=uses, new_entries=entries
    )
    report = build_report(inputs, week_of(TODAY), TODAY, NOW)
    message = render_slack(report, attached=True)
    assert validate(message) == []
    assert check_blocks(message.blocks) == (None, [])
    shown = json.dumps(message.blocks, ensure_ascii=False)
    assert "…and 492 more in the full report" in shown
    assert "400 new changelog entries" in shown
    assert "attached as an HTML file" in shown


def test_slack_digest_escapes_names() -> None:
    message = render_slack(hostile_report())
    shown = json.dumps(message.blocks, ensure_ascii=False)
    assert "team|repo &lt;b&gt;" in shown
    assert "<b>" not in shown
    assert "connect-monitor report --week 2026-W23 --format html" in shown


def test_failed_jobs_are_escaped_in_every_format() -> None:
    report = hostile_report()
    md = render_markdown(report)
    line = next(line for line in md.splitlines() if "scrape" in line)
    assert line.endswith(f"`scrape <i>`: {text(HOSTILE)}")  # a code span shows it literally
    soup = BeautifulSoup(render(report, "html"), "lxml")
    heading = next(h for h in soup.find_all("h3") if "Jobs that failed" in h.get_text())
    item = heading.find_next("ul").li
    assert item.code.get_text() == "scrape <i>" and HOSTILE in item.get_text()
    assert not soup.find_all(["i", "img"]) and "Traceback" not in soup.get_text()
    shown = json.dumps(render_slack(report).blocks, ensure_ascii=False)
    assert "1 job run failed: scrape &lt;i&gt;" in shown and "<i>" not in shown
    data = json.loads(render(report, "json"))
    assert data["changes"]["failed_jobs"][0]["error"] == HOSTILE


def test_json_of_a_report_with_nulls_validates() -> None:
    data = json.loads(render(hostile_report(), "json"))
    jsonschema.validate(data, json_schema())
    assert data["codebases"][0]["last_scan_at"] is None
    broken = {**data, "summary": {**data["summary"], "open_uses": -1}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, json_schema())


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render(hostile_report(), "pdf")


def test_long_lists_are_cut_in_markdown_and_html_but_not_in_json() -> None:
    deps = [_dep(n) for n in range(40)]
    codebases = [CodebaseInput(n, f"repo-{n:02d}", None, None) for n in range(10)]
    uses = [OpenUseCount(c, d, "x", 1) for c in range(10) for d in range(40)]
    inputs = ReportInputs(deprecations=deps, codebases=codebases, open_uses=uses)
    report = build_report(inputs, week_of(TODAY), TODAY, NOW)
    md = render_markdown(report)
    assert "| …and 25 more deprecations | 25 |" in md
    assert "repo\\-00, repo\\-01" not in md  # names are plain text, not escaped oddly
    assert "repo-00, repo-01, repo-02, repo-03, repo-04, repo-05 and 4 more" in md
    soup = BeautifulSoup(render(report, "html"), "lxml")
    first = soup.select("article.codebase")[0]
    assert len(first.select("table.uses tbody tr")) == 16
    assert "and 25 more deprecations" in first.get_text()
    data = json.loads(render(report, "json"))
    assert len(data["codebases"][0]["by_deprecation"]) == 40
    assert len(data["deprecations"][0]["codebases"]) == 10
