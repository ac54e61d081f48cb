"""API reference pages -> the operation (method + path), whether it is deprecated, and
deprecated fields from its parameter tables and notes.

Admonitions are read by :mod:`monitor.extract.admonitions` (whole operation vs
partial notes) and tables by :mod:`monitor.extract.reference_tables`; a partial
note whose item was guessed from prose, or that deprecates only one way of using
an item, becomes a record flagged for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bs4 import Tag

from monitor.domain import Action, AnnouncedOnSource, DeprecationRecord, Kind, Origin
from monitor.extract.admonitions import DeprecationNote, read_admonitions
from monitor.extract.markup import is_admonition, is_badge
from monitor.extract.page import content_root, page_title, parse_html
from monitor.extract.paths import endpoint, find_endpoints
from monitor.extract.reference_tables import DeprecatedField, deprecated_fields
from monitor.extract.text import element_text, without_fragment

_CURL_METHOD_RE = re.compile(r"(?:-X|--request)\s+['\"]?(GET|POST|PUT|PATCH|DELETE)\b")
_CURL_URL_RE = re.compile(r"curl\b[^\n]*?['\"]?(https?://[^\s'\"]+)", re.I)


@dataclass(frozen=True, slots=True)
class ReferencePage:
    """What one reference page says about its operation."""

    url: str
    surface: str
    title: str
    method: str | None
    path: str | None
    deprecated: bool
    deprecation_text: str | None = None
    replacement: str | None = None
    replacement_url: str | None = None
    fields: tuple[DeprecatedField, ...] = ()
    notes: tuple[DeprecationNote, ...] = ()

    @property
    def endpoint(self) -> str | None:
        """``METHOD /path`` when both were found."""
        return f"{self.method} {self.path}" if self.method and self.path else None


def _inside(tag: Tag) -> bool:
    return any(is_admonition(p) for p in tag.parents if isinstance(p, Tag))


def _method_and_path(root: Tag) -> tuple[str | None, str | None]:
    """Badge + path first, then code blocks, then headings/paragraphs, then a cURL call."""
    for tag in root.find_all(True):
        classes = " ".join(str(c) for c in tag.get("class") or ())
        if not (is_badge(tag) or "method" in classes.lower()):
            continue
        word = element_text(tag).upper()
        if word in ("GET", "POST", "PUT", "PATCH", "DELETE") and isinstance(tag.parent, Tag):
            rest = element_text(tag.parent).split(None, 1)
            holder = rest[1] if len(rest) > 1 else ""
            if not holder and isinstance(tag.parent.next_sibling, Tag):
                holder = element_text(tag.parent.next_sibling)
            found = find_endpoints(f"{word} {holder}")
            if found:
                method, path = found[0][2].split(" ", 1)
                return method, path
    for names in (("pre", "code"), ("h1", "h2", "h3", "h4", "p", "li", "td")):
        for tag in root.find_all(names):
            if _inside(tag):
                continue
            found = find_endpoints(element_text(tag))
            if found:
                method, path = found[0][2].split(" ", 1)
                return method, path
    for pre in root.find_all("pre"):
        text = element_text(pre)
        url = _CURL_URL_RE.search(text)
        if url:
            method = _CURL_METHOD_RE.search(text)
            method_name = method.group(1) if method else "GET"
            method_name, path = endpoint(method_name, url.group(1)).split(" ", 1)
            return method_name, path
    return None, None


def _title_badge(root: Tag) -> bool:
    """A "Deprecated" badge outside tables and lists (those mark fields, not the page)."""
    for tag in root.find_all(is_badge):
        if element_text(tag).strip(" ()").lower() != "deprecated":
            continue
        if not any(p.name in ("table", "li") for p in tag.parents if isinstance(p, Tag)):
            return True
    heading = root.find("h1")
    return isinstance(heading, Tag) and bool(
        re.search(r"\(deprecated\)|\bdeprecated$", element_text(heading), re.I)
    )


def parse_reference_page(
    html: str | bytes, page_url: str, surface: str, first_seen: date | None = None
) -> ReferencePage:
    """Read one reference page; raises ``UnrecognisedPage`` when it has no content root.

    ``first_seen`` is accepted for symmetry with :func:`reference_records`; the
    page itself carries no dates.
    """
    del first_seen
    soup = parse_html(html)
    root = content_root(soup, page_url)
    url = without_fragment(page_url)
    method, path = _method_and_path(root)
    boxes = read_admonitions(root, url)
    return ReferencePage(
        url=url,
        surface=surface,
        title=page_title(soup, root),
        method=method,
        path=path,
        deprecated=boxes.deprecated or _title_badge(root),
        deprecation_text=boxes.text,
        replacement=boxes.replacement,
        replacement_url=boxes.replacement_url,
        fields=tuple(deprecated_fields(root)),
        notes=boxes.notes,
    )


def _record(page: ReferencePage, first_seen: date, **values: object) -> DeprecationRecord:
    extra = {"first_seen": first_seen.isoformat(), "page_title": page.title}
    extra.update(values.pop("extra", {}))  # type: ignore[arg-type]
    return DeprecationRecord(
        action=Action.DEPRECATED,
        surface=page.surface,
        origin=Origin.REFERENCE_PAGE,
        source_url=page.url,
        announced_on=None,
        announced_on_source=AnnouncedOnSource.FIRST_SEEN,
        extra=extra,
        **values,  # type: ignore[arg-type]
    )


def reference_records(page: ReferencePage, first_seen: date) -> list[DeprecationRecord]:
    """Records a reference page supports on its own (it carries no announcement date)."""
    records: list[DeprecationRecord] = []
    if page.deprecated:
        missing = page.endpoint is None
        records.append(
            _record(
                page,
                first_seen,
                kind=Kind.ENDPOINT,
                items=(page.endpoint,) if page.endpoint else (),
                title=page.title or page.url,
                replacement=page.replacement,
                needs_review=missing,
                review_reason="deprecated page without a method and path" if missing else None,
            )
        )
    for found in page.fields:
        records.append(
            _record(
                page,
                first_seen,
                kind=Kind.ENUM_VALUE if found.value else Kind.FIELD,
                items=(found.item,),
                title=f"Deprecated: {found.item}",
                replacement=found.replacement,
                extra={"description": found.description},
            )
        )
    for note in page.notes:
        reasons = [
            reason
            for flag, reason in (
                (note.conditional, "only one way of using the item is deprecated"),
                (note.guessed, "item inferred from prose"),
            )
            if flag
        ]
        records.append(
            _record(
                page,
                first_seen,
                kind=Kind.FIELD,
                items=note.items,
                title=note.text if len(note.text) <= 100 else note.text[:99] + "…",
                replacement=note.replacement,
                needs_review=bool(reasons),
                review_reason="; ".join(reasons) or None,
                extra={"note": note.text},
            )
        )
    return records
