"""Plain text and URLs out of soup elements, the same way for every page kind.

``get_text`` either glues block elements together or splits inline code from
its neighbours; one small walker that knows which tags are blocks avoids both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from bs4 import NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl",
        "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
_SPACE_RE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)

Skip = Callable[[Tag], bool]


def normalise_space(text: str) -> str:
    """Collapse whitespace (including no-break spaces) and drop zero-width characters."""
    return _SPACE_RE.sub(" ", text.translate(_INVISIBLE).replace("\xa0", " ")).strip()


def _collect(node: Tag, parts: list[str], skip: Skip | None) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, _SKIPPED_STRINGS):
                parts.append(str(child))
            continue
        if not isinstance(child, Tag) or child.name in ("script", "style", "template"):
            continue
        if skip is not None and skip(child):
            continue
        block = child.name in BLOCK_TAGS
        if block:
            parts.append(" ")
        _collect(child, parts, skip)
        if block:
            parts.append(" ")


def element_text(node: Tag | Iterable[Tag | NavigableString], skip: Skip | None = None) -> str:
    """Whitespace-normalised text of a node (or of a run of nodes), minus skipped subtrees."""
    parts: list[str] = []
    if isinstance(node, Tag):
        _collect(node, parts, skip)
    else:
        for item in node:
            if isinstance(item, Tag):
                if skip is not None and skip(item):
                    continue
                if item.name in BLOCK_TAGS:
                    parts.append(" ")
                _collect_one(item, parts, skip)
            elif not isinstance(item, _SKIPPED_STRINGS):
                parts.append(str(item))
    return normalise_space("".join(parts))


def _collect_one(tag: Tag, parts: list[str], skip: Skip | None) -> None:
    if tag.name in ("script", "style", "template"):
        return
    _collect(tag, parts, skip)
    if tag.name in BLOCK_TAGS:
        parts.append(" ")


def has_class(tag: Tag, name: str) -> bool:
    """Whether ``tag`` carries the exact CSS class ``name`` (never a hashed suffix)."""
    classes = tag.get("class") or ()
    return name in classes


def class_starts(tag: Tag, prefix: str) -> bool:
    """Whether any class of ``tag`` starts with ``prefix`` (for Infima's ``badge--*``)."""
    return any(str(c).startswith(prefix) for c in tag.get("class") or ())


def absolute_url(href: str, page_url: str) -> str | None:
    """Resolve ``href`` against the page; None for scripts, mail and empty links."""
    href = href.strip()
    if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    return urljoin(page_url, href)


def page_key(url: str) -> str:
    """A URL without fragment, query or trailing slash: the identity of a docs page."""
    bare, _fragment = urldefrag(url)
    parts = urlsplit(bare)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


def without_fragment(url: str) -> str:
    """The page URL a heading anchor can be appended to."""
    return urldefrag(url)[0]
