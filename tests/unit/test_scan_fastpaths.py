"""Shortcuts taken for speed must never change an answer.

Each shortcut skips work when a cheap test proves the expensive one cannot
succeed. These tests throw many generated strings at both and check that the
cheap test never says "no" when the expensive one would say "yes".
"""

from __future__ import annotations

import os
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.scan import context, paths, rules
from monitor.scan.findings import normalise_snippet
from monitor.scan.methods import Lines
from monitor.scan.walker import _read_all, read_bytes

PIECES = [
    "quantity", "Line", "items", "payload", "def ", "fun ", "class ", "record ", "struct",
    "interface ", "object ", "enum ", "trait ", "type ", "@Json", "@", " ", "  ", "\n", "\t",
    ":", "=", ":=", "=>", ">", "<", "<T>", "List<Item>", "(", ")", "[]", "[", "]", "{", ",",
    ".", "$", "-", '"', "'", "`", "é", "ß", "x1", "_", "Ω", "throws IOException", "-> Foo",
    "type Order struct", "type Foo ", "Item", "x: Item =", "v: Map<K, V>[] = ", "Foo",
]  # fmt: skip


# Receivers and type arguments that may hold anything: the parts a tail search must
# not cut through.
TAIL_PIECES = [
    "func ", "function ", "func (r *T) ", "func (s Svc.x, y) ", "(a, b)", "Go", "<K, V>",
    "x: Foo<a.b(c)> =", "<", ">",
]  # fmt: skip


def _random_befores(seed: int, count: int = 3000, pieces: list[str] = PIECES) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))).rstrip()
        if text:
            texts.append(text)
    return texts


@pytest.mark.parametrize(
    ("pattern", "outside", "reach"),
    [
        (context._KEY, context._NOT_IN_KEY, ""),
        (context._CALL, context._NOT_IN_CALL, ""),
        (context._KEYED_CALL, context._NOT_IN_KEYED_CALL, ""),
        (context._PARAMS, context._NOT_IN_PARAMS, ")>"),
        (context._TYPED_ASSIGN, context._NOT_IN_TYPED_ASSIGN, ">"),
    ],
)
def test_searching_from_the_tail_finds_the_same_match(
    pattern: re.Pattern[str], outside: re.Pattern[str], reach: str
) -> None:
    matched = 0
    for text in _random_befores(1, pieces=[*PIECES, *TAIL_PIECES]):
        expected = pattern.search(text)
        matched += expected is not None
        if pattern in (context._CALL, context._KEYED_CALL):
            got = context._call(text, pattern, outside)
        else:
            got = context._tail_search(pattern, outside, text, reach)
        assert (got and (got.span(), got.groupdict())) == (
            expected and (expected.span(), expected.groupdict())
        ), text
    assert matched > 20  # the generator does produce matches for every regex


# Each regex of ``_name_opener`` with the cheap test that guards it there.
GUARDS = [
    (context._ANNOTATION_ARGS, lambda t: "@" in t),
    (context._PARAMS, lambda t: "def" in t or "fun" in t),
    (context._CLASS_PARAMS, lambda t: "class" in t or "record" in t),
    (context._KEY, context.ends_key),
    (context._CALL, context.ends_call),
    (context._TYPE_DECL, lambda t: t.endswith("struct")),
    (context._CLASS_DECL, lambda t: any(w in t for w in context._CLASS_WORDS)),
    (context._TYPED_ASSIGN, lambda t: t[-1:] == "="),
    (context._BLOCK_HEAD, lambda t: ")" in t),
    (context._COMPOSITE, context.ends_word),
]


@pytest.mark.parametrize(("pattern", "guard"), GUARDS)
def test_scope_guards_never_hide_a_match(
    pattern: re.Pattern[str], guard: Callable[[str], bool]
) -> None:
    matched = 0
    for text in _random_befores(2):
        if pattern.search(text):
            matched += 1
            assert guard(text), (pattern.pattern, text)
    assert matched > 5  # the generator does produce matches for every regex


JOIN_PIECES = [
    "base", "url", " + ", "+", "(", ")", "()", "format", "Sprintf", "String.format", ".",
    " ", "\n", "\t", ",", "x1", "$", "?.", "f", "1", '"', "=",
]  # fmt: skip


def test_join_guards_never_hide_a_match() -> None:
    """``chain_plans`` and ``_format_args`` ask their tail regexes only when the text
    before the literal ends with "+" or "(" (whitespace aside)."""
    rng = random.Random(4)
    joined = formatted = 0
    for _ in range(4000):
        text = "".join(rng.choice(JOIN_PIECES) for _ in range(rng.randint(1, 10)))
        line = text.rsplit("\n", 1)[-1]
        if paths._LEFT_IDENT.search(line):
            joined += 1
            assert line.rstrip().endswith("+"), line
        if paths._FORMAT_CALL.search(text):
            formatted += 1
            assert text.rstrip().endswith("("), text
    assert joined > 50 and formatted > 10


SECRET_WORDS = [
    "client_secret", "client_ſecret", "CLIENT-SECRET", "access_toKen", "ACCESS_TOKEN",
    "bearer_token", "Bearer", "BEARER", "http://", "HTTP://", "hTtP://", "instacart.com",
    " = ", ": ", '"', "abcdefghijklmnop1234", "\n", "x", "İ", "$",
]  # fmt: skip


def test_rule_keywords_are_tested_on_text_folded_like_the_regexes() -> None:
    rng = random.Random(3)
    matched = 0
    for _ in range(3000):
        code = "".join(rng.choice(SECRET_WORDS) for _ in range(rng.randint(1, 10)))
        folded = rules._folded(code)
        if rules._INSECURE.search(code):
            matched += 1
            assert "http://" in folded, code
        if rules._ASSIGNED.search(code) or rules._BEARER.search(code):
            matched += 1
            assert "secret" in folded or "token" in folded or "bearer" in folded, code
    assert matched > 100


def test_line_index_is_the_line_holding_the_offset() -> None:
    text = "a\n\nbc\nd\n"
    lines = Lines.of(text)
    naive = [text.count("\n", 0, offset) for offset in range(len(text) + 1)]
    assert [lines.index(offset) for offset in range(len(text) + 1)] == naive
    assert lines.index(-5) == 0


def test_reading_goes_on_when_the_size_on_record_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    data = b"0123456789" * 1000
    path.write_bytes(data)
    for size in (0, 5, len(data) - 1, len(data), len(data) + 7):
        fd = os.open(path, os.O_RDONLY)
        try:
            assert _read_all(fd, size, len(data) + 1) == data, size
        finally:
            os.close(fd)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert _read_all(fd, len(data), 100) == data[:100]  # stops at the limit
    finally:
        os.close(fd)


def test_empty_and_oversized_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.py"
    empty.write_bytes(b"")
    assert read_bytes(str(empty)) == b""
    big = tmp_path / "big.py"
    big.write_bytes(b"x" * 50)
    assert str(read_bytes(str(big), max_file_bytes=49)) == "too_large"
    assert read_bytes(str(big), max_file_bytes=50) == b"x" * 50


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux procfs")
def test_files_that_report_size_zero_are_still_read() -> None:
    data = read_bytes("/proc/self/status")
    assert isinstance(data, bytes)
    assert b"Name:" in data


def test_snippets_normalise_as_the_whitespace_regex_would() -> None:
    """Fingerprints hash the normalised snippet, so ``str.split`` must fold exactly the
    characters ``\\s`` matches, or every stored fingerprint would move."""
    spaces = re.compile(r"\s+")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert (spaces.fullmatch(char) is not None) == char.isspace(), hex(code)
    rng = random.Random(5)
    alphabet = [c for c in map(chr, range(0x3100)) if c.isspace()] + list("ab x\u200b\ufeff")
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert normalise_snippet(text) == spaces.sub(" ", text).strip(), repr(text)
