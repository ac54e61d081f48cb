"""Request bodies and request files: JSON, YAML and .http/.rest files."""

from __future__ import annotations

from .comments import LexSpec
from .profile import COMMON_FIELD_PATTERNS, QUOTED_KEY, FieldPattern, Profile

YAML_KEY = FieldPattern("yaml_key", r"(?m)^[ \t]*(?:-[ \t]+)?(?P<name>{names})[ \t]*:(?=[ \t]|$)")

JSON = Profile(
    name="json",
    lex=LexSpec(single_quotes=False),
    field_patterns=(QUOTED_KEY,),
    window="lines",
)
YAML = Profile(
    name="yaml",
    lex=LexSpec(line_comments=(r"(?:(?<=\s)|(?<=^))#",)),
    field_patterns=(QUOTED_KEY, YAML_KEY),
    candidates="words",
    context="yaml",
    window="lines",
    yaml_values=True,
)
HTTP = Profile(
    name="http",
    # ``#`` and ``//`` only start a comment at the beginning of a line here.
    lex=LexSpec(line_comments=(r"^[ \t]*(?:#|//)",), single_quotes=False),
    field_patterns=COMMON_FIELD_PATTERNS,
    candidates="words",
    window="lines",
)
DOCS = Profile(name="docs", lex=None)
