"""Python: dict literals, pydantic/dataclass models, keyword arguments, f-strings."""

from __future__ import annotations

from .comments import LexSpec
from .profile import COMMON_FIELD_PATTERNS, FieldPattern, Profile

LEX = LexSpec(
    line_comments=("#",),
    triple_quotes=True,
    string_prefix=r"(?i:[rbuf]{0,2})",
    docstrings=True,
)
MODEL_FIELD = FieldPattern(
    "model", r"(?m)^[ \t]+(?P<name>{names})\s*:\s*(?=[A-Za-z_\[\"'])", needs_class=True
)
KWARG = FieldPattern("kwarg", r"[(,]\s*(?P<name>{names})\s*=(?!=)")
ALIAS = FieldPattern(
    "alias",
    r"""\b(?:alias|serialization_alias|validation_alias)\s*=\s*(?P<q>["'])(?P<name>{names})(?P=q)""",
    requires=("alias",),
)

PROFILE = Profile(
    name="python",
    lex=LEX,
    field_patterns=(*COMMON_FIELD_PATTERNS, MODEL_FIELD, KWARG, ALIAS),
    implicit_concat=True,
    context="python",
)
