"""Docusaurus building blocks (admonitions, badges, heading anchors) by stable markers only.

Hashed CSS-module classes (``admonitionHeading_Gvgb``) change with every build,
so structure is read from the stable ``theme-*``/Infima classes and from element
order instead.
"""

from __future__ import annotations

import re

from bs4 import Tag

from monitor.extract.text import class_starts, element_text, has_class

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SLUG_DROP_RE = re.compile(r"[^\w\s-]")
_BREAKING_RE = re.compile(
    r"(?<!non-)(?<!non )(?<!not a )(?<!no )\bbreaking(?: changes?)?\b", re.IGNORECASE
)
_LABEL_ONLY_RE = re.compile(
    r"^[\W_]*(?:this is a )?breaking(?: changes?)?[\W_]*$|^[\W_]*$", re.IGNORECASE
)


def is_admonition(tag: Tag) -> bool:
    """Docusaurus v2/v3 admonition (``theme-admonition``) or the older ``admonition`` box."""
    return has_class(tag, "theme-admonition") or has_class(tag, "admonition")


def admonition_parts(tag: Tag) -> tuple[str, list[Tag]]:
    """The admonition's title text and its content elements.

    The heading is the first child element when there are two or more (its class
    is hashed); an admonition with a single child has no separate title.
    """
    children = [c for c in tag.children if isinstance(c, Tag)]
    if len(children) >= 2:
        return element_text(children[0]), children[1:]
    return "", children


def is_badge(tag: Tag) -> bool:
    """An Infima badge (``badge badge--danger``) or a similarly named label span."""
    return has_class(tag, "badge") or class_starts(tag, "badge--") or has_class(tag, "pill")


def mentions_breaking(text: str) -> bool:
    """Whether text carries a "breaking change" label (but not "non-breaking")."""
    return bool(_BREAKING_RE.search(text))


def is_label_only(text: str) -> bool:
    """A block whose whole text is a label such as "Breaking change" (not an entry)."""
    return bool(_LABEL_ONLY_RE.match(text))


def slugify(text: str) -> str:
    """Docusaurus-like heading slug, used only when a heading has no id."""
    cleaned = _SLUG_DROP_RE.sub("", text.lower()).strip()
    return re.sub(r"[\s_]+", "-", cleaned)


def heading_anchor(heading: Tag) -> str:
    """The heading's id (on itself or an inner anchor), else a slug of its text."""
    ident = heading.get("id")
    if not ident:
        inner = heading.find(attrs={"id": True})
        ident = inner.get("id") if isinstance(inner, Tag) else None
    return str(ident) if ident else slugify(element_text(heading))
