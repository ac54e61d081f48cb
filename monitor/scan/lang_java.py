"""Java and Kotlin: Jackson/Gson/kotlinx annotations, fields, data classes, builders."""

from __future__ import annotations

from .comments import LexSpec
from .profile import COMMON_FIELD_PATTERNS, FieldPattern, Profile

LEX = LexSpec(
    line_comments=("//",),
    block_comments=((r"/\*", r"\*/"),),
    triple_quotes=True,  # Java text blocks and Kotlin raw strings
    single_quotes=False,  # char literals never hold a path or a key
)
ANNOTATION = FieldPattern(
    "annotation",
    r"""@(?:\w+:)?(?:JsonProperty|SerializedName|SerialName|JsonAlias|Json)\(\s*"""
    r"""(?:(?:value|name)\s*=\s*)?"(?P<name>{names})\"""",
    requires=("@",),
)
# Jackson binds unannotated fields by name (camelCase with a snake_case strategy).
JAVA_FIELD = FieldPattern(
    "field",
    r"\b(?:private|protected|public)\s+(?:(?:final|static|transient|volatile)\s+)*"
    r"[\w.]+(?:<[^;=(){}]*>)?(?:\[\])?\s+(?P<name>{names})\s*[;=]",
    camel=True,
    requires=("private", "protected", "public"),
    needs_class=True,
)
KOTLIN_PROPERTY = FieldPattern(
    "property",
    r"\b(?:val|var)\s+(?P<name>{names})\s*:",
    camel=True,
    needs_class=True,
    requires=("val", "var"),
)
KOTLIN_NAMED_ARG = FieldPattern("named_arg", r"[(,]\s*(?P<name>{names})\s*=(?![=>])", camel=True)
KOTLIN_PAIR = FieldPattern("pair", r"""(?P<q>")(?P<name>{names})"\s+to\b""")

JAVA = Profile(
    name="java",
    lex=LEX,
    field_patterns=(*COMMON_FIELD_PATTERNS, ANNOTATION, JAVA_FIELD),
)
KOTLIN = Profile(
    name="kotlin",
    lex=LEX,
    field_patterns=(
        *COMMON_FIELD_PATTERNS,
        ANNOTATION,
        KOTLIN_PAIR,
        KOTLIN_PROPERTY,
        KOTLIN_NAMED_ARG,
    ),
)
