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


_ASCII = tuple(chr(code) for code in range(1, 128))


@lru_cache(maxsize=32)
def _short_prefixes(prefix: str, width: int) -> tuple[str, ...] | None:
    """Every ASCII string of one or two characters that ``prefix`` matches; None when
    a prefix may be longer than that (too many strings to try)."""
    if width > 2:
        return None
    whole = re.compile(f"(?:{prefix})", re.DOTALL)
    heads = ["", *_ASCII] if width == 2 else [""]
    return tuple(h + c for h in heads for c in _ASCII if whole.fullmatch(h + c))


def _prefix_enders(prefix: str, width: int) -> frozenset[str]:
    """The ASCII characters a string prefix of at most ``width`` characters can end with
    (every ASCII character when ``width`` is too large to try all prefixes)."""
    if not prefix or width == 0:
        return frozenset()
    found = _short_prefixes(prefix, width)
    return frozenset(_ASCII) if found is None else frozenset(p[-1] for p in found)


def _prefix_alphabet(prefix: str, width: int) -> frozenset[str]:
    """Every ASCII character some string prefix of at most ``width`` characters holds
    (all of them when ``width`` is too large to try every prefix)."""
    if not prefix or width == 0:
        return frozenset()
    found = _short_prefixes(prefix, width)
    return frozenset(_ASCII) if found is None else frozenset("".join(found))


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


class _Scan(NamedTuple):
    """``_master`` rewritten so that every alternative opens on a literal character.

    The regex engine then skips to the next character that can open a token
    by itself, in C, and ``finditer`` runs without a Python step per
    candidate. String prefixes are left out and found afterwards by looking
    back from the quote (see ``_scanned``); ``kinds`` maps each group to
    what it holds and its quote.
    """

    regex: re.Pattern[str]
    kinds: dict[str, tuple[str, str]]  # group -> ("comment" | "string" | "triple", quote)
    plan: _Plan


def _split_literal(fragment: str) -> tuple[str, str] | None:
    """``fragment`` as (the character it opens with, the regex after it), or None."""
    for width in (1, 2):  # "/" or an escaped "\\*"
        head, rest = fragment[:width], fragment[width:]
        try:
            opening = _parser.parse(head).data
            after = _parser.parse(rest).data
        except re.error:
            continue
        if len(opening) != 1 or opening[0][0] is not _parser.LITERAL:
            continue
        if any(op is _parser.BRANCH for op, _ in after) or re.compile(fragment).groups:
            return None  # an alternation or a group would change meaning once split
        return chr(opening[0][1]), rest
    return None


@lru_cache(maxsize=32)
def _scan(spec: LexSpec) -> _Scan | None:
    """The literal-first form of ``_master(spec)``; None when it cannot be built: comment
    markers that do not open on a literal, a string prefix that may hold a character
    opening a token (tokens would no longer start where ``finditer`` finds them), or
    one that is not optional (a bare quote would not open a string)."""
    plan = _starts(spec)
    if plan is None or len(spec.block_comments) > 1:
        return None
    prefix = spec.string_prefix
    if prefix and re.fullmatch(f"(?:{prefix})", "") is None:
        return None
    if _prefix_alphabet(prefix, plan.back) & set(plan.starts.pattern):
        return None
    parts: list[str] = []
    kinds: dict[str, tuple[str, str]] = {}
    comment_forms = [
        (f"bc{index}", opener, f".*?(?:{closer}|\\Z)")
        for index, (opener, closer) in enumerate(spec.block_comments)
    ]
    comment_forms += [
        (f"lc{index}", marker, r"[^\n]*") for index, marker in enumerate(spec.line_comments)
    ]
    for name, opener, body in comment_forms:
        split = _split_literal(opener)
        if split is None:
            return None
        parts.append(f"{re.escape(split[0])}(?P<{name}>(?:{split[1]}){body})")
        kinds[name] = ("comment", "")
    if spec.triple_quotes:
        for name, quote in (("tbd", '"""'), ("tbs", "'''")):
            parts.append(f"{quote}(?P<{name}>.*?)(?:{quote}|\\Z)")
            kinds[name] = ("triple", quote)
    newline = "" if spec.multiline_strings else r"\n"
    for index, quote in enumerate("\"'" if spec.single_quotes else '"'):
        name = f"b{index}"
        parts.append(f"{quote}(?P<{name}>(?:\\\\.|[^{quote}\\\\{newline}])*)(?:{quote}|$)")
        kinds[name] = ("string", quote)
    if spec.backticks:
        parts.append(r"`(?P<btb>(?:\\.|[^`\\])*)(?:`|\Z)")
        kinds["btb"] = ("string", "`")
    return _Scan(re.compile("|".join(parts), re.DOTALL | re.MULTILINE), kinds, plan)


# (kind, start, end, body start, body end, prefix, quote): "comment", "string" or "triple".
_Piece = tuple[str, int, int, int, int, str, str]


def _scanned(text: str, spec: LexSpec, scan: _Scan) -> Iterator[_Piece]:
    """The tokens ``_tokens`` finds, from one ``finditer`` over ``_scan``'s regex.

    A string may start a few characters before its quote, with a prefix: as in
    ``_tokens``, only when the character before the quote can end one is the
    master regex tried at the earlier starts, and the leftmost match wins.
    """
    kinds, back, enders = scan.kinds, scan.plan.back, scan.plan.enders
    master = _master(spec).match
    end = 0
    for m in scan.regex.finditer(text):
        start = m.start()
        name = m.lastgroup or ""
        kind, quote = kinds[name]
        if (
            kind != "comment"
            and quote != "`"
            and back
            and start > end
            and (not (ahead := text[start - 1]).isascii() or ahead in enders)
        ):
            earlier = range(max(end, start - back), start)
            prefixed = next(filter(None, (master(text, at) for at in earlier)), None)
            if prefixed is not None:
                end = prefixed.end()
                yield _piece(prefixed)
                continue
        end = m.end()
        body = (start, end) if kind == "comment" else m.span(name)
        yield (kind, start, end, *body, "", quote)


def _piece(m: re.Match[str]) -> _Piece:
    """A ``_master`` match as a ``_Piece``."""
    start, end = m.span()
    kind = m.lastgroup
    if kind in {"bc", "lc"}:
        return ("comment", start, end, start, end, "", "")
    if kind == "tb":
        return ("triple", start, end, *m.span("tb"), m["tpre"] or "", m["tq"])
    if kind == "b":
        return ("string", start, end, *m.span("b"), m["pre"] or "", m["q"])
    return ("string", start, end, *m.span("btb"), "", "`")


def lex(text: str, spec: LexSpec) -> Lexed:
    strings: list[Token] = []
    comments: list[Token] = []
    pieces: list[str] = []
    last = 0
    scan = _scan(spec)
    found = map(_piece, _tokens(text, spec)) if scan is None else _scanned(text, spec, scan)
    for kind, start, end, body_start, body_end, prefix, quote in found:
        if kind == "comment" or (
            kind == "triple" and spec.docstrings and _is_docstring(text, start, end)
        ):
            comments.append(Token("comment", start, end, body_start, body_end))
            pieces.append(text[last:start])
            pieces.append(_blank(text[start:end]))
            last = end
            continue
        strings.append(Token("string", start, end, body_start, body_end, prefix, quote))
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
