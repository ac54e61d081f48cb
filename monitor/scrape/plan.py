"""Which pages to fetch, as plain data derived from the settings and the sitemap (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from monitor.config.settings import Settings

SITEMAP_SOURCE = "sitemap"
DEPRECATED_SOURCE = "deprecated-page"
REFERENCE_PREFIX = "reference:"
FALLBACK_SURFACE = "Instacart Developer Docs"


@dataclass(frozen=True, slots=True)
class PlannedPage:
    source: str  # the Source row name
    kind: str  # changelog | deprecated | reference | sitemap
    surface: str | None
    path: str


def fixed_pages(settings: Settings) -> list[PlannedPage]:
    """The pages every scrape reads: the changelogs, the Deprecated page, the sitemap."""
    docs = settings.docs
    pages = [PlannedPage(c.name, "changelog", c.surface, c.path) for c in docs.changelogs]
    pages.append(
        PlannedPage(
            DEPRECATED_SOURCE, "deprecated", docs.deprecated_page_surface, docs.deprecated_page
        )
    )
    pages.append(PlannedPage(SITEMAP_SOURCE, "sitemap", None, docs.sitemap_path))
    return pages


def reference_pages(settings: Settings, paths: Iterable[str]) -> list[PlannedPage]:
    """Reference pages among ``paths`` (sitemap entries), deduplicated, in a stable order."""
    docs = settings.docs
    skip = {c.path for c in docs.changelogs} | {docs.deprecated_page, docs.sitemap_path}
    wanted: dict[str, PlannedPage] = {}
    for path in paths:
        clean = path.rstrip("/") or "/"
        if clean in skip or clean in wanted:
            continue
        if any(clean.startswith(prefix) for prefix in docs.reference_prefixes):
            wanted[clean] = PlannedPage(
                REFERENCE_PREFIX + clean, "reference", surface_for(settings, clean), clean
            )
    return [wanted[p] for p in sorted(wanted)]


def surface_for(settings: Settings, path: str) -> str:
    """The surface whose changelog lives in the deepest folder containing ``path``."""
    best, best_len = FALLBACK_SURFACE, -1
    for changelog in settings.docs.changelogs:
        folder = changelog.path.rsplit("/", 1)[0] + "/"
        if path.startswith(folder) and len(folder) > best_len:
            best, best_len = changelog.surface, len(folder)
    return best


def path_of(url: str) -> str:
    """Sitemaps list the canonical host; a mirror serves the same paths."""
    return urlsplit(url).path or "/"
