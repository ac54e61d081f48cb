"""Everything the matchers share about one file, computed once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .comments import Lexed, lex, whole_text_as_comment
from .context import Scope, enclosing, python_scope, yaml_parents
from .methods import Lines
from .paths import Candidate, code_constants, string_chains, word_candidates, word_constants
from .profile import Profile

# Signs that a file talks to Instacart: a host, a Connect/IDP path, or a name.
_TIE = re.compile(r"(?i)instacart(?!plus)|/v2/fulfillment\b|/idp/v1/|/v2/oauth/token")


@dataclass(slots=True)
class Hit:
    """A raw match before suppression, snippets and fingerprints."""

    start: int
    end: int
    item: str
    deprecation_id: str
    kind: str
    category: str
    confidence: str
    reason: str


@dataclass
class FileContext:
    path: str
    text: str
    profile: Profile
    lexed: Lexed = field(init=False)

    def __post_init__(self) -> None:
        lex_spec = self.profile.lex
        self.lexed = (
            whole_text_as_comment(self.text) if lex_spec is None else lex(self.text, lex_spec)
        )

    @property
    def code(self) -> str:
        return self.lexed.code

    @cached_property
    def lines(self) -> Lines:
        return Lines.of(self.code)

    @cached_property
    def tied(self) -> bool:
        """Whether the code (not just its comments) talks to Instacart."""
        return bool(_TIE.search(self.code))

    @cached_property
    def constants(self) -> dict[str, str]:
        if self.profile.candidates == "words":
            return word_constants(self.code)
        return code_constants(self.lexed, self.profile.implicit_concat)

    @cached_property
    def candidates(self) -> list[Candidate]:
        if self.profile.is_docs:
            return []
        if self.profile.candidates == "words":
            return word_candidates(self.lexed, self.constants)
        return string_chains(self.lexed, self.constants, self.profile.implicit_concat)

    def scopes(self, offset: int) -> list[Scope]:
        """Enclosing named scopes, innermost first."""
        if self.profile.context == "yaml":
            return yaml_parents(self.code, offset)
        scopes = enclosing(self.code, offset)
        if self.profile.context == "python" and not any(s.kind == "class" for s in scopes):
            outer = python_scope(self.code, offset)
            if outer is not None:
                scopes.append(outer)
        return scopes

    def line_text(self, offset: int) -> str:
        return self.lines.line(self.lines.index(offset))
