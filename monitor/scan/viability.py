"""The cheap gate before full analysis: could a common-word target matter in this file?

``unit`` or ``asap`` alone reach medium confidence only with a tie to
Instacart, the owner's or parent's name, the replacement's names, or (for
mentions) words about a change right next to the word. Ordinary code is full
of such words, so most files pass the token prefilter: this gate must answer
with one literal pass per file and a few bisections, before any lexing.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .names import snake_case
from .prefilter import LiteralSet, LowerScreen
from .reasons import CHANGE_WORDS, about_change

if TYPE_CHECKING:
    from .targets import ScanTarget

# A file talks to Instacart when it holds a host, a Connect/IDP path or the name, in any
# letter case: ``FileContext.tied`` asks this of the code, the gate of the whole text.
TIE = re.compile(r"(?i)instacart(?!plus)|/v2/fulfillment\b|/idp/v1/|/v2/oauth/token")
# What the quiet screen looks for (in lower case) so that no tie gets past it.
TIE_HINTS = ("instacart", "/v2/", "/idp/v1")


def tie_start(text: str, lowered: str | None = None) -> int | None:
    """Where a ``TIE`` match could first begin, found with plain substring searches;
    None when none can. Each literal below is a piece of one alternative that no
    other character folds to under ``(?i)`` (``ſ`` aside, handled), so the regex
    itself still decides, only from later on. ``lowered`` is ``text.lower()`` if known."""
    folded = text.lower() if lowered is None else lowered
    if len(folded) != len(text):
        return 0  # lower-casing moved offsets: let the regex scan it all
    if "\u017f" in folded:
        folded = folded.replace("\u017f", "s")
    found = [
        at + back
        for word, back in (("nstacart", -1), ("/v2/", 0), ("dp/v1/", -2))
        if (at := folded.find(word)) != -1
    ]
    return max(0, min(found)) if found else None


def is_tied(text: str, lowered: str | None = None) -> bool:
    """Whether ``TIE`` matches ``text``, sparing most texts the regex."""
    start = tie_start(text, lowered)
    return start is not None and TIE.search(text, start) is not None


CHANGE_REACH = 240  # characters either side of a name where a change word counts
MAX_OCCURRENCES = 50  # a sentence about a change sits next to one of the first uses


def gate_hints(
    owner: str | None, parent: str | None, replacements: Iterable[str]
) -> tuple[str, ...]:
    """Names whose presence anywhere in a file makes a common-word target worth analysing."""
    found: list[str] = []
    for name in (owner, parent, *replacements):
        if name:
            found += [name, snake_case(name)]
    return tuple(dict.fromkeys(found))


def always_viable(target: ScanTarget) -> bool:
    """Endpoints and distinctive field names need no further evidence."""
    return target.is_endpoint or (target.is_field and target.distinctive)


class FileSigns:
    """What the gate learns about one file, each fact computed at most once.

    ``blank`` means the file holds no hint, no tie and no change word at all:
    only endpoints and distinctive names can matter there.
    """

    __slots__ = (
        "_change",
        "_ends",
        "_lowered",
        "_near",
        "_starts",
        "_text",
        "blank",
        "present",
        "tied",
    )

    def __init__(
        self,
        text: str,
        present: set[str],
        change_words: LiteralSet,
        lowered: str | None = None,
        blank: bool = False,
    ) -> None:
        self._text = text
        self._lowered = lowered
        self.present = present
        self.blank = blank
        # Anywhere, comments included: a tie in the code view implies this one.
        self.tied = not blank and is_tied(text, lowered)
        self._change = change_words
        self._near: dict[str, bool] = {}
        self._starts: list[int] | None = [] if blank else None
        self._ends: list[int] = []

    def names_any(self, hints: Sequence[str]) -> bool:
        return any(hint in self.present for hint in hints)

    def near_change(self, token: str) -> bool:
        """Whether one of the first occurrences of ``token`` has a change word close by."""
        known = self._near.get(token)
        if known is None:
            known = self._near[token] = self._scan_near_change(token)
        return known

    def _scan_near_change(self, token: str) -> bool:
        text = self._text
        positions = self._change_positions()
        if positions is None:
            return _near_change_slow(text, token)
        starts, ends = positions
        if not starts:
            return False
        count = len(starts)
        start = text.find(token)
        for _ in range(MAX_OCCURRENCES):
            if start == -1:
                break
            low, high = max(0, start - CHANGE_REACH), start + CHANGE_REACH
            i = bisect_left(starts, low)
            while i < count and starts[i] < high:
                if ends[i] <= high:
                    return True
                i += 1
            start = text.find(token, start + len(token))
        return False

    def _change_positions(self) -> tuple[list[int], list[int]] | None:
        """Sorted change-word spans, or None when lower-casing moves offsets."""
        if self._starts is None:
            lowered = self._text.lower() if self._lowered is None else self._lowered
            if len(lowered) != len(self._text):
                return None  # e.g. "İ" lower-cases to two characters: use the slow path
            spans = self._change.spans(lowered)
            self._starts = [s for s, _ in spans]
            self._ends = [e for _, e in spans]
        return self._starts, self._ends


def _near_change_slow(text: str, token: str) -> bool:
    start = text.find(token)
    for _ in range(MAX_OCCURRENCES):
        if start == -1:
            break
        if about_change(text[max(0, start - CHANGE_REACH) : start + CHANGE_REACH]):
            return True
        start = text.find(token, start + len(token))
    return False


class Gate:
    """Built once per target set: the literal searches every file gets."""

    def __init__(self, targets: Iterable[ScanTarget], extra: Iterable[str] = ()) -> None:
        targets = tuple(targets)
        hints = {hint for target in targets for hint in target.hints}
        literals = {*hints, *TIE_HINTS, *extra}
        self.literals = LiteralSet(literals)
        self.change_words = LiteralSet(CHANGE_WORDS)
        # One pass over the lower-cased text looks for every literal in lower case
        # and every change word; when it finds nothing, nothing is there. That
        # holds for ASCII literals: each character lower-cases on its own.
        self._screen = (
            LiteralSet({s.lower() for s in literals} | set(CHANGE_WORDS))
            if all(s.isascii() for s in literals)
            else None
        )
        # The same pass plus the tokens of targets that need no evidence: when it
        # finds nothing the file is blank and no sure target's token is in it.
        sure = {token for target in targets if always_viable(target) for token in target.tokens}
        quiet = {*literals, *CHANGE_WORDS, *sure}
        self._quiet = (
            LowerScreen(quiet)
            if self._screen is not None and all(map(str.isascii, quiet))
            else None
        )

    def quiet(self, text: str) -> bool:
        """True only when no target can reach medium confidence and no rule can fire.

        Nothing the gate looks for and no token of an evidence-free target
        occurs in ``text`` in any letter case. Most files end here, before
        the token finder runs.
        """
        return self._quiet is not None and not self._quiet.any_in(text)

    def quiet_bytes(self, data: bytes) -> bool:
        """``quiet`` asked of a file's bytes, sparing the decode most files need no more.

        Answers only for ASCII bytes (their text is the same characters);
        False for anything else means "not proven quiet": decode and ask ``quiet``.
        """
        return self._quiet is not None and data.isascii() and not self._quiet.any_in_ascii(data)

    def signs(self, text: str) -> FileSigns:
        lowered = text.lower()
        if self._screen is not None and not self._screen.any_in(lowered):
            return FileSigns(text, set(), self.change_words, lowered, blank=True)
        return FileSigns(text, self.literals.present(text), self.change_words, lowered)

    @staticmethod
    def viable(target: ScanTarget, signs: FileSigns) -> bool:
        """Whether a target could reach medium confidence in the file ``signs`` describes."""
        if always_viable(target) or signs.tied or signs.names_any(target.hints):
            return True
        return any(signs.near_change(token) for token in target.tokens)
