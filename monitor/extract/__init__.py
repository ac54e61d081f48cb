"""Pure extraction: docs HTML/XML in, changelog entries and deprecation records out.

Nothing here touches the network, the disk or the clock; callers pass page
text, URLs and dates.
"""

from __future__ import annotations

from monitor.extract.changelog import parse_changelog
from monitor.extract.classify import classify_entry
from monitor.extract.crossref import cross_reference
from monitor.extract.dates import find_effective_date, parse_date, parse_heading_date
from monitor.extract.deprecated_page import parse_deprecated_page
from monitor.extract.errors import ExtractionError, SitemapError, UnrecognisedPage
from monitor.extract.reference import ReferencePage, parse_reference_page, reference_records
from monitor.extract.site import (
    PageKind,
    PageProblem,
    SiteExtraction,
    SitePage,
    build_link_index,
    extract_site,
)
from monitor.extract.sitemap import Sitemap, parse_sitemap, read_sitemap

__all__ = [
    "ExtractionError",
    "PageKind",
    "PageProblem",
    "ReferencePage",
    "SiteExtraction",
    "SitePage",
    "Sitemap",
    "SitemapError",
    "UnrecognisedPage",
    "build_link_index",
    "classify_entry",
    "cross_reference",
    "extract_site",
    "find_effective_date",
    "parse_changelog",
    "parse_date",
    "parse_deprecated_page",
    "parse_heading_date",
    "parse_reference_page",
    "parse_sitemap",
    "read_sitemap",
    "reference_records",
]
