"""The fake docs site and its server: HTTP behaviour, faults, and fixture consistency."""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Iterator
from datetime import date, datetime
from email.utils import formatdate
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from monitor.domain import Action, Kind, Origin
from tests.support.docs_server import (
    ANY_PATH,
    EXPECTED_LABELS,
    FIXTURE_SITE,
    PUBLIC_HOST,
    DocsServer,
    Fault,
    FaultKind,
    copy_site,
    file_for,
    start_docs_server,
)

CHANGELOG = "/connect/api/fulfillment/changelog"
DEPRECATED = "/connect/api/fulfillment/deprecated"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[DocsServer]:
    with DocsServer(copy_site(tmp_path)) as srv:
        yield srv


@pytest.fixture
def client(server: DocsServer) -> Iterator[httpx.Client]:
    # trust_env=False: a proxy from the environment must never see 127.0.0.1 traffic.
    with httpx.Client(base_url=server.base_url, timeout=5, trust_env=False) as c:
        yield c


# ---------------------------------------------------------------- serving


def test_serves_page_with_validators(server: DocsServer, client: httpx.Client) -> None:
    response = client.get(CHANGELOG)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.content == (server.root / "connect/api/fulfillment/changelog.html").read_bytes()
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["etag"])
    mtime = int((server.root / "connect/api/fulfillment/changelog.html").stat().st_mtime)
    assert response.headers["last-modified"] == formatdate(mtime, usegmt=True)


def test_maps_root_and_rejects_other_shapes(client: httpx.Client) -> None:
    assert client.get("/").status_code == 200
    assert client.get(CHANGELOG + "?utm=x").status_code == 200
    for path in (
        "/nope",
        CHANGELOG + "/",
        CHANGELOG + ".html",
        "/connect/../../etc/passwd",
        "/%2e%2e/docs_expected",
    ):
        assert client.get(path).status_code == 404, path


def test_head_sends_headers_without_body(client: httpx.Client) -> None:
    response = client.head(CHANGELOG)
    assert response.status_code == 200
    assert int(response.headers["content-length"]) > 10_000
    assert response.content == b""


def test_if_none_match_gives_304_until_page_changes(
    server: DocsServer, client: httpx.Client
) -> None:
    etag = client.get(CHANGELOG).headers["etag"]
    cached = client.get(CHANGELOG, headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached.headers["etag"] == etag
    assert client.get(CHANGELOG, headers={"If-None-Match": '"other"'}).status_code == 200

    server.touch(CHANGELOG, "<!doctype html><html><body>edited</body></html>")
    fresh = client.get(CHANGELOG, headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["etag"] != etag
    assert b"edited" in fresh.content


def test_if_modified_since_gives_304_until_touched(
    server: DocsServer, client: httpx.Client
) -> None:
    stamp = client.get(CHANGELOG).headers["last-modified"]
    assert client.get(CHANGELOG, headers={"If-Modified-Since": stamp}).status_code == 304
    old = formatdate(time.time() - 10 * 365 * 86400, usegmt=True)
    assert client.get(CHANGELOG, headers={"If-Modified-Since": old}).status_code == 200
    assert client.get(CHANGELOG, headers={"If-Modified-Since": "garbage"}).status_code == 200

    server.touch(CHANGELOG)  # same bytes, newer mtime
    assert client.get(CHANGELOG, headers={"If-Modified-Since": stamp}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client: httpx.Client) -> None:
    stamp = client.get(CHANGELOG).headers["last-modified"]
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": stamp}
    assert client.get(CHANGELOG, headers=headers).status_code == 200


def test_sitemap_and_robots_point_at_the_test_server(
    server: DocsServer, client: httpx.Client
) -> None:
    sitemap = client.get("/sitemap.xml")
    assert sitemap.headers["content-type"].startswith("application/xml")
    assert PUBLIC_HOST not in sitemap.text
    locs = _sitemap_paths(sitemap.text, server.base_url)
    assert CHANGELOG in locs and DEPRECATED in locs

    robots = client.get("/robots.txt")
    assert robots.headers["content-type"].startswith("text/plain")
    assert f"Sitemap: {server.base_url}/sitemap.xml" in robots.text
    assert "Disallow: /search" in robots.text


def test_html_pages_keep_their_public_urls(client: httpx.Client) -> None:
    """Canonical links still name the real host: a crawler must not follow them."""
    page = client.get(CHANGELOG).text
    assert f'rel="canonical" href="{PUBLIC_HOST}{CHANGELOG}"' in page


def test_records_every_request(server: DocsServer, client: httpx.Client) -> None:
    client.get(CHANGELOG, headers={"User-Agent": "monitor-test/1"})
    client.get("/missing")
    client.head("/robots.txt")
    seen = server.requests
    assert [(r.method, r.path, r.status) for r in seen] == [
        ("GET", CHANGELOG, 200),
        ("GET", "/missing", 404),
        ("HEAD", "/robots.txt", 200),
    ]
    assert seen[0].headers["user-agent"] == "monitor-test/1"
    assert seen[0].bytes_sent == len(
        (server.root / "connect/api/fulfillment/changelog.html").read_bytes()
    )
    assert seen[2].bytes_sent == 0
    assert len(server.requests_for(CHANGELOG)) == 1

    server.clear_requests()
    assert server.requests == []


def test_start_docs_server_and_stop(tmp_path: Path) -> None:
    srv = start_docs_server(copy_site(tmp_path))
    try:
        with httpx.Client(trust_env=False, timeout=5) as c:
            assert c.get(srv.url("/")).status_code == 200
    finally:
        srv.stop()
    with pytest.raises(RuntimeError):
        _ = DocsServer(tmp_path).base_url


# ---------------------------------------------------------------- faults


def test_server_error_for_given_count_then_normal(server: DocsServer, client: httpx.Client) -> None:
    server.inject(CHANGELOG, Fault.server_error(), times=2)
    codes = [client.get(CHANGELOG).status_code for _ in range(3)]
    assert codes == [500, 500, 200]
    assert client.get(DEPRECATED).status_code == 200
    assert [r.fault for r in server.requests_for(CHANGELOG)] == [
        FaultKind.SERVER_ERROR,
        FaultKind.SERVER_ERROR,
        None,
    ]


def test_rate_limited_sends_retry_after(server: DocsServer, client: httpx.Client) -> None:
    server.inject(CHANGELOG, Fault.rate_limited(retry_after=7))
    limited = client.get(CHANGELOG)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "7"
    assert client.get(CHANGELOG).status_code == 200


def test_faults_queue_in_order_and_any_path_matches_all(
    server: DocsServer, client: httpx.Client
) -> None:
    server.inject(CHANGELOG, Fault.rate_limited())
    server.inject(CHANGELOG, Fault.server_error())
    server.inject(ANY_PATH, Fault.server_error())
    assert client.get(CHANGELOG).status_code == 429
    assert client.get(CHANGELOG).status_code == 500
    assert client.get("/robots.txt").status_code == 500
    assert client.get("/robots.txt").status_code == 200
    server.inject(ANY_PATH, Fault.server_error(), times=5)
    server.clear_faults()
    assert client.get(CHANGELOG).status_code == 200
    with pytest.raises(ValueError):
        server.inject(CHANGELOG, Fault.server_error(), times=0)


def test_slow_answers_late_or_times_out(server: DocsServer, client: httpx.Client) -> None:
    server.inject(CHANGELOG, Fault.slow(0.4))
    started = time.monotonic()
    assert client.get(CHANGELOG).status_code == 200
    assert time.monotonic() - started >= 0.4

    server.inject(CHANGELOG, Fault.slow(3))
    with pytest.raises(httpx.ReadTimeout):
        client.get(CHANGELOG, timeout=0.2)


def test_truncated_body_is_a_protocol_error(server: DocsServer, client: httpx.Client) -> None:
    server.inject(CHANGELOG, Fault.truncated())
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(CHANGELOG)
    record = server.requests_for(CHANGELOG)[0]
    assert record.status == 200 and record.bytes_sent > 0
    assert client.get(CHANGELOG).status_code == 200


def test_redirect_to_other_host_is_not_followed_blindly(
    server: DocsServer, client: httpx.Client
) -> None:
    server.inject(CHANGELOG, Fault.redirect("http://example.invalid/x"))
    response = client.get(CHANGELOG)
    assert response.status_code == 302
    assert response.headers["location"] == "http://example.invalid/x"


def test_redirect_to_another_path(server: DocsServer, client: httpx.Client) -> None:
    server.inject(CHANGELOG, Fault.redirect(DEPRECATED))
    response = client.get(CHANGELOG, follow_redirects=True)
    assert response.status_code == 200
    assert str(response.url).endswith(DEPRECATED)
    assert [r.status for r in server.requests] == [302, 200]


@pytest.mark.parametrize("declare_length", [True, False])
def test_oversized_streams_the_promised_size(
    server: DocsServer, client: httpx.Client, declare_length: bool
) -> None:
    server.inject(CHANGELOG, Fault.oversized(3, declare_length=declare_length))
    response = client.get(CHANGELOG)
    assert response.status_code == 200
    assert len(response.content) == 3 * 1024 * 1024
    assert response.content.startswith(b"<!doctype html>")
    assert ("content-length" in response.headers) is declare_length


def test_oversized_stops_cleanly_when_client_gives_up(
    server: DocsServer, client: httpx.Client
) -> None:
    server.inject(CHANGELOG, Fault.oversized(50))
    with client.stream("GET", CHANGELOG) as response:
        first = next(response.iter_bytes())
    assert first.startswith(b"<!doctype html>")
    assert client.get(DEPRECATED).status_code == 200


def test_reset_drops_connection_without_response(server: DocsServer, client: httpx.Client) -> None:
    server.inject(CHANGELOG, Fault.reset())
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        client.get(CHANGELOG)
    assert server.requests_for(CHANGELOG)[0].status == 0
    assert client.get(CHANGELOG).status_code == 200


# ---------------------------------------------------------------- the fixture site itself


def _expected() -> dict:
    return json.loads(EXPECTED_LABELS.read_text(encoding="utf-8"))


def _html_paths() -> set[str]:
    found = set()
    for file in FIXTURE_SITE.rglob("*.html"):
        rel = file.relative_to(FIXTURE_SITE).with_suffix("").as_posix()
        found.add("/" if rel == "index" else "/" + rel)
    return found


def _sitemap_paths(xml_text: str, host: str) -> list[str]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text or "" for e in ElementTree.fromstring(xml_text).findall("s:url/s:loc", ns)]
    assert all(loc.startswith(host + "/") for loc in locs)
    return [loc.removeprefix(host) for loc in locs]


@functools.cache
def _soup(path: str) -> BeautifulSoup:
    """Parsed once per test run; callers only read it."""
    target = file_for(FIXTURE_SITE, path)
    assert target is not None, path
    return BeautifulSoup(target.read_text(encoding="utf-8"), "lxml")


def test_every_labelled_page_exists_and_sitemap_matches_files() -> None:
    pages = _expected()["pages"]
    html = _html_paths()
    assert set(pages) == html
    sitemap = _sitemap_paths(
        (FIXTURE_SITE / "sitemap.xml").read_text(encoding="utf-8"), PUBLIC_HOST
    )
    assert len(sitemap) == len(set(sitemap))
    assert set(sitemap) == html
    kinds = {v["kind"] for v in pages.values()}
    assert kinds == {"changelog", "deprecated_page", "reference", "other"}
    assert sum(v["kind"] == "changelog" for v in pages.values()) == 8


def test_pages_have_docusaurus_structure() -> None:
    required = [
        "head meta[name=generator]",
        "head link[rel=stylesheet]",
        "head script[src]",
        "nav.navbar",
        "aside ul.theme-doc-sidebar-menu a.menu__link",
        "nav.theme-doc-breadcrumbs",
        "main article div.theme-doc-markdown.markdown header > h1",
        "article footer.theme-doc-footer time[datetime]",
        "nav.pagination-nav",
        "footer.footer",
    ]
    for path in _html_paths():
        target = file_for(FIXTURE_SITE, path)
        assert target is not None
        assert target.read_text(encoding="utf-8").startswith("<!doctype html>"), path
        soup = _soup(path)
        for selector in required:
            assert soup.select_one(selector) is not None, (path, selector)


def test_internal_links_and_anchors_resolve() -> None:
    html = _html_paths()
    for path in html:
        for link in _soup(path).select("a[href^='/']"):
            target, _, anchor = str(link["href"]).partition("#")
            assert target in html, (path, link["href"])
            if anchor:
                assert _soup(target).find(id=anchor) is not None, (path, link["href"])


DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%Y-%m-%d")


def _heading_date(tag: Tag) -> date | None:
    text = tag.get_text().replace("\u200b", "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _changelog_entries(path: str) -> list[tuple[date, str, str]]:
    """(heading date, heading id, entry text) for each top-level <li> under a date heading."""
    body = _soup(path).select_one("div.theme-doc-markdown")
    assert body is not None
    entries: list[tuple[date, str, str]] = []
    current: tuple[date, str] | None = None
    for child in body.find_all(recursive=False):
        if child.name in ("h2", "h3"):
            day = _heading_date(child)
            if day is not None:
                current = (day, str(child["id"]))
            elif child.name == "h2":
                current = None
        elif child.name == "ul" and current is not None:
            entries += [
                (*current, " ".join(li.get_text().split()))
                for li in child.find_all("li", recursive=False)
            ]
    return entries


def test_changelog_entry_counts_dates_and_formats() -> None:
    formats_seen: set[str] = set()
    for path, meta in _expected()["pages"].items():
        if meta["kind"] != "changelog":
            continue
        entries = _changelog_entries(path)
        assert len(entries) == meta["entries"], path
        days = [d for d, _, _ in entries]
        assert days == sorted(days, reverse=True), path
        soup = _soup(path)
        for h in soup.select("div.theme-doc-markdown > h2, div.theme-doc-markdown > h3"):
            text = h.get_text().replace("\u200b", "").strip()
            for fmt in DATE_FORMATS:
                try:
                    datetime.strptime(text, fmt)
                    formats_seen.add(fmt)
                    break
                except ValueError:
                    continue
    assert formats_seen == set(DATE_FORMATS)


def test_labels_are_well_formed_and_point_at_real_text() -> None:
    expected = _expected()
    pages = expected["pages"]
    assert len(expected["records"]) >= 25
    for record in expected["records"]:
        Origin(record["origin"])
        Kind(record["kind"])
        Action(record["action"])
        assert record["items"] == sorted(record["items"]) and record["items"]
        for key in ("announced_on", "effective_on"):
            if record[key] is not None:
                date.fromisoformat(record[key])
        path, _, anchor = record["source_path"].partition("#")
        assert path in pages
        text = _soup(path).get_text()
        if record["origin"] == "changelog":
            assert pages[path]["kind"] == "changelog"
            assert pages[path]["surface"] == record["surface"]
            dated = [d for d, a, _ in _changelog_entries(path) if a == anchor]
            assert dated and dated[0].isoformat() == record["announced_on"]
        elif record["announced_on_source"] == "first_seen":
            assert record["announced_on"] is None
        else:  # taken from the changelog record that announced the same endpoint
            announcers = [
                r
                for r in expected["records"]
                if r["origin"] == "changelog" and set(record["items"]) <= set(r["items"])
            ]
            assert [r["announced_on"] for r in announcers] == [record["announced_on"]]
        for item in record["items"]:
            shown = item.split("=")[-1].split(".")[-1].split(" ")[-1]
            assert shown in text, (record["source_path"], item)
        if record["replacement"]:
            assert record["replacement"] in text, record["source_path"]


def test_deprecated_page_records_match_the_deprecated_page_links() -> None:
    expected = _expected()
    linked = {
        str(a["href"]) for a in _soup(DEPRECATED).select("div.theme-doc-markdown a.card[href]")
    }
    from_page = {r["source_path"] for r in expected["records"] if r["origin"] == "deprecated_page"}
    assert len(linked) == 12
    assert from_page == linked


def test_decoys_are_real_changelog_entries() -> None:
    expected = _expected()
    all_entries = {
        text
        for path, meta in expected["pages"].items()
        if meta["kind"] == "changelog"
        for _, _, text in _changelog_entries(path)
    }
    assert len(expected["decoys"]) >= 5
    assert set(expected["decoys"]) <= all_entries
