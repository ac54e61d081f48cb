"""Scan targets: deprecation records turned into precompiled matchers.

Everything that does not depend on the file being scanned is built once here:
path-template regexes, field name variants, one prefilter holding the literal
tokens of every target so that most files are rejected in one pass, and the
gate's hint literals. Which targets a set of found tokens activates is
remembered, since the same everyday words turn up in file after file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from monitor.domain import Action, DeprecationRecord, Kind

from .names import is_distinctive, name_variants, replacement_names
from .prefilter import TokenFinder
from .viability import FileSigns, Gate, always_viable, gate_hints

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
_ENDPOINT_ITEM = re.compile(r"^\s*(?:(?P<method>[A-Z]+)\s+)?(?P<path>/\S*)\s*$")
_PARAM = re.compile(r"^(?:\{[^{}/]+\}|:\w+|<[\w-]+>)$")
# Rule findings are medium or high only in files that may be tied to Instacart
# (``FileSigns.tied``); these tokens make them worth running for low ones too.
LOW_RULE_TOKENS = ("client_secret", "clientSecret", "CLIENT_SECRET", "ClientSecret", "Bearer")


@dataclass(frozen=True, slots=True)
class ScanTarget:
    """One deprecated item of one record, ready to match."""

    deprecation_id: str
    item: str
    kind: Kind
    action: Action
    replacement: str | None = None
    shared_with_live: bool = False
    # endpoints
    method: str | None = None
    template: str | None = None
    segments: tuple[str | None, ...] = ()  # None marks a path parameter
    # fields, breaking changes and enum values
    owner: str | None = None
    name: str | None = None  # the field (or, for enum values, the key holding the value)
    parent: str | None = None  # enum values: the object that holds ``name``
    value: str | None = None  # enum values
    distinctive: bool = False
    replacement_names: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()  # names that make a common word worth analysing (viability)

    @property
    def is_endpoint(self) -> bool:
        return self.template is not None

    @property
    def is_value(self) -> bool:
        return self.value is not None

    @property
    def is_field(self) -> bool:
        return self.template is None and self.value is None and self.name is not None

    @property
    def name_variants(self) -> tuple[str, ...]:
        """The API spelling plus the camelCase one SDKs and models tend to use."""
        return name_variants(self.name) if self.name else ()


_MAX_REMEMBERED = 4096  # distinct token sets remembered by ``TargetSet.select``


@dataclass(slots=True)
class TargetSet:
    """All targets plus the one-pass token prefilter and the viability gate."""

    targets: tuple[ScanTarget, ...]
    finder: TokenFinder
    by_token: dict[str, tuple[ScanTarget, ...]]
    gate: Gate
    cache: dict[object, object] = field(default_factory=dict)
    _selected: dict[frozenset[str], tuple[ScanTarget, ...]] = field(default_factory=dict)
    _sure: dict[frozenset[str], tuple[ScanTarget, ...]] = field(default_factory=dict)

    def select(self, found: set[str] | frozenset[str]) -> tuple[ScanTarget, ...]:
        """Targets owning any of the ``found`` tokens, in target order."""
        key = frozenset(found)
        chosen = self._selected.get(key)
        if chosen is None:
            ids = {id(target) for token in key for target in self.by_token.get(token, ())}
            chosen = tuple(t for t in self.targets if id(t) in ids)
            if len(self._selected) >= _MAX_REMEMBERED:
                self._selected.clear()
            self._selected[key] = chosen
        return chosen

    def select_sure(self, found: set[str] | frozenset[str]) -> tuple[ScanTarget, ...]:
        """``select`` narrowed to targets that need no evidence beyond their token."""
        key = frozenset(found)
        chosen = self._sure.get(key)
        if chosen is None:
            chosen = tuple(t for t in self.select(key) if always_viable(t))
            if len(self._sure) >= _MAX_REMEMBERED:
                self._sure.clear()
            self._sure[key] = chosen
        return chosen

    @staticmethod
    def rules_wanted(signs: FileSigns, include_low: bool = False) -> bool:
        """Whether the integration rules can find anything at the confidence asked for."""
        return signs.tied or (include_low and signs.names_any(LOW_RULE_TOKENS))


def parse_segments(path: str) -> tuple[str | None, ...]:
    return tuple(None if _PARAM.match(s) else s for s in path.strip("/").split("/") if s)


def _endpoint(base: dict[str, object], item: str) -> ScanTarget | None:
    match = _ENDPOINT_ITEM.match(item)
    if match is None:
        return None
    path = match["path"].split("?")[0].rstrip("/")
    segments = parse_segments(path)
    literals = [s for s in segments if s is not None]
    if not literals:
        return None
    method = match["method"] if match["method"] in METHODS else None
    return ScanTarget(
        **base,  # type: ignore[arg-type]
        method=method,
        template=path,
        segments=segments,
        tokens=("/" + literals[-1],),  # in code a path segment follows a slash
    )


def _value(base: dict[str, object], item: str) -> ScanTarget | None:
    path, _, value = item.partition("=")
    keys = [k for k in re.split(r"[.\[\]]+", path) if k]
    value = value.strip().strip("\"'`")
    if not keys or not value:
        return None
    parent = keys[-2] if len(keys) > 1 else None
    return ScanTarget(
        **base,  # type: ignore[arg-type]
        name=keys[-1],
        parent=parent,
        value=value,
        tokens=(value,),
        hints=gate_hints(None, parent, base["replacement_names"]),  # type: ignore[arg-type]
    )


def _field(base: dict[str, object], item: str) -> ScanTarget | None:
    owner, _, name = item.strip().rpartition(".")
    name = name.strip("`")
    if not re.fullmatch(r"[A-Za-z_][\w-]*", name):
        return None
    return ScanTarget(
        **base,  # type: ignore[arg-type]
        owner=owner or None,
        name=name,
        distinctive=is_distinctive(name),
        tokens=name_variants(name),
        hints=gate_hints(owner or None, None, base["replacement_names"]),  # type: ignore[arg-type]
    )


def target_for(deprecation_id: str, record: DeprecationRecord, item: str) -> ScanTarget | None:
    base: dict[str, object] = {
        "deprecation_id": deprecation_id,
        "item": item,
        "kind": record.kind,
        "action": record.action,
        "replacement": record.replacement,
        "shared_with_live": record.shared_with_live,
        "replacement_names": replacement_names(record.replacement),
    }
    if record.kind is Kind.ENDPOINT:
        return _endpoint(base, item)
    if record.kind in (Kind.ENUM_VALUE, Kind.REMOVED_VALUE) and "=" in item:
        return _value(base, item)
    return _field(base, item)


def build_targets(records_with_ids: Iterable[tuple[str | int, DeprecationRecord]]) -> TargetSet:
    """Precompile every item of every record; items that cannot be matched are skipped."""
    targets: list[ScanTarget] = []
    for record_id, record in records_with_ids:
        for item in record.items:
            target = target_for(str(record_id), record, item)
            if target is not None:
                targets.append(target)
    by_token: dict[str, list[ScanTarget]] = {}
    for target in targets:
        for token in target.tokens:
            by_token.setdefault(token, []).append(target)
    return TargetSet(
        targets=tuple(targets),
        finder=TokenFinder(by_token),
        by_token={k: tuple(v) for k, v in by_token.items()},
        gate=Gate(targets, LOW_RULE_TOKENS),
    )
