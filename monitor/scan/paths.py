"""Rebuild the paths a file sends requests to, and match them to path templates.

A path is rarely one literal: code joins a base constant and a suffix, formats
ids in, or interpolates variables. Each candidate is rebuilt with same-file
constants resolved and anything unknown replaced by ``PH``, a placeholder that
stands for exactly one path segment (or for the host/base when it leads).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .comments import Lexed, Token

PH = "\ue000"
_NAME = r"[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*"
_INTERPOLATION = re.compile(
    r"\$\{(?P<dollar_brace>[^{}]*)\}"
    r"|\{\{\s*(?P<double_brace>[^{}]*?)\s*\}\}"
    r"|\{(?P<brace>[^{}]*)\}"
    r"|\$(?P<dollar>[A-Za-z_]\w*)"
    r"|%\((?P<named>\w+)\)[sd]"
    r"|(?P<percent>%(?:\[\d+\])?[-+ #0]*\d*(?:\.\d+)?[sdvqfxi])"
)
_SEGMENT_PARAM = re.compile(r"^(?::[A-Za-z_]\w*|<[A-Za-z_][\w-]*>)$")
_SCHEME_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
_LEFT_IDENT = re.compile(rf"(?P<name>{_NAME})(?P<call>\(\))?\s*\+\s*$")
_RIGHT_IDENT = re.compile(rf"\s*\+\s*(?P<name>{_NAME})(?P<call>\(\))?")
_PLUS = re.compile(r"\s*\+\s*")
_GAP = re.compile(r"\s*")
_FORMAT_CALL = re.compile(r"(?:\bSprintf|\bErrorf|\bformat|\bformatted|String\.format)\s*\(\s*$")
_WRAPPERS = re.compile(
    r"(?:(?:fmt\.Sprintf|String\.format|URI\.create|URI|new\s+URL|url\.Parse|Uri\.parse|"
    r"HttpUrl\.get|toHttpUrl|urljoin)\s*\(\s*)+$"
)
_ASSIGN = re.compile(
    rf"(?:^|(?<=[\s;{{}}(]))(?P<name>{_NAME})\s*(?::\s*[\w.<>\[\]?| ]+?\s*)?(?::=|=)\s*$"
)
_KWARG_BEFORE = re.compile(rf"[(,]\s*{_NAME}\s*=\s*$")
_ARGS = re.compile(r"\s*,\s*([^,()]+(?:\([^()]*\))?)")
_PY_PERCENT = re.compile(r"\s*%\s*(?:\((?P<many>[^()]*)\)|(?P<one>[\w.]+))")
_DOT_FORMAT = re.compile(r"\s*\.format\((?P<args>[^()]*)\)")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A rebuilt string that might be a request path."""

    value: str
    start: int  # offset of the literal the path comes from
    end: int
    assigned_to: str | None = None  # the variable or constant it is stored in
    chain_start: int = 0
    chain_end: int = 0


def _clean_name(raw: str) -> str:
    name = raw.strip()
    for sep in (":-", ":=", "!", ":", "|"):
        name = name.split(sep)[0]
    return name.strip().removeprefix("this.").removeprefix("self.")


def lookup(name: str, constants: dict[str, str]) -> str | None:
    name = _clean_name(name)
    if name in constants:
        return constants[name]
    last = name.rsplit(".", 1)[-1]
    return constants.get(last)


def interpolate(body: str, constants: dict[str, str], args: Sequence[str] = ()) -> str:
    """Resolve interpolations against ``constants``; unknown parts become PH."""
    position = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal position
        if match["percent"] is not None or match["brace"] in ("", "0", "1", "2"):
            index = int(match["brace"]) if match["brace"] not in (None, "") else position
            position += 1
            arg = args[index] if index < len(args) else None
            return (lookup(arg, constants) if arg else None) or PH
        name = next(g for g in match.groups() if g is not None)
        return lookup(name, constants) or PH

    if "{" not in body and "$" not in body and "%" not in body:
        return body  # every interpolation holds one of these
    return _INTERPOLATION.sub(replace, body)


def _format_args(code: str, token: Token) -> list[str]:
    """Arguments that fill a format string's placeholders, when written right after it."""
    before = code[max(0, token.start - 80) : token.start]
    after = code[token.end : token.end + 300]
    if before.rstrip().endswith("(") and _FORMAT_CALL.search(before):
        args = []
        rest = after
        while (m := _ARGS.match(rest)) is not None:
            args.append(m.group(1).strip())
            rest = rest[m.end() :]
        return args
    if (m := _PY_PERCENT.match(after)) is not None:
        raw = m["many"] if m["many"] is not None else m["one"]
        return [a.strip() for a in raw.split(",") if a.strip()]
    if (m := _DOT_FORMAT.match(after)) is not None:
        return [a.strip() for a in m["args"].split(",") if a.strip() and "=" not in a]
    return []


def _may_build_path(code: str, token: Token, implicit_concat: bool) -> bool:
    """Cheap test before any regex work: holds a slash, is joined, or is assigned."""
    if code.find("/", token.body_start, token.body_end) != -1:
        return True
    before = code[max(0, token.start - 24) : token.start].rstrip()[-1:]
    after = code[token.end : token.end + 24].lstrip()[:1]
    return before in ("+", "=") or after == "+" or (implicit_concat and after in ("'", '"'))


@dataclass(frozen=True, slots=True)
class Chain:
    """How one candidate is put together; only the constant lookups vary between passes.

    ``parts`` holds ``(name, None, ())`` for an identifier to look up, or
    ``(None, body, args)`` for a literal body to interpolate.
    """

    start: int
    end: int
    chain_start: int
    chain_end: int
    assigned: str | None
    parts: tuple[tuple[str | None, str | None, tuple[str, ...]], ...]


def chain_plans(lexed: Lexed, implicit_concat: bool) -> list[Chain]:
    """Join literals and identifiers linked by ``+`` (or adjacency) into chains.

    The joins do not depend on what constants hold, so they are found once per
    file and then evaluated for each constants pass.
    """
    code = lexed.code
    strings = lexed.strings
    by_start = {t.start: i for i, t in enumerate(strings)}
    consumed: set[int] = set()
    result: list[Chain] = []
    for index, token in enumerate(strings):
        if index in consumed or not _may_build_path(code, token, implicit_concat):
            continue
        parts: list[tuple[str | None, str | None, tuple[str, ...]]] = []
        chain_start = token.start
        line_start = code.rfind("\n", 0, token.start) + 1
        left = (  # the regex ends at a "+" before the literal: most literals have none
            _LEFT_IDENT.search(code, line_start, token.start)
            if code[line_start : token.start].rstrip().endswith("+")
            else None
        )
        if left is not None and not left["name"][0].isdigit():
            parts.append((left["name"], None, ()))
            chain_start = left.start()
        parts.append(
            (None, code[token.body_start : token.body_end], tuple(_format_args(code, token)))
        )
        end = token.end
        current = index
        while True:
            plus = _PLUS.match(code, end)
            if plus is not None and plus.end() in by_start:
                current = by_start[plus.end()]
            elif (
                implicit_concat
                and (gap := _GAP.match(code, end)) is not None
                and (gap.end() in by_start and gap.end() != end)
            ):
                current = by_start[gap.end()]
            elif (right := _RIGHT_IDENT.match(code, end)) is not None:
                parts.append((right["name"], None, ()))
                end = right.end()
                continue
            else:
                break
            consumed.add(current)
            nxt = strings[current]
            parts.append((None, code[nxt.body_start : nxt.body_end], ()))
            end = nxt.end
        assigned = _assigned_name(code, chain_start)
        result.append(Chain(token.start, token.end, chain_start, end, assigned, tuple(parts)))
    return result


def _evaluate(chain: Chain, constants: dict[str, str]) -> str:
    return "".join(
        (lookup(name, constants) or PH)
        if name is not None
        else interpolate(body or "", constants, args)
        for name, body, args in chain.parts
    )


def evaluate_chains(
    chains: Sequence[Chain], constants: dict[str, str], learn: bool = False
) -> list[Candidate]:
    """Candidates from chains; with ``learn``, each assigned value joins ``constants``
    as soon as it is rebuilt, so later definitions can build on earlier ones."""
    result: list[Candidate] = []
    for chain in chains:
        value = _evaluate(chain, constants)
        if learn and chain.assigned:
            constants[chain.assigned] = value
        result.append(
            Candidate(
                value, chain.start, chain.end, chain.assigned, chain.chain_start, chain.chain_end
            )
        )
    return result


def _assigned_name(code: str, chain_start: int) -> str | None:
    line_start = code.rfind("\n", 0, chain_start) + 1
    before = code[line_start:chain_start]
    before = _WRAPPERS.sub("", before)
    if _KWARG_BEFORE.search(before):
        return None
    m = _ASSIGN.search(before)
    if m is None or m["name"] in ("if", "while", "return"):
        return None
    return _clean_name(m["name"])


_WORD = re.compile(r"[^\s]+")
_SHELL_ASSIGN = re.compile(
    r"^(?:export\s+|local\s+|readonly\s+)?(?P<name>[A-Za-z_]\w*)="
    r"""(?P<value>"(?:\\.|[^"\\])*"|'[^']*'|\S*)"""
)
_HTTP_VARIABLE = re.compile(r"^@(?P<name>[\w.-]+)\s*=\s*(?P<value>\S+)")
_OPENERS = "'\"`([{"
_CLOSERS = "'\"`)]},;:"


def _trim_word(word: str) -> tuple[int, str]:
    """Drop quotes and brackets around a word, keeping balanced ``{{var}}`` placeholders."""
    offset = 0
    while word and word[0] in _OPENERS and not word.startswith(("{{", "${")):
        word = word[1:]
        offset += 1
    while word and word[-1] in _CLOSERS:
        if word[-1] == "}" and word.count("{") >= word.count("}"):
            break
        word = word[:-1]
    return offset, word


def word_candidates(lexed: Lexed, constants: dict[str, str]) -> list[Candidate]:
    """Shell, YAML and .http files: paths are words, quoted or not."""
    result = []
    code = lexed.code
    for m in _WORD.finditer(code):
        word = m.group()
        if "/" not in word:
            continue
        start = m.start()
        assigned = None
        assign = _SHELL_ASSIGN.match(word)
        if assign is not None and (start == 0 or code[start - 1] in "\n \t;"):
            assigned = assign["name"]
            start += assign.start("value")
            word = assign["value"]
        flag = re.match(r"^--?[\w-]+=", word)
        if flag is not None:
            start += flag.end()
            word = word[flag.end() :]
        offset, stripped = _trim_word(word)
        start += offset
        stripped = stripped.replace('"', "").replace("'", "")
        if "/" not in stripped:
            continue
        value = interpolate(stripped, constants)
        result.append(Candidate(value, start, start + len(stripped), assigned, start, m.end()))
    return result


def word_constants(text: str) -> dict[str, str]:
    """``NAME=value`` shell assignments and ``@name = value`` .http variables."""
    constants: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        m = _SHELL_ASSIGN.match(stripped) or _HTTP_VARIABLE.match(stripped)
        if m is not None:
            value = m["value"].strip("\"'")
            constants[m["name"]] = interpolate(value, constants)
    return constants


def code_constants(
    lexed: Lexed, implicit_concat: bool, chains: Sequence[Chain] | None = None
) -> dict[str, str]:
    """Same-file string constants, resolved in two passes so order does not matter."""
    if chains is None:
        chains = chain_plans(lexed, implicit_concat)
    constants: dict[str, str] = {}
    for _ in range(2):  # the second pass resolves names used before their definition
        evaluate_chains(chains, constants, learn=True)
    return constants


# --- matching --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PathMatch:
    exact: bool  # False: the base URL was unknown and assumed to hold the API root


def candidate_segments(value: str) -> tuple[list[str], bool] | None:
    """Split a rebuilt string into path segments; the flag says no host was written,
    so a base URL set elsewhere may supply the API root."""
    text = value.strip()
    if not text or " " in text.strip(PH) or "\n" in text:
        return None
    base_unknown = False
    if (host := _SCHEME_HOST.match(text)) is not None:
        text = text[host.end() :]
    elif text.startswith(PH):
        stripped = text.lstrip(PH)
        if not stripped.startswith("/"):
            return None
        text = stripped
        base_unknown = True
    else:
        base_unknown = True  # relative to a base URL set elsewhere (axios baseURL, ...)
    text = re.split(r"[?#]", text, maxsplit=1)[0]
    segments = [PH if _SEGMENT_PARAM.match(s) else s for s in text.split("/") if s]
    return segments, base_unknown


def _segments_match(candidate: Sequence[str], template: Sequence[str | None]) -> bool:
    if len(candidate) != len(template):
        return False
    for seg, tpl in zip(candidate, template, strict=True):
        if tpl is None:
            if not seg:
                return False
        elif seg != tpl:
            return False
    return True


def match_template(
    segments: Sequence[str], base_unknown: bool, template: Sequence[str | None]
) -> PathMatch | None:
    """Literal segments must be equal, parameters take any one segment."""
    if not template or template[0] is None:
        return None
    for offset, seg in enumerate(segments):
        if seg == template[0] and _segments_match(segments[offset:], template):
            return PathMatch(exact=True)
    if base_unknown:
        version = _version_index(tuple(template))
        if version is None or sum(PH not in s for s in segments) < 2:
            return None
        for skip in (version + 1, version + 2):
            if _segments_match(segments, template[skip:]):
                return PathMatch(exact=False)
    return None


@lru_cache(maxsize=1024)
def _version_index(template: tuple[str | None, ...]) -> int | None:
    """Where the API version (``v2``) sits in a template: a path relative to an unknown
    base may start one or two segments after it."""
    return next((i for i, s in enumerate(template) if s and re.fullmatch(r"v\d+", s)), None)
