"""What differs between language families, as plain data the engine reads."""

from __future__ import annotations

from dataclasses import dataclass

from .comments import LexSpec


@dataclass(frozen=True, slots=True)
class FieldPattern:
    """How one syntax binds a field name; ``{names}`` becomes the names looked for."""

    label: str
    template: str
    camel: bool = False  # also accept the camelCase spelling of the name
    needs_class: bool = False  # only inside a class/struct/model body
    # Literal words one of which every match holds (case as written); when the
    # file has none, the regex is not run. Empty: no such shortcut.
    requires: tuple[str, ...] = ()

    def may_match(self, code: str) -> bool:
        return not self.requires or any(word in code for word in self.requires)


QUOTED_KEY = FieldPattern("key", r"""(?P<q>["'])(?P<name>{names})(?P=q)\s*(?::(?![:=])|=>)""")
SUBSCRIPT = FieldPattern("subscript", r"""\[\s*(?P<q>["'])(?P<name>{names})(?P=q)\s*\]""")
METHOD_ARG = FieldPattern(
    "call",
    r"""\.(?:put\w*|add\w*|set\w*|get\w*|opt\w*|has\w*|path|pop|remove|setdefault|field|"""
    r"""with\w*)\(\s*(?P<q>["'])(?P<name>{names})(?P=q)""",
)
COMMON_FIELD_PATTERNS = (QUOTED_KEY, SUBSCRIPT, METHOD_ARG)


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    lex: LexSpec | None  # None: documentation, every line is prose
    field_patterns: tuple[FieldPattern, ...] = COMMON_FIELD_PATTERNS
    candidates: str = "strings"  # "strings": string literals; "words": shell-like words
    implicit_concat: bool = False  # adjacent literals join ("a" "b")
    context: str = "brackets"  # "brackets", "python" (plus indentation) or "yaml"
    window: str = "statement"  # how far to look for an HTTP method
    yaml_values: bool = False  # unquoted scalars (``type: asap``) are values

    @property
    def is_docs(self) -> bool:
        return self.lex is None
