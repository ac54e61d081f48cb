"""Split source text into code, string literals and comments.

One regex per language finds the next comment or string from any position, so
a quote inside a comment or a ``#`` inside a string is never misread. The result
keeps offsets into the original text: a *code view* with comments blanked out
(strings kept, since request bodies often live inside them) and the list of
comments for mention detection.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from re import _parser  # Python 3.11+; only parse() and getwidth() are used
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class LexSpec:
    line_comments: tuple[str, ...] = ()  # regex fragments
    block_comments: tuple[tuple[str, str], ...] = ()
    triple_quotes: bool = False  # Python, Kotlin raw strings, Java text blocks
    single_quotes: bool = True
    backticks: bool = False  # JS template literals, Go raw strings
    multiline_strings: bool = False  # shell quotes may span lines
    string_prefix: str = ""  # e.g. Python's f/r/b prefixes
    docstrings: bool = False  # a bare triple-quoted statement is documentation


class Token(NamedTuple):
    """A string or comment span; a named tuple because files hold thousands of them
    and a frozen dataclass costs several times more to build."""

    kind: str  # "string" | "comment"
    start: int
    end: int
    body_start: int
    body_end: int
    prefix: str = ""
    quote: str = ""


@dataclass(frozen=True, slots=True)
class Lexed:
    text: str
    code: str  # comments replaced by spaces; newlines and offsets kept
    strings: tuple[Token, ...]
    comments: tuple[Token, ...]


@lru_cache(maxsize=32)
def _master(spec: LexSpec) -> re.Pattern[str]:
    parts: list[str] = []
    for opener, closer in spec.block_comments:
        parts.append(f"(?P<bc>{opener}.*?(?:{closer}|\\Z))")
    if spec.line_comments:
        parts.append("(?P<lc>(?:" + "|".join(spec.line_comments) + r")[^\n]*)")
    prefix = f"(?P<pre>{spec.string_prefix})" if spec.string_prefix else "(?P<pre>)"
    if spec.triple_quotes:
        parts.append(prefix.replace("pre", "tpre") + r'(?P<tq>"""|\'\'\')(?P<tb>.*?)(?:(?P=tq)|\Z)')
    newline = "" if spec.multiline_strings else r"\n"
    quotes = "\"'" if spec.single_quotes else '"'
    parts.append(
        prefix + f"(?P<q>[{quotes}])(?P<b>(?:\\\\.|(?!(?P=q))[^\\\\{newline}])*)(?:(?P=q)|$)"
    )
    if spec.backticks:
        parts.append(r"(?P<bt>`)(?P<btb>(?:\\.|[^`\\])*)(?:`|\Z)")
    return re.compile("|".join(parts), re.DOTALL | re.MULTILINE)


class _Plan(NamedTuple):
    """Where tokens can begin (see ``_starts``)."""

    starts: re.Pattern[str]  # characters every token holds within its first few
    back: int  # how far before such a character a token may begin (a string prefix)
    enders: frozenset[str]  # ASCII characters that can end a prefix: no other one can


@lru_cache(maxsize=32)
def _starts(spec: LexSpec) -> _Plan | None:
    """How to find tokens without trying the master regex at every position; None
    when a comment marker is not literal.

    Searching for the start characters and trying the master regex only there
    finds the same tokens as ``finditer``.
    """
    try:
        prefix = _parser.parse(spec.string_prefix).getwidth()[1] if spec.string_prefix else 0
        firsts = []
        for fragment in (*spec.line_comments, *(opener for opener, _ in spec.block_comments)):
            op, value = _parser.parse(fragment).data[0]
            if op is not _parser.LITERAL:
                return None
            firsts.append(chr(value))
    except (AttributeError, IndexError, TypeError, ValueError):
        return None
    if prefix > 8:
        return None
    firsts += ['"', "'"] if spec.single_quotes or spec.triple_quotes else ['"']
    if spec.backticks:
        firsts.append("`")
    starts = re.compile("[" + "".join(re.escape(c) for c in sorted(set(firsts))) + "]")
    return _Plan(starts, prefix, _prefix_enders(spec.string_prefix, prefix))


def _prefix_enders(prefix: str, width: int) -> frozenset[str]:
    """The ASCII characters a string prefix of at most ``width`` characters can end with
    (every ASCII character when ``width`` is too large to try all prefixes)."""
    ascii_chars = [chr(code) for code in range(1, 128)]
    if not prefix or width == 0:
        return frozenset()
    if width > 2:
        return frozenset(ascii_chars)
    whole = re.compile(f"(?:{prefix})", re.DOTALL)
    heads = ["", *ascii_chars] if width == 2 else [""]
    return frozenset(c for c in ascii_chars if any(whole.fullmatch(h + c) for h in heads))


def _tokens(text: str, spec: LexSpec) -> Iterator[re.Match[str]]:
    """``_master(spec).finditer(text)``, trying only where a token can begin."""
    master = _master(spec)
    plan = _starts(spec)
    if plan is None:
        yield from master.finditer(text)
        return
    search, match = plan.starts.search, master.match
    back, enders = plan.back, plan.enders
    pos = 0
    while (hint := search(text, pos)) is not None:
        first = hint.start()
        # A token starting before ``first`` would hold a start character before it,
        # so ``text[start:first]`` is its string prefix: one that cannot end with
        # the character before ``first`` rules out every earlier start.
        earliest = max(pos, first - back)
        if earliest < first and (ahead := text[first - 1]).isascii() and ahead not in enders:
            earliest = first
        for start in range(earliest, first + 1):
            if (m := match(text, start)) is not None:
                yield m
                pos = m.end()  # tokens are never empty
                break
        else:
            pos = first + 1


def lex(text: str, spec: LexSpec) -> Lexed:
    strings: list[Token] = []
    comments: list[Token] = []
    pieces: list[str] = []
    last = 0
    for m in _tokens(text, spec):
        start, end = m.span()
        # The last group to close names the alternative that matched (see _master).
        kind = m.lastgroup
        if kind in {"bc", "lc"}:
            comments.append(Token("comment", start, end, start, end))
            pieces.append(text[last:start])
            pieces.append(_blank(m.group()))
            last = end
            continue
        if kind == "tb":
            token = Token(
                "string", start, end, m.start("tb"), m.end("tb"), m["tpre"] or "", m["tq"]
            )
            if spec.docstrings and _is_docstring(text, start, end):
                comments.append(Token("comment", start, end, token.body_start, token.body_end))
                pieces.append(text[last:start])
                pieces.append(_blank(m.group()))
                last = end
                continue
            strings.append(token)
        elif kind == "b":
            strings.append(
                Token("string", start, end, m.start("b"), m.end("b"), m["pre"] or "", m["q"])
            )
        elif kind == "btb":
            strings.append(Token("string", start, end, m.start("btb"), m.end("btb"), "", "`"))
    pieces.append(text[last:])
    return Lexed(text, "".join(pieces), tuple(strings), tuple(comments))


def _blank(chunk: str) -> str:
    """Spaces of the same length, newlines kept, so offsets stay valid."""
    if "\n" not in chunk:
        return " " * len(chunk)
    return "\n".join(" " * len(part) for part in chunk.split("\n"))


def _is_docstring(text: str, start: int, end: int) -> bool:
    """A triple-quoted string standing alone as a statement documents, it is not data."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if before.strip() not in ("", "r", "u"):
        return False
    line_end = text.find("\n", end)
    after = text[end : line_end if line_end != -1 else len(text)]
    return after.strip() == ""


def whole_text_as_comment(text: str) -> Lexed:
    """Documentation files: everything is prose, split into paragraphs."""
    comments = [
        Token("comment", m.start(), m.end(), m.start(), m.end())
        for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text)
    ]
    return Lexed(text, _blank(text), (), tuple(comments))


def comment_blocks(lexed: Lexed) -> list[tuple[int, int]]:
    """Adjacent line comments merged into blocks, so a sentence split over lines stays whole."""
    blocks: list[tuple[int, int]] = []
    for token in lexed.comments:
        if blocks:
            gap = lexed.text[blocks[-1][1] : token.start]
            if gap.strip() == "" and gap.count("\n") <= 1:
                blocks[-1] = (blocks[-1][0], token.end)
                continue
        blocks.append((token.body_start, token.body_end))
    return blocks
