"""Inline suppressions: ``connect-monitor: ignore[<item or id>] reason``.

A suppressed finding is kept and counted, only marked, so reports can show how
much is being waived. The directive applies to its own line, or to the next
line when it stands alone in a comment.
"""

from __future__ import annotations

import re

DIRECTIVE = re.compile(r"connect-monitor:\s*ignore(?:\[(?P<ids>[^\]]*)\])?")
_COMMENT_ONLY = re.compile(r"^\s*(?:#|//|/\*|\*|--|;|<!--|REM\b)")
ALL = "*"


def directives(text: str) -> dict[int, frozenset[str]]:
    """1-based line -> ids it suppresses (``*`` for all), including next-line carries."""
    found: dict[int, set[str]] = {}
    if "connect-monitor" not in text:
        return {}  # the directive starts with this literal; most files have none
    # Lines end at "\n" only, as everywhere in the scanner (``splitlines`` would also
    # break at a form feed or U+2028 and shift every line number below it).
    for number, line in enumerate(text.split("\n"), start=1):
        m = DIRECTIVE.search(line)
        if m is None:
            continue
        raw = m["ids"]
        ids = {ALL} if raw is None else {i.strip() for i in raw.split(",") if i.strip()} or {ALL}
        found.setdefault(number, set()).update(ids)
        if _COMMENT_ONLY.match(line):
            found.setdefault(number + 1, set()).update(ids)
    return {line: frozenset(ids) for line, ids in found.items()}


def is_suppressed(
    table: dict[int, frozenset[str]], line: int, item: str, deprecation_id: str, kind: str
) -> bool:
    ids = table.get(line)
    if not ids:
        return False
    return bool(ids & {ALL, item, deprecation_id, kind})
