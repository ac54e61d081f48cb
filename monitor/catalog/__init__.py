"""The bundled catalog of known Instacart deprecations, usable before the first scrape."""

from __future__ import annotations

from .loader import CatalogEntry, CatalogError, load_catalog, parse_catalog, read_catalog_text

__all__ = ["CatalogEntry", "CatalogError", "load_catalog", "parse_catalog", "read_catalog_text"]
