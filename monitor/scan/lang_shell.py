"""Shell scripts: curl commands, quoted JSON bodies, variables."""

from __future__ import annotations

import re

from .comments import LexSpec
from .profile import COMMON_FIELD_PATTERNS, Profile

LEX = LexSpec(
    line_comments=(r"(?:(?<=\s)|(?<=^)|(?<=;))#",),
    multiline_strings=True,
)
PROFILE = Profile(
    name="shell",
    lex=LEX,
    field_patterns=COMMON_FIELD_PATTERNS,
    candidates="words",
)

_METHOD_FLAG = re.compile(r"(?:\s-X\s*|\s--request[=\s]+)[\"']?([A-Za-z]+)")
_DATA_FLAG = re.compile(r"\s(?:-d|--data(?:-raw|-binary|-urlencode)?|--json|-F|--form)(?:[\s=]|$)")
_GET_FLAG = re.compile(r"\s(?:-G|--get)\b")
_HEAD_FLAG = re.compile(r"\s(?:-I|--head)\b")


def curl_method(command: str) -> str | None:
    """The method curl will send: -X wins, a body implies POST, otherwise GET."""
    if not re.search(r"\bcurl\b", command):
        return None
    explicit = _METHOD_FLAG.search(command)
    if explicit:
        return explicit.group(1).upper()
    if _HEAD_FLAG.search(command):
        return "HEAD"
    if _GET_FLAG.search(command):
        return "GET"
    return "POST" if _DATA_FLAG.search(command) else "GET"
