"""Field and enum-value uses: a name bound as a key of an Instacart request or model.

A bare grep for ``quantity`` would drown people in noise, so each match is
weighed: which syntax bound it (a JSON key, a struct tag, a model field), what
encloses it (the owner object, or the replacement whose nested keys share the
name), and whether the file talks to Instacart at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from . import lang_go
from .context import Scope
from .filectx import FileContext, Hit
from .findings import Category, Confidence
from .names import names_owner, names_replacement, pascal_case
from .profile import FieldPattern
from .reasons import status
from .targets import ScanTarget, TargetSet


def _compiled(
    cache: dict[object, object], pattern: FieldPattern, names: Sequence[str]
) -> re.Pattern[str]:
    key = ("field", pattern.template, tuple(names))
    found = cache.get(key)
    if found is None:
        alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        found = re.compile(pattern.template.replace("{names}", alternation))
        cache[key] = found
    return found  # type: ignore[return-value]


def _evidence(scopes: Sequence[Scope], target: ScanTarget) -> tuple[str, str | None]:
    """('owner' | 'replacement' | 'other' | 'none', the scope name that decided)."""
    for scope in scopes:
        if scope.name is None:
            continue
        if names_replacement(scope.name, target.replacement_names):
            return "replacement", scope.name
        if target.owner and names_owner(scope.name, target.owner):
            return "owner", scope.name
        if scope.kind == "assign":
            continue  # a local variable's name says little
        if scope.kind == "root":
            return "none", None
        if scope.kind == "key":
            return "other", scope.name
        return "none", scope.name
    return "none", None


_NAMING_ANNOTATION = re.compile(
    r"@(?:\w+:)?(?:JsonProperty|SerializedName|SerialName|JsonAlias|Json)\s*\("
)


def _declaration_head(code: str, start: int) -> str:
    """Text of the declaration that ends at ``start`` (annotations included)."""
    head = code[max(0, start - 300) : start]
    cut = max(head.rfind(c) for c in ";{}")
    return head[cut + 1 :]


def _skip_syntax(ctx: FileContext, pattern: FieldPattern, start: int, scopes: list[Scope]) -> bool:
    if scopes and scopes[0].kind == "params":
        return True
    if pattern.label in ("field", "property") and _NAMING_ANNOTATION.search(
        _declaration_head(ctx.code, start).rsplit(",", 1)[-1]
    ):
        return True  # an annotation names the JSON property; the variable name is moot
    if pattern.needs_class and not any(s.kind in ("class", "type") for s in scopes):
        return True
    if pattern.label == "object_key":
        before = ctx.code[max(0, start - 40) : start].rstrip()
        if before.endswith("?") or re.search(r"\bcase$", before):
            return True  # a ternary branch or a switch label, not a key
    return False


def _confidence(evidence: str, target: ScanTarget, tied: bool) -> Confidence | None:
    if evidence == "replacement":
        return None
    if evidence == "owner":
        return Confidence.HIGH if tied else Confidence.MEDIUM
    if evidence == "other":
        if target.distinctive:
            return Confidence.MEDIUM if tied else Confidence.LOW
        return Confidence.LOW
    if target.distinctive:
        return Confidence.HIGH if tied else Confidence.MEDIUM
    return Confidence.MEDIUM if tied else Confidence.LOW


def _reason(target: ScanTarget, evidence: str, scope: str | None, tied: bool) -> str:
    parts = [status(target)]
    if evidence == "owner":
        parts.append(f"bound under `{scope}`, which is {target.owner}")
    elif evidence == "other":
        parts.append(f"but it sits under `{scope}`, which may be another object")
    elif scope:
        parts.append(f"bound in `{scope}`")
    if not tied:
        parts.append("this file does not call Instacart itself")
    elif not target.distinctive and evidence != "owner":
        parts.append("common name; file calls Instacart")
    return "; ".join(parts)


def _field_pattern_hits(
    ctx: FileContext,
    targets: TargetSet,
    fields: Sequence[ScanTarget],
    patterns: Iterable[FieldPattern],
) -> tuple[list[Hit], set[str]]:
    hits: list[Hit] = []
    matched_names: set[str] = set()
    exact = {t.name: t for t in fields if t.name}
    by_name: dict[str, list[ScanTarget]] = {}
    for target in fields:
        for variant in target.name_variants:
            by_name.setdefault(variant, []).append(target)
    for pattern in patterns:
        if not pattern.may_match(ctx.code):
            continue
        names = list(by_name) if pattern.camel else list(exact)
        regex = _compiled(targets.cache, pattern, names)
        for m in regex.finditer(ctx.code):
            start = m.start("name")
            scopes = ctx.scopes(start)
            if _skip_syntax(ctx, pattern, start, scopes):
                continue
            matched_names.add(m["name"])
            for target in by_name.get(m["name"], ()):
                evidence, scope = _evidence(scopes, target)
                confidence = _confidence(evidence, target, ctx.tied)
                if confidence is None:
                    continue
                reason = _reason(target, evidence, scope, ctx.tied)
                hits.append(
                    Hit.about(target, start, m.end("name"), Category.USE, confidence, reason)
                )
    return hits, matched_names


def field_hits(ctx: FileContext, targets: TargetSet, active: Sequence[ScanTarget]) -> list[Hit]:
    fields = [t for t in active if t.is_field]
    if not fields:
        return []
    hits, matched = _field_pattern_hits(ctx, targets, fields, ctx.profile.field_patterns)
    if ctx.profile.name == "go" and matched:
        # Struct literals spell the Go field name; only trust it for tagged fields.
        # Two targets may share a name (``LineItem.quantity``, ``Item.quantity``): each
        # keeps its own Go spelling, and the owner evidence tells them apart.
        go_targets = [
            replace(t, name=pascal_case(t.name), tokens=())
            for t in fields
            if t.name and t.name in matched
        ]
        more, _ = _field_pattern_hits(ctx, targets, go_targets, (lang_go.STRUCT_LITERAL_KEY,))
        hits.extend(more)
    return hits


# --- enum and removed values -------------------------------------------------------

_OPERATOR = r"(?:===?|!==?|:=|=>|=|:|,|\bis\b|\bin\b\s*[(\[{]\s*(?:[\"'][^\"']*[\"']\s*,\s*)*)"


def _value_regexes(targets: TargetSet, target: ScanTarget) -> tuple[re.Pattern[str], ...]:
    key = ("value", target.item)
    found = targets.cache.get(key)
    if found is None:
        name, value = re.escape(target.name or ""), re.escape(target.value or "")
        holder = rf"[\w.$\[\]\"'()]*(?i:{name})[\w.$\[\]\"'()]*"
        found = (
            re.compile(rf"""(?P<q>["'`]){value}(?P=q)"""),
            re.compile(rf"{holder}\s*{_OPERATOR}\s*$"),
            re.compile(rf"^\s*(?:\)\s*)?(?:===?|!==?|\.equals\w*\(|==)\s*{holder}"),
            re.compile(rf"(?m)^[ \t]*(?:-[ \t]+)?(?i:{name})[ \t]*:[ \t]*(?P<v>{value})[ \t]*$"),
        )
        targets.cache[key] = found
    return found  # type: ignore[return-value]


def _held_by_key(
    target: ScanTarget, prefix: str, suffix: str, scopes: Sequence[Scope], regexes: tuple
) -> bool:
    """Compared with or assigned to the key (``window.type == "asap"``, ``Type: "asap"``),
    or a member of an enum named after it (``class WindowType: ASAP = "asap"``)."""
    _, before_re, after_re, _ = regexes
    if before_re.search(prefix) or after_re.search(suffix):
        return True
    key = (target.name or "").lower()
    return any(s.name and key in s.name.lower() for s in scopes if s.kind in ("class", "type"))


def value_hits(ctx: FileContext, targets: TargetSet, active: Sequence[ScanTarget]) -> list[Hit]:
    """``asap`` counts only where it is compared with or assigned to the window type."""
    hits: list[Hit] = []
    code = ctx.code
    for target in (t for t in active if t.is_value):
        regexes = _value_regexes(targets, target)
        literal, _, _, yaml_re = regexes
        spans = [(m.start(), m.end()) for m in literal.finditer(code)]
        if ctx.profile.yaml_values:
            spans += [m.span("v") for m in yaml_re.finditer(code)]
        for start, end in spans:
            line_start = code.rfind("\n", 0, start) + 1
            line_end = code.find("\n", end)
            line_end = len(code) if line_end == -1 else line_end
            scopes = ctx.scopes(start)
            if not _held_by_key(
                target, code[line_start:start], code[end:line_end], scopes, regexes
            ):
                continue
            parent = (target.parent or "").lower()
            nearby = code[max(0, line_start - 200) : line_end].lower()
            has_parent = bool(parent) and (
                parent in nearby or any(s.name and parent in s.name.lower() for s in scopes)
            )
            if has_parent:
                confidence = Confidence.HIGH if ctx.tied else Confidence.MEDIUM
            else:
                confidence = Confidence.MEDIUM if ctx.tied else Confidence.LOW
            where = f"as `{target.parent}.{target.name}`" if has_parent else f"as a `{target.name}`"
            reason = f"{status(target)}; `{target.value}` used {where}"
            hits.append(Hit.about(target, start, end, Category.USE, confidence, reason))
    return hits
