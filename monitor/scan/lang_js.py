"""JavaScript and TypeScript: object literals, interfaces, template literals."""

from __future__ import annotations

from .comments import LexSpec
from .profile import COMMON_FIELD_PATTERNS, FieldPattern, Profile

LEX = LexSpec(
    line_comments=("//",),
    block_comments=((r"/\*", r"\*/"),),
    backticks=True,
)
# ``quantity: 2`` in an object literal or ``quantity?: number`` in a type; the
# engine drops ternaries (``a ? quantity : 0``) and parameter lists.
OBJECT_KEY = FieldPattern("object_key", r"(?<![\w$.?])(?P<name>{names})\??\s*:(?![:=])", camel=True)

PROFILE = Profile(
    name="javascript",
    lex=LEX,
    field_patterns=(*COMMON_FIELD_PATTERNS, OBJECT_KEY),
)
