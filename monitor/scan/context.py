"""What encloses a position: the object key, class or call a field sits in.

Owner checks need it (``quantity`` under ``line_items`` is LineItem's, under
``line_item_measurements`` it is the replacement's). Brackets are walked
outwards; Python classes and YAML mappings are found by indentation.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_BRACKET = re.compile(r"[()\[\]{}]")
_TYPE_DECL = re.compile(r"\btype\s+(?P<name>\w+)\s+struct\s*$")
_CLASS_DECL = re.compile(
    r"\b(?:class|interface|record|object|enum|struct|trait)\s+(?P<name>\w+)[^{};=]*$"
)
_TYPED_ASSIGN = re.compile(r"\w\s*:\s*(?P<name>[A-Z]\w*)(?:<[^<>]*>)?(?:\[\])?\s*=\s*$")
_KEY = re.compile(r"""(?P<q>["'`]?)(?P<name>[\w$-]+)(?P=q)\s*(?P<op>:|=>|=|:=)\s*$""")
_PARAMS = re.compile(r"\b(?:def|fun|function|func)\s+(?:\([^()]*\)\s*)?[\w$]*\s*(?:<[^<>]*>)?\s*$")
_CLASS_PARAMS = re.compile(r"\b(?:class|record)\s+(?P<name>\w+)\s*(?:<[^<>]*>)?\s*$")
_KEYED_CALL = re.compile(
    r"""(?P<q>["'`]?)(?P<name>[\w$-]+)(?P=q)\s*(?P<op>:|=)\s*[\w$.]+\s*(?:<[^<>()]*>)?\s*$"""
)
_CALL = re.compile(r"(?P<name>[A-Za-z_$][\w$.]*)\s*(?:<[^<>()]*>)?\s*$")
_COMPOSITE = re.compile(r"(?P<name>[A-Z]\w*)\s*$")
_ANNOTATION_ARGS = re.compile(r"@[\w.:]+\s*$")
_BLOCK_HEAD = re.compile(r"\)\s*(?:->\s*[\w.<>\[\]]+\s*|:\s*[\w.<>\[\]?]+\s*|throws[\w\s,.]+)?$")
_ARRAY_SUFFIX = re.compile(r"\[\]\s*$")
_CLASS_WORDS = ("class", "interface", "record", "object", "enum", "struct", "trait")
# What a key (or a call name, without type arguments) at the end of ``before``
# can be made of. A match cannot reach back past the last other character, so
# the search starts there instead of trying every position of ``before``.
_NOT_IN_KEY = re.compile(r"""[^\w$\-\s"'`:=>]""")
_NOT_IN_CALL = re.compile(r"[^\w$.\s]")
_NOT_IN_KEYED_CALL = re.compile(r"""[^\w$.\-\s"'`:=]""")
# The same for ``_PARAMS`` and ``_TYPED_ASSIGN`` outside their bracketed parts
# (a Go receiver, type arguments), which end in ")" or ">": only when the last
# other character is one of those can a match reach back past it.
_NOT_IN_PARAMS = re.compile(r"[^\w$\s]")
_NOT_IN_TYPED_ASSIGN = re.compile(r"[^\w\s:\[\]=]")
_DECLARATION_PREFIX = re.compile(
    r"\s*(?:(?:const|let|var|val|final|static|private|public|export|readonly|auto)\s+)*"
    r"(?:[\w.<>\[\],?]+\s+)?"
)
# Names that mark the top of a request body: keys outside them are not API objects.
BODY_ROOTS = frozenset(["body", "payload", "json", "data", "request_body", "params"])
# Calls and keys that only wrap data and say nothing about its owner.
WEAK_NAMES = frozenset(
    [
        "dict",
        "map",
        "mapof",
        "hashmapof",
        "mutablemapof",
        "listof",
        "arrayof",
        "of",
        "json",
        "dumps",
        "loads",
        "stringify",
        "put",
        "post",
        "get",
        "patch",
        "append",
        "add",
        "extend",
        "update",
        "jsonify",
        "asdict",
        "model_dump",
        "body",
        "payload",
        "data",
        "params",
        "properties",
        "props",
        "attributes",
        "fields",
        "request",
        "req",
        "options",
        "config",
        "obj",
        "kwargs",
        "args",
        "copy",
        "deepcopy",
        "list",
        "tuple",
        "set",
        "object",
        "assign",
        "marshal",
        "tojson",
        "send",
        "fetch",
        "axios",
        "requests",
    ]
)


@dataclass(frozen=True, slots=True)
class Scope:
    kind: str  # key | class | call | type | params | block
    name: str | None


def _before(code: str, index: int, span: int = 240) -> str:
    start = max(0, index - span)
    chunk = code[start:index]
    return chunk.rstrip()


def ends_word(text: str) -> bool:
    """Ends with what ``\\w`` matches (guards the regexes ending in a name)."""
    last = text[-1:]
    return last == "_" or last.isalnum()


def ends_call(text: str) -> bool:
    """Could end a call name, with or without type arguments."""
    return ends_word(text) or text[-1:] in (">", "$", ".")


def ends_key(text: str) -> bool:
    """Ends with an operator ``_KEY`` accepts."""
    return text[-1:] in (":", "=", ">")


def _tail_search(
    pattern: re.Pattern[str], outside: re.Pattern[str], text: str, reach: str = ""
) -> re.Match[str] | None:
    """``pattern.search(text)`` for a pattern anchored at the end and made of few characters
    (``outside`` matches any other), except in parts that end with a ``reach`` character."""
    last_outside = outside.search(text[::-1])
    if last_outside is None:
        return pattern.search(text)
    if text[-1 - last_outside.start()] in reach:
        return pattern.search(text)  # it may close a part that holds anything
    return pattern.search(text, len(text) - last_outside.start())


def _name_opener(code: str, index: int, opener: str) -> Scope | None:
    """Name the bracket at ``index``; None means 'anonymous, keep walking'.

    Each regex below must end where ``before`` ends, so a cheap test of the
    last character (or of a keyword being present) skips the ones that cannot
    match; the regexes themselves decide as before.
    """
    before = _before(code, index)
    last = before[-1:]
    word_end = ends_word(before)
    key_end = ends_key(before)
    if opener == "(":
        if "@" in before and _ANNOTATION_ARGS.search(before):
            return None  # an annotation's arguments, not an enclosing object
        if ("def" in before or "fun" in before) and _tail_search(
            _PARAMS, _NOT_IN_PARAMS, before, ")>"
        ):
            return Scope("params", None)
        if ("class" in before or "record" in before) and (
            m := _CLASS_PARAMS.search(before)
        ) is not None:
            return Scope("class", m["name"])
        if (
            key_end
            and (m := _tail_search(_KEY, _NOT_IN_KEY, before)) is not None
            and m["op"] in (":", "=")
        ):
            return _key_scope(before, m)
        if ends_call(before) and (m := _call(before, _CALL, _NOT_IN_CALL)) is not None:
            name = m["name"].rsplit(".", 1)[-1]
            if (
                name.lower() in WEAK_NAMES
                and (k := _call(before, _KEYED_CALL, _NOT_IN_KEYED_CALL)) is not None
            ):
                return _key_scope(before, k)  # ``line_items: items.map(...)``
            return Scope("call", name)
        if _arrow_params(code, index):
            return Scope("params", None)
        return None
    if opener == "{":
        if before.endswith("struct") and (m := _TYPE_DECL.search(before)) is not None:
            return Scope("class", m["name"])
        if (
            any(word in before for word in _CLASS_WORDS)
            and (m := _CLASS_DECL.search(before)) is not None
        ):
            return Scope("class", m["name"])
        if (
            last == "="
            and (m := _tail_search(_TYPED_ASSIGN, _NOT_IN_TYPED_ASSIGN, before, ">")) is not None
        ):
            return Scope("type", m["name"])
        if key_end and (m := _tail_search(_KEY, _NOT_IN_KEY, before)) is not None:
            return _key_scope(before, m)
        if ")" in before and _BLOCK_HEAD.search(before):
            return Scope("block", None)
        if word_end and (m := _COMPOSITE.search(before)) is not None:
            return Scope("type", m["name"])
        return None
    if key_end and (m := _tail_search(_KEY, _NOT_IN_KEY, before)) is not None:
        return _key_scope(before, m)
    if (m := _COMPOSITE.search(_ARRAY_SUFFIX.sub("", before))) is not None:
        return Scope("type", m["name"])
    return None


def _call(before: str, pattern: re.Pattern[str], outside: re.Pattern[str]) -> re.Match[str] | None:
    """Type arguments (``<...>``) may hold anything, so then the whole text is searched."""
    if before.endswith(">"):
        return pattern.search(before)
    return _tail_search(pattern, outside, before)


def _key_scope(before: str, m: re.Match[str]) -> Scope:
    """``key: {`` names an object; ``name = {`` at a statement start is just a variable."""
    if m["op"] not in ("=", ":="):
        return Scope("key", m["name"])
    head = before[: m.start()]
    line_prefix = head.rsplit("\n", 1)[-1]
    if line_prefix.strip() == "":
        previous = head.rstrip()
        kwarg = previous.endswith(("(", ","))
    else:
        kwarg = not _DECLARATION_PREFIX.fullmatch(line_prefix)
    return Scope("key" if kwarg else "assign", m["name"])


def _arrow_params(code: str, index: int) -> bool:
    depth = 0
    for j in range(index, min(len(code), index + 2000)):
        c = code[j]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return bool(re.match(r"\s*(?::\s*[\w<>\[\]|. ]+)?\s*=>", code[j + 1 : j + 80]))
    return False


class BracketIndex:
    """Which brackets are open at any offset of one text, from a single pass.

    Matching any closer to the nearest open opener (kinds are not checked, and
    a closer with nothing open is ignored) gives the same open brackets as
    walking back from the offset, so a lookup just follows the stack links.
    """

    def __init__(self, code: str) -> None:
        positions = [m.start() for m in _BRACKET.finditer(code)]
        top_after = [-1] * len(positions)  # stack top (an index here) after each bracket
        below = [-1] * len(positions)  # for an opener: the stack top under it
        top = -1
        for index, position in enumerate(positions):
            if code[position] in "([{":
                below[index] = top
                top = index
            elif top != -1:
                top = below[top]
            top_after[index] = top
        self.positions, self.top_after, self.below = positions, top_after, below

    def open_before(self, offset: int, start: int) -> Iterator[int]:
        """Brackets opened in ``[start, offset)`` and still open at ``offset``, innermost first."""
        count = bisect_left(self.positions, offset)
        top = self.top_after[count - 1] if count else -1
        while top != -1 and self.positions[top] >= start:
            yield self.positions[top]
            top = self.below[top]


def enclosing(
    code: str,
    offset: int,
    levels: int = 4,
    limit: int = 6000,
    memo: dict[int, Scope | None] | None = None,
    brackets: BracketIndex | None = None,
) -> list[Scope]:
    """Named scopes around ``offset``, innermost first (weak wrappers skipped).

    ``memo`` keeps each bracket's name across calls on the same ``code``: the
    fields of one object all ask about the same few brackets. ``brackets``,
    built once for ``code``, replaces the walk back over up to ``limit`` characters.
    """
    start = max(0, offset - limit)
    openers = (
        _open_before(code, offset, start)
        if brackets is None
        else brackets.open_before(offset, start)
    )
    return _named(code, openers, levels, {} if memo is None else memo)


def _open_before(code: str, offset: int, start: int) -> Iterator[int]:
    """Brackets opened in ``code[start:offset]`` and still open at ``offset``, innermost first."""
    depth = 0
    for m in reversed(list(_BRACKET.finditer(code, start, offset))):
        if m.group() in ")]}":
            depth += 1
        elif depth > 0:
            depth -= 1
        else:
            yield m.start()


def _named(
    code: str, openers: Iterable[int], levels: int, memo: dict[int, Scope | None]
) -> list[Scope]:
    scopes: list[Scope] = []
    for index in openers:
        if index in memo:
            scope = memo[index]
        else:
            scope = memo[index] = _name_opener(code, index, code[index])
        if scope is None:
            continue
        if scope.kind == "block":
            break
        if scope.name and scope.kind != "class":
            if scope.name.lower() in BODY_ROOTS:
                scopes.append(Scope("root", scope.name))
                break  # the request body starts here; outer names are ours
            if scope.name.lower() in WEAK_NAMES:
                continue
        scopes.append(scope)
        if scope.kind in ("params", "class") or len(scopes) >= levels:
            break
    return scopes


_INDENT = re.compile(r"^([ \t]*)(\S.*)$")
_PY_CLASS = re.compile(r"class\s+(\w+)")
_PY_DEF = re.compile(r"(?:async\s+)?def\s")


def python_scope(code: str, offset: int) -> Scope | None:
    """The class (or function) a Python line sits in, by indentation."""
    line_start = code.rfind("\n", 0, offset) + 1
    line_end = code.find("\n", offset)
    line = code[line_start : line_end if line_end != -1 else len(code)]
    indent = len(line) - len(line.lstrip())
    cursor = line_start - 1
    while cursor > 0 and indent > 0:
        previous_start = code.rfind("\n", 0, cursor) + 1
        text = code[previous_start:cursor]
        cursor = previous_start - 1
        m = _INDENT.match(text)
        if m is None:
            continue
        level = len(m.group(1))
        if level >= indent:
            continue
        indent = level
        head = m.group(2)
        if (c := _PY_CLASS.match(head)) is not None:
            return Scope("class", c.group(1))
        if _PY_DEF.match(head):
            return Scope("function", None)
    return None


def yaml_parents(code: str, offset: int, levels: int = 3) -> list[Scope]:
    """Parent keys of a YAML line; list items (``- key:``) share their mapping."""
    line_start = code.rfind("\n", 0, offset) + 1
    line_end = code.find("\n", line_start)
    current = code[line_start : line_end if line_end != -1 else len(code)]
    key_indent = len(current) - len(current.lstrip(" -"))
    scopes: list[Scope] = []
    cursor = line_start - 1  # the newline ending the line above
    # Line by line upwards, stopping at the top level: no line above can be a parent then.
    while cursor >= 0 and key_indent > 0:
        previous_start = code.rfind("\n", 0, cursor) + 1
        text = code[previous_start:cursor]
        cursor = previous_start - 1
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(text.lstrip(" -"))
        line_indent = len(text) - len(text.lstrip(" "))
        if indent >= key_indent or (text.lstrip().startswith("-") and indent == key_indent):
            continue
        key = re.match(r"^[ \t]*(?:-[ \t]+)?[\"']?([\w$-]+)[\"']?[ \t]*:", text)
        if key is not None:
            name = key.group(1)
            if name.lower() in BODY_ROOTS:
                scopes.append(Scope("root", name))
                break
            scopes.append(Scope("key", name))
            if len(scopes) >= levels:
                break
        key_indent = min(indent, line_indent) if text.lstrip().startswith("-") else indent
    return scopes
