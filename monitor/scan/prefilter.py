"""One-pass literal searches: which target tokens and which hint strings a file holds.

Most files mention nothing deprecated, so these passes decide the scanner's
speed. With ``ahocorasick-rs`` installed they run the same SIMD multi-literal
search ripgrep uses; otherwise plain regexes and substring tests give the same
answers more slowly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

try:  # optional accelerator
    import ahocorasick_rs
except ImportError:  # pragma: no cover - depends on the environment
    ahocorasick_rs = None


class TokenFinder:
    """Target tokens present as whole words (leftmost-longest, non-overlapping matches)."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self.tokens = sorted(set(tokens), key=len, reverse=True)
        # A token that starts with a letter or digit needs a boundary on its left too.
        self._left_word = [t[0].isalnum() for t in self.tokens]
        self._automaton = (
            ahocorasick_rs.AhoCorasick(
                self.tokens, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
            )
            if ahocorasick_rs is not None and self.tokens
            else None
        )
        self._regex = re.compile("|".join(map(re.escape, self.tokens)) or r"(?!x)x")
        self._index = {token: i for i, token in enumerate(self.tokens)}

    def _spans(self, text: str) -> Iterable[tuple[int, int, int]]:
        if self._automaton is not None:
            return self._automaton.find_matches_as_indexes(text)
        index = self._index
        return ((index[m.group()], m.start(), m.end()) for m in self._regex.finditer(text))

    def find(self, text: str) -> set[str]:
        """Tokens present as whole words (a leading ``/`` counts as a boundary)."""
        found: set[int] = set()
        size = len(text)
        left_word = self._left_word
        for index, start, end in self._spans(text):
            if index in found:
                continue
            if end < size and text[end].isalnum():
                continue
            if start > 0 and left_word[index] and text[start - 1].isalnum():
                continue
            found.add(index)
        return {self.tokens[i] for i in found}


class LiteralSet:
    """Every occurrence of a few literal strings, overlaps included.

    Used for presence tests (``"LineItem" in text`` for many names at once)
    and for the positions of words about a change.
    """

    def __init__(self, literals: Iterable[str]) -> None:
        self.literals = tuple(sorted({s for s in literals if s}))
        self._automaton = (
            ahocorasick_rs.AhoCorasick(self.literals)
            if ahocorasick_rs is not None and self.literals
            else None
        )

    def any_in(self, text: str) -> bool:
        """Whether at least one literal occurs in ``text``."""
        if self._automaton is None:
            return any(s in text for s in self.literals)
        return bool(self._automaton.find_matches_as_indexes(text))

    def present(self, text: str) -> set[str]:
        """The literals that occur anywhere in ``text``."""
        if self._automaton is None:
            return {s for s in self.literals if s in text}
        return set(self._automaton.find_matches_as_strings(text, overlapping=True))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every occurrence, sorted."""
        if self._automaton is not None:
            found = self._automaton.find_matches_as_indexes(text, overlapping=True)
            return sorted((start, end) for _, start, end in found)
        spans = []
        for literal in self.literals:
            start = text.find(literal)
            while start != -1:
                spans.append((start, start + len(literal)))
                start = text.find(literal, start + 1)
        return sorted(spans)


class LowerScreen:
    """Whether any of some ASCII literals occurs in a text once it is lower-cased.

    The question most files end on, so it runs on bytes: a byte automaton is
    several times faster than the ``str`` one, and since UTF-8 never uses an
    ASCII byte inside a multi-byte character, an ASCII literal occurs in the
    encoded text exactly where it occurs in the text.
    """

    def __init__(self, literals: Iterable[str]) -> None:
        lowered = sorted({s.lower() for s in literals if s})
        if not all(s.isascii() for s in lowered):
            raise ValueError("LowerScreen takes ASCII literals only")
        self.literals = tuple(s.encode("ascii") for s in lowered)
        # Only presence is asked, and any match kind finds one if there is one;
        # a leftmost kind lets the automaton skip ahead with a SIMD prefilter
        # (about three times faster here than the standard kind's DFA walk).
        self._automaton = (
            ahocorasick_rs.BytesAhoCorasick(
                self.literals,
                matchkind=ahocorasick_rs.MatchKind.LeftmostFirst,
                implementation=ahocorasick_rs.Implementation.DFA,
            )
            if ahocorasick_rs is not None and self.literals
            else None
        )

    def any_in(self, text: str) -> bool:
        """Whether ``text.lower()`` holds at least one of the literals."""
        return self._any_in_lowered(text.lower().encode("utf-8", "surrogatepass"))

    def any_in_ascii(self, data: bytes) -> bool:
        """``any_in`` for ASCII bytes, without decoding them first.

        Only for ASCII: there ``bytes.lower`` is ``str.lower``. Outside it a
        character such as the Kelvin sign lower-cases to an ASCII letter.
        """
        return self._any_in_lowered(data.lower())

    def _any_in_lowered(self, data: bytes) -> bool:
        if self._automaton is None:
            return any(s in data for s in self.literals)
        return bool(self._automaton.find_matches_as_indexes(data))
