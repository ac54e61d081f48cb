"""Scraping end to end: fixture site over real HTTP, real SQLite file, real migrations."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.domain import window_closes_on
from monitor.store.models import (
    Deprecation,
    DeprecationEvent,
    EntryRevision,
    PageSnapshot,
    Source,
)
from tests.conftest import Cli
from tests.support.docs_server import EXPECTED_LABELS, DocsServer, Fault
from tests.support.scraping import Scraper, make_scraper

DEV_CHANGELOG = "/developer_platform_api/api/changelog"
FULFILLMENT_CHANGELOG = "/connect/api/fulfillment/changelog"


@pytest.fixture
def scraper(docs_site: DocsServer, data_dir: Path, database_url: str) -> Scraper:
    """Runs on SQLite, and on PostgreSQL too when a test server is configured."""
    made = make_scraper(docs_site.base_url, data_dir, CONNECT_MONITOR_DATABASE_URL=database_url)
    yield made
    made.database.close()


def _rows(scraper: Scraper) -> list[Deprecation]:
    with scraper.database.sessions() as session:
        return list(session.scalars(select(Deprecation)))


def test_second_scrape_is_conditional_and_changes_nothing(
    scraper: Scraper, docs_site: DocsServer
) -> None:
    first = scraper()
    assert first.ok, first.problems
    assert first.pages_fetched >= 40 and first.deprecations_new > 0
    before = scraper.snapshot()
    docs_site.clear_requests()

    second = scraper(date(2026, 11, 30))
    assert second.ok and second.pages_fetched == 0
    assert second.pages_not_modified == first.pages_fetched
    assert second.bytes_received == 0 and not second.extracted
    assert scraper.snapshot() == before
    page_requests = [r for r in docs_site.requests if r.path != "/robots.txt"]
    assert page_requests and all(r.status == 304 for r in page_requests)
    assert all("if-none-match" in r.headers for r in page_requests)


def test_forced_rescrape_of_unchanged_site_is_idempotent(scraper: Scraper) -> None:
    scraper()
    before = scraper.snapshot()
    again = scraper(date(2026, 12, 5), force=True)
    assert again.extracted and again.deprecations_new == 0 and again.deprecations_updated == 0
    assert again.entries_new == 0 and again.entries_changed == 0
    assert scraper.snapshot() == before  # first-seen dates stay where they were


def test_edited_entry_updates_its_record_and_keeps_history(
    scraper: Scraper, docs_site: DocsServer
) -> None:
    scraper()
    page = docs_site.page_file(DEV_CHANGELOG)
    html = page.read_text()
    edited = html.replace(
        "Send amounts in <code>line_item_measurements</code> instead",
        "Starting June 1, 2027, send amounts in <code>line_item_measurements</code> instead",
    )
    assert edited != html
    docs_site.touch(DEV_CHANGELOG, edited)

    summary = scraper(date(2026, 12, 1))
    assert summary.ok, summary.problems
    assert summary.pages_fetched == 1
    assert (summary.entries_new, summary.entries_changed) == (0, 1)
    assert (summary.deprecations_new, summary.deprecations_updated) == (0, 1)
    with scraper.database.sessions() as session:
        row = session.scalars(
            select(Deprecation).where(Deprecation.announced_on == date(2026, 3, 18))
        ).one()
        assert row.effective_on == date(2027, 6, 1)
        assert row.window_closes_on == date(2027, 6, 1)
        event = session.scalars(
            select(DeprecationEvent).where(DeprecationEvent.event == "changed")
        ).one()
        assert event.details["effective_on"] == [None, "2027-06-01"]
        revision = session.scalars(select(EntryRevision)).one()
        assert "Starting June 1" not in revision.text
        assert "Starting June 1" in revision.entry.text


def test_added_entry_above_does_not_rekey_or_duplicate(
    scraper: Scraper, docs_site: DocsServer
) -> None:
    scraper()
    html = docs_site.page_file(DEV_CHANGELOG).read_text()
    marker = "<li>Deprecated <code>quantity</code>"
    docs_site.touch(
        DEV_CHANGELOG,
        html.replace(marker, "<li>Added the <code>brand</code> filter.</li>" + marker, 1),
    )
    summary = scraper(date(2026, 12, 1))
    assert (summary.entries_new, summary.entries_changed) == (1, 0)
    assert (summary.deprecations_new, summary.deprecations_updated) == (0, 0)


def test_removed_entry_marks_its_deprecation_disappeared(
    scraper: Scraper, docs_site: DocsServer
) -> None:
    scraper()
    html = docs_site.page_file(DEV_CHANGELOG).read_text()
    start = html.index("<li>Deprecated <code>quantity</code>")
    end = html.index("</li>", start) + len("</li>")
    docs_site.touch(DEV_CHANGELOG, html[:start] + html[end:])

    summary = scraper(date(2026, 12, 1))
    assert summary.deprecations_disappeared == 1 and summary.entries_disappeared == 1
    gone = [r for r in _rows(scraper) if r.status == "disappeared"]
    assert [r.announced_on for r in gone] == [date(2026, 3, 18)]
    assert gone[0].disappeared_at is not None  # kept, marked: it is news, not a deletion

    docs_site.touch(DEV_CHANGELOG, html)  # put back: the same row comes back
    back = scraper(date(2026, 12, 2))
    assert back.deprecations_reappeared == 1 and back.deprecations_new == 0


def test_parser_canary_keeps_stored_data(scraper: Scraper, docs_site: DocsServer) -> None:
    scraper()
    before = scraper.snapshot()
    html = docs_site.page_file(FULFILLMENT_CHANGELOG).read_text()
    # A redesign: the dated headings are gone (e.g. turned into plain paragraphs).
    redesigned = html.replace("<h2", "<p").replace("</h2>", "</p>")
    redesigned = redesigned.replace("<h3", "<p").replace("</h3>", "</p>")
    docs_site.touch(FULFILLMENT_CHANGELOG, redesigned)

    summary = scraper(date(2026, 12, 1))
    assert not summary.ok
    assert any("connect/api/fulfillment/changelog" in p and "canary" in p for p in summary.problems)
    after = scraper.snapshot()
    assert after["deprecations"] == before["deprecations"]  # nothing disappeared
    assert after["entries"] == before["entries"]
    with scraper.database.sessions() as session:
        source = session.scalars(select(Source).where(Source.name == "connect-fulfillment")).one()
        assert source.last_status == "canary" and source.consecutive_failures == 1
        assert source.last_entry_count and source.last_entry_count > 0  # the count before


def test_unrecognisable_page_is_a_canary(scraper: Scraper, docs_site: DocsServer) -> None:
    scraper()
    docs_site.touch("/catalog/changelog", "<html><body><p>Moved.</p></body></html>")
    summary = scraper(date(2026, 12, 1))
    assert any("/catalog/changelog" in p and "canary" in p for p in summary.problems)


@pytest.mark.parametrize(
    ("fault", "times", "expect_ok"),
    [
        (Fault.server_error(), 1, True),
        (Fault.rate_limited(retry_after=1), 1, True),
        (Fault.truncated(), 1, True),
        (Fault.reset(), 1, True),
        (Fault.server_error(), 10, False),
        (Fault.slow(2.5), 10, False),
        (Fault.redirect("http://example.invalid/elsewhere"), 10, False),
        (Fault.oversized(8), 10, False),
    ],
    ids=["500-once", "429", "truncated", "reset", "500-always", "slow", "off-host", "oversized"],
)
def test_faults_lose_nothing(
    scraper: Scraper, docs_site: DocsServer, fault: Fault, times: int, expect_ok: bool
) -> None:
    scraper()
    before = scraper.snapshot()
    docs_site.touch(DEV_CHANGELOG)  # new mtime and ETag: the page must be fetched again
    docs_site.inject(DEV_CHANGELOG, fault, times=times)

    summary = scraper(date(2026, 12, 1))
    assert summary.ok is expect_ok, summary.problems
    assert scraper.snapshot()["deprecations"] == before["deprecations"]
    with scraper.database.sessions() as session:
        source = session.scalars(select(Source).where(Source.name == "developer-platform")).one()
        latest = session.scalars(
            select(PageSnapshot)
            .where(PageSnapshot.url == docs_site.url(DEV_CHANGELOG))
            .order_by(PageSnapshot.id.desc())
        ).first()
    if expect_ok:
        assert source.last_status in ("ok", "not_modified")
    else:
        assert source.last_status == "failed" and source.consecutive_failures == 1
        assert latest is not None and latest.error and docs_site.base_url in latest.error
        assert summary.pages_failed == 1


def test_mirror_switch_does_not_rekey(
    scraper: Scraper, docs_site: DocsServer, tmp_path: Path
) -> None:
    scraper()
    keys = {r.natural_key for r in _rows(scraper)}
    with DocsServer(docs_site.page_file("/").parent) as mirror:
        other = make_scraper(
            mirror.base_url,
            tmp_path / "unused",
            CONNECT_MONITOR_DATABASE_URL=str(scraper.database.engine.url),
        )
        summary = other(date(2026, 12, 1), force=True)
        other.database.close()
    assert summary.deprecations_new == 0 and summary.deprecations_disappeared == 0
    assert {r.natural_key for r in _rows(scraper)} == keys
    assert all(r.source_url.startswith(mirror.base_url) for r in _rows(scraper))


def test_source_filter_fetches_only_that_page(scraper: Scraper, docs_site: DocsServer) -> None:
    scraper()
    docs_site.clear_requests()
    summary = scraper(date(2026, 12, 1), only=["catalog"])
    fetched = {r.path for r in docs_site.requests if r.path != "/robots.txt"}
    assert fetched == {"/catalog/changelog"}
    assert summary.ok and summary.deprecations_disappeared == 0


def test_cli_scrape_then_deprecations_json(
    cli: Cli, scrape_env: dict[str, str], docs_site: DocsServer
) -> None:
    cli.env = scrape_env
    result = cli("scrape", "--today", "2026-11-29", "--format", "json")
    assert result.code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["ok"] and summary["deprecations_new"] > 0
    listing = cli("deprecations", "--today", "2026-11-29", "--format", "json")
    assert listing.code == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert len(rows) == summary["deprecations_new"]
    required = {
        "id", "kind", "action", "surface", "items", "title", "announced_on",
        "announced_on_source", "effective_on", "window_closes_on", "days_left", "replacement",
        "source_url", "origin", "status", "first_seen_at",
    }  # fmt: skip
    assert all(required <= set(row) for row in rows)
    assert [r["days_left"] for r in rows] == sorted(r["days_left"] for r in rows)
    assert all(r["source_url"].startswith(docs_site.base_url) for r in rows)
    csv_out = cli("deprecations", "--format", "csv", "--surface", "Carrot Ads API")
    assert csv_out.code == 0 and csv_out.stdout.splitlines()[0].startswith("id,kind,action")
    assert all("Carrot Ads API" in line for line in csv_out.stdout.splitlines()[1:])


def test_cli_scrape_failure_exits_3_and_names_the_url(
    cli: Cli, scrape_env: dict[str, str], docs_site: DocsServer
) -> None:
    cli.env = scrape_env
    docs_site.inject(FULFILLMENT_CHANGELOG, Fault.server_error(), times=50)
    result = cli("scrape", "--today", "2026-11-29")
    assert result.code == 3
    assert docs_site.url(FULFILLMENT_CHANGELOG) in result.stderr and "HTTP 500" in result.stderr
    status = cli("status", "--format", "json")
    assert status.code == 1 and json.loads(status.stdout)["state"] == "degraded"


def test_cli_unknown_source_is_a_usage_error(cli: Cli, scrape_env: dict[str, str]) -> None:
    cli.env = scrape_env
    result = cli("scrape", "--source", "nope")
    assert result.code == 2 and "connect-fulfillment" in result.stderr


def _expected_rows(first_seen: date) -> set[tuple]:
    labels = json.loads(EXPECTED_LABELS.read_text())
    rows = set()
    for label in labels["records"]:
        announced = date.fromisoformat(label["announced_on"]) if label["announced_on"] else None
        effective = date.fromisoformat(label["effective_on"]) if label["effective_on"] else None
        rows.add(
            (
                label["origin"],
                label["surface"],
                label["kind"],
                label["action"],
                tuple(sorted(label["items"])),
                announced or first_seen,
                label["announced_on_source"],
                effective,
                window_closes_on(announced or first_seen, effective),
                label["replacement"],
                label["needs_review"],
                label["shared_with_live"],
                label["source_path"],
            )
        )
    return rows


def test_first_scrape_stores_every_labelled_deprecation_and_nothing_else(
    scraper: Scraper, docs_site: DocsServer
) -> None:
    summary = scraper(date(2026, 11, 29))
    assert summary.ok, summary.problems
    stored = {
        (
            r.origin,
            r.surface,
            r.kind,
            r.action,
            tuple(sorted(r.items)),
            r.announced_on,
            r.announced_on_source,
            r.effective_on,
            r.window_closes_on,
            r.replacement,
            r.needs_review,
            r.shared_with_live,
            r.source_url.removeprefix(docs_site.base_url),
        )
        for r in _rows(scraper)
    }
    expected = _expected_rows(date(2026, 11, 29))
    assert stored - expected == set(), "stored but not labelled"
    assert expected - stored == set(), "labelled but not stored"
    assert all(r.status == "active" for r in _rows(scraper))


def test_sitemap_index_is_followed(scraper: Scraper, docs_site: DocsServer) -> None:
    root = docs_site.page_file("/sitemap.xml").parent
    (root / "sitemap-docs.xml").write_bytes((root / "sitemap.xml").read_bytes())
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>https://docs.instacart.com/sitemap-docs.xml</loc></sitemap>"
        "</sitemapindex>\n"
    )
    summary = scraper()
    assert summary.ok, summary.problems
    assert docs_site.requests_for("/sitemap-docs.xml")
    assert any(r.origin == "reference_page" for r in _rows(scraper))
