"""sitemap.xml (or a sitemap index) -> the URLs it lists.

Parsed with entity resolution and network access off: the file comes from the
network and must not be able to pull in anything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from monitor.extract.errors import SitemapError


@dataclass(frozen=True, slots=True)
class Sitemap:
    """``is_index`` tells whether ``urls`` are further sitemaps rather than pages."""

    urls: tuple[str, ...]
    is_index: bool


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read_sitemap(xml: bytes | str) -> Sitemap:
    """Parse a ``urlset`` or ``sitemapindex`` document; raise :class:`SitemapError` otherwise."""
    data = xml.encode() if isinstance(xml, str) else xml
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"sitemap is not well-formed XML: {exc}") from exc
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"not a sitemap: root element is <{kind or root.tag}>")
    urls: dict[str, None] = {}
    for element in root.iter():
        if _local(element.tag) == "loc" and element.text and element.text.strip():
            urls.setdefault(element.text.strip(), None)
    return Sitemap(tuple(urls), kind == "sitemapindex")


def parse_sitemap(xml: bytes | str) -> list[str]:
    """The ``<loc>`` URLs of a sitemap; for an index, the child sitemaps' URLs."""
    return list(read_sitemap(xml).urls)
