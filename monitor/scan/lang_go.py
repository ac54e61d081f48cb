"""Go: struct tags, map literals, fmt.Sprintf paths, struct literals of tagged types."""

from __future__ import annotations

from .comments import LexSpec
from .profile import COMMON_FIELD_PATTERNS, FieldPattern, Profile

LEX = LexSpec(
    line_comments=("//",),
    block_comments=((r"/\*", r"\*/"),),
    single_quotes=False,  # runes
    backticks=True,  # raw strings, where struct tags live
)
JSON_TAG = FieldPattern("tag", r"""\bjson:"(?P<name>{names})(?:,[^"]*)?\"""", requires=('json:"',))
# A struct literal key (``Quantity: 2``) spells the Go field, not the JSON name;
# the engine only looks for it when the same file tags that field.
STRUCT_LITERAL_KEY = FieldPattern("struct_key", r"(?<![\w.])(?P<name>{names})\s*:(?!=)")

PROFILE = Profile(
    name="go",
    lex=LEX,
    field_patterns=(*COMMON_FIELD_PATTERNS, JSON_TAG),
)
