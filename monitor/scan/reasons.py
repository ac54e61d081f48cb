"""Human sentences for findings, and confidence arithmetic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from monitor.domain import Action

from .findings import CONFIDENCE_RANK, Confidence

if TYPE_CHECKING:  # targets.py builds its gate from this module's words
    from .targets import ScanTarget

_VERBS = {
    Action.DEPRECATED: "is deprecated",
    Action.REMOVED: "was removed",
    Action.BREAKING: "has a breaking change",
}


# Words that make a sentence about a change, so an ordinary field name in it is
# worth reporting as a mention. Kept as plain strings for cheap ``in`` checks.
CHANGE_WORDS = (
    "deprecat", "removed", "removal", "breaking", "e.164", "sunset", "legacy",
    "instead", "replaced", "replacement", "in favor of", "in favour of", "migrat",
)  # fmt: skip


def about_change(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in CHANGE_WORDS)


def status(target: ScanTarget) -> str:
    sentence = f"{target.item} {_VERBS.get(target.action, 'is deprecated')}"
    if target.replacement:
        sentence += f" (replacement: {target.replacement})"
    return sentence


def lowest(*levels: Confidence) -> Confidence:
    return min(levels, key=lambda c: c.rank)


def at_least(level: str | Confidence, floor: str | Confidence) -> bool:
    return CONFIDENCE_RANK[level] >= CONFIDENCE_RANK[floor]
