"""The Finding value the scanner reports, plus its stable fingerprint.

Fingerprints feed SARIF ``partialFingerprints`` and baseline diffs, so they must
not move when unrelated lines are added above a finding: they hash the path,
the rule, the whitespace-normalised snippet and the occurrence index among
identical snippets, never the line number.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum
from operator import attrgetter


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return CONFIDENCE_RANK[self.value]


# Higher is surer; keyed by the plain strings too, which hits and stored rows carry.
CONFIDENCE_RANK = {"high": 3, "medium": 2, "low": 1}


class Category(StrEnum):
    USE = "use"
    MENTION = "mention"


class RuleKind(StrEnum):
    """Findings that come from integration rules rather than from a deprecation."""

    INSECURE_HTTP = "insecure_http"
    HARDCODED_SECRET = "hardcoded_secret"


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    end_column: int  # 1-based, exclusive
    item: str
    deprecation_id: str  # the record id, or ``rule:<name>`` for integration rules
    kind: str  # a ``Kind`` value or a ``RuleKind`` value
    category: str  # ``use`` or ``mention``
    confidence: str
    reason: str
    snippet: str  # the trimmed line, secrets masked
    suppressed: bool = False
    fingerprint: str = ""

    @property
    def key(self) -> tuple[str, int, str, str]:
        """What labels and baselines compare on."""
        return (self.path, self.line, self.item, self.category)


def normalise_snippet(snippet: str) -> str:
    """Runs of whitespace as one space, none at the ends (``str.split`` and the regex
    ``\\s`` agree on every code point: a test checks it)."""
    return " ".join(snippet.split())


def _hashed(path: str, rule: str, item: str, normalised: str, occurrence: int) -> str:
    raw = "\x1f".join((path, rule, item, normalised, str(occurrence)))
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def with_fingerprints(findings: Iterable[Finding]) -> list[Finding]:
    """Sort by position and give each finding its fingerprint.

    The occurrence index counts earlier findings with the same path, rule, item
    and snippet, so two identical lines in one file still get distinct prints.
    """
    ordered = sorted(findings, key=lambda f: (f.path, f.line, f.column, f.item, f.category))
    seen: Counter[tuple[str, str, str, str, str]] = Counter()
    result = []
    for finding in ordered:
        normalised = normalise_snippet(finding.snippet)
        key = (finding.path, finding.deprecation_id, finding.item, finding.category, normalised)
        index = seen[key]
        seen[key] += 1
        rule = f"{finding.deprecation_id}:{finding.category}"
        print_ = _hashed(finding.path, rule, finding.item, normalised, index)
        result.append(_with_fingerprint(finding, print_))
    return result


# Every field but the last, the fingerprint; ``dataclasses.replace`` is several
# times slower and runs once per finding of every scanned file.
_KEPT = attrgetter(*(f.name for f in fields(Finding)[:-1]))
assert fields(Finding)[-1].name == "fingerprint"


def _with_fingerprint(finding: Finding, print_: str) -> Finding:
    return Finding(*_KEPT(finding), print_)
