"""The Deprecated page -> URLs of the reference pages it lists.

Only links inside list items, table cells and category cards count: prose
links on the same page ("announced in the changelog") are not operations.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bs4 import Tag

from monitor.extract.page import content_root, parse_html
from monitor.extract.text import absolute_url, has_class, page_key

_LISTING_TAGS = ("li", "td", "article")


def _in_listing(anchor: Tag, root: Tag) -> bool:
    """Whether a link sits in a list item, table cell or card below the content root."""
    if has_class(anchor, "card"):
        return True
    for parent in anchor.parents:
        if parent is root or not isinstance(parent, Tag):
            return False
        if parent.name in _LISTING_TAGS or has_class(parent, "card"):
            return True
    return False


def parse_deprecated_page(html: str | bytes, page_url: str) -> list[str]:
    """Absolute URLs (without fragments), in page order, each once."""
    root = content_root(parse_html(html), page_url)
    own = page_key(page_url)
    host = urlsplit(page_url).netloc.lower()
    found: dict[str, None] = {}
    for anchor in root.find_all("a", href=True):
        if not isinstance(anchor, Tag) or not _in_listing(anchor, root):
            continue
        url = absolute_url(str(anchor["href"]), page_url)
        if url is None:
            continue
        key = page_key(url)
        if key == own or urlsplit(key).netloc.lower() != host:
            continue
        found.setdefault(key, None)
    return list(found)
