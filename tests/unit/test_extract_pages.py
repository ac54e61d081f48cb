"""The Deprecated page's listing and sitemap parsing."""

from __future__ import annotations

import pytest

from monitor.extract.deprecated_page import parse_deprecated_page
from monitor.extract.errors import SitemapError, UnrecognisedPage
from monitor.extract.sitemap import parse_sitemap, read_sitemap

PAGE = "https://docs.instacart.com/connect/api/fulfillment/deprecated"


def wrap(body: str) -> str:
    return (
        "<html><body><nav class='navbar'><a"
        " href='/connect/api/fulfillment/overview'>Overview</a></nav>"
        "<aside class='theme-doc-sidebar-container'><ul class='theme-doc-sidebar-menu'>"
        "<li><a href='/connect/api/fulfillment/lastmile/sidebar_only'>Sidebar</a></li></ul></aside>"
        "<main><article><nav class='theme-doc-breadcrumbs'><ul><li><a"
        " href='/connect'>Connect</a></li></ul></nav>"
        f"<div class='theme-doc-markdown markdown'><header><h1>Deprecated</h1></header>{body}</div>"
        "</article><nav class='pagination-nav'><a"
        " href='/connect/api/fulfillment/next'>Next</a></nav>"
        "</main></body></html>"
    )


def test_list_links_are_operations_prose_links_are_not() -> None:
    body = (
        "<p>Deprecations are first announced in the <a href='changelog'>changelog</a>.</p>"
        "<ul><li><a href='delivery/get_orders'>Get orders</a></li>"
        "<li><a href='/connect/api/fulfillment/lastmile/create_order#request'>Create</a> and again "
        "<a href='/connect/api/fulfillment/lastmile/create_order'>the same page</a></li>"
        "<li><a href='#top'>Back to top</a></li>"
        "<li><a href='https://example.com/elsewhere'>External</a></li></ul>"
        "<table><tr><td><a href='lastmile/stage_order/'>Stage</a></td></tr></table>"
    )
    assert parse_deprecated_page(wrap(body), PAGE) == [
        "https://docs.instacart.com/connect/api/fulfillment/delivery/get_orders",
        "https://docs.instacart.com/connect/api/fulfillment/lastmile/create_order",
        "https://docs.instacart.com/connect/api/fulfillment/lastmile/stage_order",
    ]


def test_category_cards() -> None:
    body = (
        "<section class='row list_eTzJ'>"
        "<article class='col col--6 margin-bottom--lg'><a class='card padding--lg"
        " cardContainer_fWXF' "
        "href='/connect/api/fulfillment/lastmile/get_order'><h2 class='text--truncate"
        " cardTitle_rnsV' "
        "title='Get a last mile delivery order'>📄️ Get a last mile delivery order</h2>"
        "<p class='text--truncate cardDescription_PWke'>Look up one order.</p></a></article>"
        "<article class='col col--6'><a class='card'"
        " href='/connect/api/fulfillment/lastmile/cancel_order'>"
        "<h2>📄️ Cancel</h2></a></article></section>"
    )
    assert parse_deprecated_page(wrap(body), PAGE) == [
        "https://docs.instacart.com/connect/api/fulfillment/lastmile/get_order",
        "https://docs.instacart.com/connect/api/fulfillment/lastmile/cancel_order",
    ]


def test_unrecognisable_deprecated_page_raises() -> None:
    with pytest.raises(UnrecognisedPage):
        parse_deprecated_page("<html><body><p>Moved</p></body></html>", PAGE)


URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://docs.instacart.com/connect/api/fulfillment/changelog</loc><changefreq>weekly</changefreq></url>
  <url><loc> https://docs.instacart.com/connect/api/fulfillment/deprecated </loc></url>
  <url><loc>https://docs.instacart.com/connect/api/fulfillment/changelog</loc></url>
</urlset>"""


def test_urlset() -> None:
    assert parse_sitemap(URLSET) == [
        "https://docs.instacart.com/connect/api/fulfillment/changelog",
        "https://docs.instacart.com/connect/api/fulfillment/deprecated",
    ]
    assert read_sitemap(URLSET.decode()).is_index is False


def test_sitemap_index() -> None:
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>https://docs.instacart.com/sitemap-1.xml</loc></sitemap>"
        "<sitemap><loc>https://docs.instacart.com/sitemap-2.xml</loc></sitemap></sitemapindex>"
    )
    parsed = read_sitemap(index)
    assert parsed.is_index is True
    assert parsed.urls == (
        "https://docs.instacart.com/sitemap-1.xml",
        "https://docs.instacart.com/sitemap-2.xml",
    )


@pytest.mark.parametrize(
    "xml",
    [
        b"<urlset><url><loc>https://x</loc></url>",
        b"<html><body>Not found</body></html>",
        b"",
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]><urlset><url><loc>&e;</loc></url></urlset>',
    ],
)
def test_malformed_or_foreign_xml_raises(xml: bytes) -> None:
    if b"ENTITY" in xml:
        # Entities are never resolved: the file's content cannot leak into the URL list.
        assert all("root:" not in url for url in _safe_parse(xml))
        return
    with pytest.raises(SitemapError):
        parse_sitemap(xml)


def _safe_parse(xml: bytes) -> list[str]:
    try:
        return parse_sitemap(xml)
    except SitemapError:
        return []
