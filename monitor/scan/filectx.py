"""Everything the matchers share about one file, computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .comments import Lexed, lex, whole_text_as_comment
from .context import BracketIndex, Scope, enclosing, python_scope, yaml_parents
from .methods import Lines
from .paths import (
    Candidate,
    Chain,
    chain_plans,
    code_constants,
    evaluate_chains,
    word_candidates,
    word_constants,
)
from .profile import Profile
from .viability import is_tied

if TYPE_CHECKING:
    from .targets import ScanTarget


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

    @classmethod
    def about(
        cls,
        target: ScanTarget,
        start: int,
        end: int,
        category: str,
        confidence: str,
        reason: str,
    ) -> Hit:
        """A hit on ``target``'s item, in ``text[start:end]``."""
        return cls(
            start,
            end,
            target.item,
            target.deprecation_id,
            target.kind.value,
            category,
            confidence,
            reason,
        )


@dataclass
class FileContext:
    path: str
    text: str
    profile: Profile
    lexed: Lexed = field(init=False)
    # Per-file memos of the context lookups (see ``scopes``).
    _scopes: dict[int, tuple[Scope, ...]] = field(init=False, default_factory=dict, repr=False)
    _openers: dict[int, Scope | None] = field(init=False, default_factory=dict, repr=False)
    _python_scopes: dict[int, Scope | None] = field(init=False, default_factory=dict, repr=False)

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
        return is_tied(self.code)

    @cached_property
    def brackets(self) -> BracketIndex:
        return BracketIndex(self.code)

    @cached_property
    def chains(self) -> list[Chain]:
        """String joins, found once and evaluated for each constants pass."""
        return chain_plans(self.lexed, self.profile.implicit_concat)

    @cached_property
    def constants(self) -> dict[str, str]:
        if self.profile.candidates == "words":
            return word_constants(self.code)
        return code_constants(self.lexed, self.profile.implicit_concat, self.chains)

    @cached_property
    def candidates(self) -> list[Candidate]:
        if self.profile.is_docs:
            return []
        if self.profile.candidates == "words":
            return word_candidates(self.lexed, self.constants)
        return evaluate_chains(self.chains, self.constants)

    def scopes(self, offset: int) -> list[Scope]:
        """Enclosing named scopes, innermost first (a fresh list each call)."""
        found = self._scopes.get(offset)
        if found is None:
            found = self._scopes[offset] = tuple(self._find_scopes(offset))
        return list(found)

    def _find_scopes(self, offset: int) -> list[Scope]:
        if self.profile.context == "yaml":
            return yaml_parents(self.code, offset)
        scopes = enclosing(self.code, offset, memo=self._openers, brackets=self.brackets)
        if self.profile.context == "python" and not any(s.kind == "class" for s in scopes):
            line_start = self.code.rfind("\n", 0, offset) + 1
            if line_start in self._python_scopes:
                outer = self._python_scopes[line_start]
            else:  # depends on the line only, and fields of one model share it
                outer = self._python_scopes[line_start] = python_scope(self.code, offset)
            if outer is not None:
                scopes.append(outer)
        return scopes
