"""The code scanner's pure core: find uses of deprecated Instacart items in file text.

``build_targets`` turns deprecation records into precompiled targets once;
``scan_text`` then runs per file with no I/O. Walking directories, caching and
SARIF output live in sibling modules.
"""

from __future__ import annotations

from .engine import scan_text
from .findings import Category, Confidence, Finding, RuleKind, with_fingerprints
from .languages import language_for
from .rules import mask_secrets
from .targets import ScanTarget, TargetSet, build_targets

__all__ = [
    "Category",
    "Confidence",
    "Finding",
    "RuleKind",
    "ScanTarget",
    "TargetSet",
    "build_targets",
    "language_for",
    "mask_secrets",
    "scan_text",
    "with_fingerprints",
]
