"""Read the HTTP method a request uses from the code around it.

Client libraries spell the method in many ways (``client.post(``, ``.GET()``,
``new HttpPut(``, ``http.MethodGet``, ``method: 'PUT'``, ``-X PUT``, a request
line). We look inside the statement that holds the path, or at the statements
that use the variable the path was stored in, and take the nearest spelling.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from .lang_shell import curl_method

_VERBS = "GET|POST|PUT|PATCH|DELETE|HEAD"
_INDICATOR = re.compile(
    rf"""
    \.(?P<lower>get|post|put|patch|delete|head)
        (?:Async|ForObject|ForEntity|ForLocation|AndAwait)?\s*(?:<[^<>()]*>)?\s*\(
    |\.(?P<upper>{_VERBS})\s*\(
    |\.(?P<title>Get|Post|Put|Patch|Delete|Head)\s*\(
    |\bnew\s+Http(?P<apache>Get|Post|Put|Patch|Delete|Head)\b
    |\bhttp\.Method(?P<go>Get|Post|Put|Patch|Delete|Head)\b
    |\bHttpMethod\.(?P<enum>[A-Za-z]+)\b
    |@(?P<annotation>{_VERBS})\b
    |\bmethod["']?\s*[:=]\s*["'`]?(?P<option>(?i:get|post|put|patch|delete|head))\b
    |["'`](?P<quoted>{_VERBS})["'`]
    |(?:\s-X\s*|\s--request[=\s]+)["']?(?P<curl>{_VERBS})\b
    |^[ \t]*(?P<line>{_VERBS})[ \t]+\S
    """,
    re.VERBOSE | re.MULTILINE,
)
_DICT_GET = re.compile(r"""\s*["'](?![/$%{]|https?:)""")
_FETCH = re.compile(r"\bfetch\s*\(")
_OPENERS = "([{"
_CLOSERS = ")]}"
_CONTINUATION = ("(", ",", "[", "{", "+", "\\", "=", ":", "&&", "|")


@dataclass(frozen=True, slots=True)
class MethodHint:
    method: str
    offset: int


def indicators(text: str, base: int = 0) -> list[MethodHint]:
    hints = []
    for m in _INDICATOR.finditer(text):
        group = m.lastgroup
        if group is None:
            continue
        if group == "lower" and m.group(group) == "get" and _DICT_GET.match(text, m.end()):
            continue  # mapping.get("key") reads a value, it sends nothing
        hints.append(MethodHint(m.group(group).upper(), base + m.start(group)))
    return hints


@dataclass(slots=True)
class Lines:
    """Line offsets of a text, for statement windows."""

    text: str
    starts: list[int]

    @classmethod
    def of(cls, text: str) -> Lines:
        # Each line starts one past the end of the one before: running sums of
        # line lengths plus one, computed without a Python-level loop.
        lengths = map(len, text.split("\n")[:-1])
        return cls(text, list(accumulate(map((1).__add__, lengths), initial=0)))

    def index(self, offset: int) -> int:
        """The line holding ``offset`` (0-based); offsets before the text are line 0."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def line(self, index: int) -> str:
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[index] : end]

    def span(self, first: int, last: int) -> tuple[int, int]:
        end = self.starts[last + 1] - 1 if last + 1 < len(self.starts) else len(self.text)
        return self.starts[first], end


def _depth(text: str) -> int:
    return sum(text.count(c) for c in _OPENERS) - sum(text.count(c) for c in _CLOSERS)


def statement_span(lines: Lines, offset: int) -> tuple[int, int]:
    """Lines of the statement holding ``offset``: follows open brackets, continuations
    and builder chains (``.post(body)`` on the next line)."""
    here = lines.index(offset)
    first = here
    while first > 0 and here - first < 4:
        previous = lines.line(first - 1).rstrip()
        current = lines.line(first).lstrip()
        if previous.endswith(_CONTINUATION) or current.startswith((".", ")", "]", "?.")):
            first -= 1
        else:
            break
    last = here
    total = len(lines.starts)
    while last + 1 < total and last - here < 8:
        start, end = lines.span(first, last)
        chunk = lines.text[start:end]
        following = lines.line(last + 1).lstrip()
        if (
            _depth(chunk) > 0
            or chunk.rstrip().endswith(_CONTINUATION)
            or following.startswith((".", "?."))
        ):
            last += 1
        else:
            break
    return lines.span(first, last)


def method_near(lines: Lines, offset: int, window: str = "statement") -> str | None:
    """The method spelled closest to ``offset`` in its statement, else None."""
    if window == "lines":
        here = lines.index(offset)
        start, end = lines.span(max(0, here - 3), min(len(lines.starts) - 1, here + 3))
    else:
        start, end = statement_span(lines, offset)
    chunk = lines.text[start:end]
    hints = indicators(chunk, start)
    if hints:
        best = min(hints, key=lambda h: abs(h.offset - offset))
        distance = abs(best.offset - offset)
        rivals = {h.method for h in hints if abs(h.offset - offset) == distance}
        return best.method if len(rivals) == 1 else None
    if (method := curl_method(" " + chunk.replace("\\\n", " "))) is not None:
        return method
    if _FETCH.search(chunk):
        return "GET"  # fetch() without a method option sends GET
    return None
