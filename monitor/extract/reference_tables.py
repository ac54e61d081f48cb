"""Deprecated fields in reference parameter tables (and badge-marked parameter lists).

A row counts only when it says so about itself: a description that starts with
"Deprecated", says "this field is deprecated", or carries a "Deprecated" badge.
"Replaces the deprecated `is_express`" in another row's description does not
deprecate that other row, and nested rows are never deprecated by their parent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import Tag

from monitor.extract.markup import HEADING_TAGS, is_badge
from monitor.extract.mentions import IDENT_RE
from monitor.extract.phrases import REPLACEMENT_CUE_RE
from monitor.extract.text import element_text

_NAME_HEADERS_RE = re.compile(r"\b(?:name|field|parameter|param|property|attribute|key)s?\b", re.I)
_DESC_HEADERS_RE = re.compile(r"\b(?:description|details|notes?|comments?|meaning)\b", re.I)
_STARTS_DEPRECATED_RE = re.compile(r"^\W*(?:\*\*)?deprecated\b", re.I)
_SELF_DEPRECATED_RE = re.compile(
    r"\b(?:this|the)\s+(?:field|parameter|param|property|attribute|value|key)\s+"
    r"(?:is|has been|was|will be)\s+(?:now\s+)?deprecated\b|\(deprecated\)",
    re.I,
)
_VALUE_DEPRECATED_RE = re.compile(
    r"\b(?:values?|options?)?\s*(?:is|are|has been|have been)\s+(?:now\s+)?deprecated\b", re.I
)
_LABEL_RE = re.compile(r"^\W*deprecated\W*$", re.I)
_PASCAL_RE = re.compile(r"\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\b")
_OBJECT_RE = re.compile(r"\b([A-Z]\w*)\s+(?:object|model|schema)\b")
_NAME_NOISE_RE = re.compile(r"^[\s↳└├─\-–•*]+|\s*(?:\*|required|optional)\s*$", re.I)
_REPLACEMENT_NAME_RE = re.compile(r"^\s*`?([A-Za-z_][\w.\[\]]*)")


@dataclass(frozen=True, slots=True)
class DeprecatedField:
    """A field marked deprecated on a reference page."""

    name: str  # as written in the table (may be a path such as ``a[].b``)
    owner: str | None  # the object the table documents, when a heading names it
    description: str
    replacement: str | None
    value: str | None = None  # set when only one value of the field is deprecated

    @property
    def item(self) -> str:
        """``Owner.name`` (or ``Owner.name=value``) when the owner is known, else bare."""
        path = f"{self.owner}.{self.name}" if self.owner else self.name
        return f"{path}={self.value}" if self.value else path


def _owner_from(tag: Tag | None) -> str | None:
    if tag is None:
        return None
    for code in tag.find_all("code"):
        text = element_text(code)
        if IDENT_RE.match(text) and text[:1].isupper():
            return text
    text = element_text(tag)
    if IDENT_RE.match(text):
        return text  # a heading that is just the object's name: "LineItem", "landing_config"
    named = _OBJECT_RE.search(text) or _PASCAL_RE.search(text)
    if named:
        return named.group(1) if named.re is _OBJECT_RE else named.group(0)
    return None


def _owner(table: Tag) -> str | None:
    """The object a table documents: its caption, else the nearest heading above."""
    caption = table.find("caption")
    owner = _owner_from(caption if isinstance(caption, Tag) else None)
    if owner:
        return owner
    heading = table.find_previous(HEADING_TAGS)
    return _owner_from(heading if isinstance(heading, Tag) else None)


def _columns(header: list[str]) -> tuple[int, int]:
    name = next((i for i, h in enumerate(header) if _NAME_HEADERS_RE.search(h)), 0)
    desc = next((i for i, h in enumerate(header) if _DESC_HEADERS_RE.search(h)), len(header) - 1)
    return name, max(desc, 0)


def _cell_name(cell: Tag) -> str:
    code = cell.find("code")
    raw = element_text(code) if isinstance(code, Tag) else element_text(cell)
    raw = _NAME_NOISE_RE.sub("", raw)
    return raw.split()[0].strip("`,:") if raw.split() else ""


def _marked(cells: list[Tag], description: str) -> bool:
    if _STARTS_DEPRECATED_RE.search(description):
        return True
    first_sentence = re.split(r"(?<=[.;])\s", description, maxsplit=1)[0]
    if _SELF_DEPRECATED_RE.search(first_sentence):
        return True
    for cell in cells:
        for tag in cell.find_all(True):
            if (is_badge(tag) or tag.name in ("strong", "b", "em", "span")) and _LABEL_RE.match(
                element_text(tag)
            ):
                return True
    return False


def _replacement(description: str) -> str | None:
    cue = REPLACEMENT_CUE_RE.search(description)
    if cue is None:
        return None
    match = _REPLACEMENT_NAME_RE.match(description[cue.end() :])
    return match.group(1).rstrip(".") if match else None


def _table_fields(table: Tag) -> list[DeprecatedField]:
    rows = [r for r in table.find_all("tr") if isinstance(r, Tag)]
    if not rows:
        return []
    header_cells = rows[0].find_all(["th", "td"])
    has_header = bool(rows[0].find("th"))
    name_col, desc_col = (
        _columns([element_text(c) for c in header_cells]) if has_header else (0, -1)
    )
    owner = _owner(table)
    found: list[DeprecatedField] = []
    for row in rows[1:] if has_header else rows:
        cells = [c for c in row.find_all(["td", "th"], recursive=False) if isinstance(c, Tag)]
        if len(cells) <= max(name_col, 0):
            continue
        description = element_text(cells[desc_col]) if cells else ""
        name = _cell_name(cells[name_col])
        if not name or not IDENT_RE.match(name):
            continue
        if desc_col != name_col and _marked(cells, description):
            found.append(DeprecatedField(name, owner, description, _replacement(description)))
        elif desc_col != name_col:
            found.extend(_deprecated_values(cells[desc_col], name, owner, description))
    return found


def _deprecated_values(
    cell: Tag, name: str, owner: str | None, description: str
) -> list[DeprecatedField]:
    """ "The `compact` value is deprecated; use `default`." inside a row that stays live."""
    found = []
    for sentence in re.split(r"(?<=[.;])\s+", description):
        marker = _VALUE_DEPRECATED_RE.search(sentence)
        if marker is None:
            continue
        values = [
            element_text(c)
            for c in cell.find_all("code")
            if element_text(c) in sentence[: marker.start()] and element_text(c) != name
        ]
        replacement = _replacement(description[description.find(sentence) :])
        found.extend(DeprecatedField(name, owner, description, replacement, v) for v in values[-1:])
    return found


def _list_fields(root: Tag) -> list[DeprecatedField]:
    """Parameter lists (OpenAPI-style) where a list item carries a Deprecated badge."""
    found: list[DeprecatedField] = []
    for badge in root.find_all(is_badge):
        if not _LABEL_RE.match(element_text(badge)):
            continue
        item = badge.find_parent("li")
        if not isinstance(item, Tag) or badge.find_parent("table") is not None:
            continue
        named = item.find(["code", "strong"])
        name = element_text(named) if isinstance(named, Tag) else ""
        if name and IDENT_RE.match(name):
            description = element_text(item)
            heading = item.find_previous(HEADING_TAGS)
            owner = _owner_from(heading if isinstance(heading, Tag) else None)
            found.append(DeprecatedField(name, owner, description, _replacement(description)))
    return found


def deprecated_fields(root: Tag) -> list[DeprecatedField]:
    """Every field the page marks deprecated, each once, in page order."""
    fields = [f for table in root.find_all("table") for f in _table_fields(table)]
    fields += _list_fields(root)
    unique: dict[str, DeprecatedField] = {}
    for item in fields:
        unique.setdefault(item.item, item)
    return list(unique.values())
