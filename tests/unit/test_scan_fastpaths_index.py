"""Per-file indexes and memos must give the answers the plain walks give.

Random texts built from brackets, quotes, names and newlines are thrown at the
indexed lookup and at the original walk; any difference is a bug.
"""

from __future__ import annotations

import random
import re

import pytest

from monitor.scan import comments, context, rules
from monitor.scan.comments import LexSpec, lex
from monitor.scan.filectx import FileContext
from monitor.scan.findings import Finding, with_fingerprints
from monitor.scan.languages import PROFILES
from monitor.scan.paths import code_constants
from monitor.scan.suppress import directives
from monitor.scan.viability import TIE

BRACKET_PIECES = ["(", ")", "[", "]", "{", "}", "a", " ", "\n", "x = ", "items: ", "f"]


def _texts(pieces: list[str], seed: int, count: int, longest: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(pieces) for _ in range(rng.randint(0, longest))) for _ in range(count)
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bracket_index_matches_the_backward_walk(seed: int) -> None:
    for code in _texts(BRACKET_PIECES, seed, 300, 60):
        index = context.BracketIndex(code)
        for offset in range(len(code) + 1):
            for limit in (6000, 7):
                start = max(0, offset - limit)
                walked = list(context._open_before(code, offset, start))
                assert list(index.open_before(offset, start)) == walked, (code, offset, limit)


def test_bracket_index_sees_unbalanced_closers_like_the_walk() -> None:
    code = "a)(b]{c"
    index = context.BracketIndex(code)
    assert list(index.open_before(len(code), 0)) == [5]  # ``]`` closes ``(``
    assert list(index.open_before(4, 0)) == [2]


def test_enclosing_with_index_and_memo_equals_plain() -> None:
    code = 'payload = {"line_items": [{"quantity": 1}], "x": f(a, {"unit": 2})}'
    memo: dict[int, context.Scope | None] = {}
    index = context.BracketIndex(code)
    for offset in range(len(code)):
        plain = context.enclosing(code, offset)
        assert context.enclosing(code, offset, memo=memo, brackets=index) == plain
    assert any(s.name == "line_items" for s in context.enclosing(code, code.index("quantity")))


def test_constants_resolve_across_the_two_passes() -> None:
    spec = LexSpec(line_comments=("#",))
    lexed = lex('URL = BASE + "/v2/fulfillment/users"\nBASE = "https://x.test"\n', spec)
    assert code_constants(lexed, False)["URL"] == "https://x.test/v2/fulfillment/users"


def test_scopes_are_memoised_but_returned_fresh() -> None:
    code = 'class Order:\n    quantity: int\n    unit: str = f(x, {"quantity": 1})\n'
    ctx = FileContext("a.py", code, PROFILES["python"])
    for name in ("quantity", "unit", '"quantity"'):
        offset = code.index(name)
        first = ctx.scopes(offset)
        assert first == FileContext("a.py", code, PROFILES["python"]).scopes(offset)
        first.append(context.Scope("key", "junk"))
        assert ctx.scopes(offset) == first[:-1]
    assert context.Scope("class", "Order") in ctx.scopes(code.index("unit"))


def test_directives_without_the_marker_are_empty_and_with_it_found() -> None:
    assert directives("x = 1\n# connect-monitor ignore\n") == {}
    table = directives("# connect-monitor: ignore[abc]\nx = 1\n")
    assert table == {1: frozenset({"abc"}), 2: frozenset({"abc"})}


@pytest.mark.parametrize(
    "line",
    [
        'client_secret = "s3cr3tvalue123"',
        'headers = {"Authorization": "Bearer abcdefghijklmnop"}',
        'ACCESS_TOKEN: "abcdef123456789"',
        'x = "tokenless"',
        "plain line without words",
        'ſecret = "abcdefghijkl"',
        'client_ſecret = "abcdefghijkl"',
    ],
)
def test_mask_shortcut_agrees_with_the_regexes(line: str) -> None:
    spans = sorted(rules._secret_values(line), reverse=True)
    expected = line
    for start, end in spans:
        expected = expected[:start] + rules.MASK + expected[end:]
    assert rules.mask_secrets(line) == expected


def test_fingerprints_keep_every_field() -> None:
    finding = Finding("a.py", 3, 2, 9, "x", "rec", "field", "use", "high", "why", "s", True)
    (done,) = with_fingerprints([finding])
    assert done.fingerprint and len(done.fingerprint) == 20
    assert (done.path, done.line, done.column, done.end_column, done.suppressed) == (
        "a.py",
        3,
        2,
        9,
        True,
    )
    assert (done.item, done.deprecation_id, done.kind, done.reason, done.snippet) == (
        "x",
        "rec",
        "field",
        "why",
        "s",
    )


LEX_PIECES = [
    '"', "'", "`", '"""', "'''", "#", "//", "/*", "*/", "\\", "\n", " ", "r", "b", "f", "rb",
    "F", "u", "x", "word", "/", "*", "=", ";", "\t", "é",
]  # fmt: skip


@pytest.mark.parametrize("language", sorted({"python", "java", "go", "javascript", "shell",
                                             "json", "yaml", "http"}))  # fmt: skip
def test_lexing_from_start_characters_finds_the_same_tokens(language: str) -> None:
    spec = PROFILES[language].lex
    assert spec is not None
    master = comments._master(spec)
    for text in _texts(LEX_PIECES, 5, 1500, 25):
        spans = [m.span() for m in comments._tokens(text, spec)]
        assert spans == [m.span() for m in master.finditer(text)], text


@pytest.mark.parametrize("language", sorted({"python", "java", "kotlin", "go", "javascript",
                                             "json"}))  # fmt: skip
def test_the_literal_first_scan_lexes_as_the_start_character_search(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``lex`` through ``_scan`` (one ``finditer``) against ``lex`` through ``_tokens``,
    which the test above holds to the master regex: same code view, strings (prefixes,
    quotes, bodies) and comments."""
    spec = PROFILES[language].lex
    assert spec is not None and comments._scan(spec) is not None
    pieces = [*LEX_PIECES, "rb'", 'f"', "Rb", "ü", "\\\n", "u'''", 'U"""']
    texts = _texts(pieces, 7, 2500, 30)
    fast = [lex(text, spec) for text in texts]
    monkeypatch.setattr(comments, "_scan", lambda spec: None)
    for text, got in zip(texts, fast, strict=True):
        assert got == lex(text, spec), text


def test_start_characters_cover_python_prefixes() -> None:
    plan = comments._starts(PROFILES["python"].lex)
    assert plan is not None and plan.back == 2
    # Only a prefix letter before a quote can make a token start earlier.
    assert plan.enders == frozenset("rbufRBUF")
    assert comments._prefix_enders("(?:rb|br)", 2) == frozenset("rb")
    assert len(comments._prefix_enders("[a-z]{0,3}", 3)) == 127  # too wide: try every start
    lexed = lex("x = rb\"a/b\" + F'c' # note\n", PROFILES["python"].lex)
    assert [t.prefix for t in lexed.strings] == ["rb", "F"]
    assert len(lexed.comments) == 1


def test_comment_markers_that_are_not_literal_fall_back() -> None:
    assert comments._starts(PROFILES["shell"].lex) is None


TIE_PIECES = [
    "instacart", "Instacart", "INSTACART", "ınstacart", "inſtacart", "İnstacart", "plus",
    "Plus", "/v2/fulfillment", "/V2/Fulfillment", "/idp/v1/", "/ıdp/v1/", "/v2/oauth/token",
    "/v2/", "x", " ", "\n", "_", "instacar", "nstacart", "/",
]  # fmt: skip


@pytest.mark.parametrize("seed", [21, 22])
def test_tie_shortcut_agrees_with_the_regex(seed: int) -> None:
    seen = set()
    for text in _texts(TIE_PIECES, seed, 2000, 6):
        ctx = FileContext("a.py", text, PROFILES["python"])
        expected = TIE.search(text) is not None
        assert ctx.tied == expected, text
        seen.add(expected)
    assert seen == {True, False}


FIELD_PIECES = [
    "private ", "Private ", "public ", "val ", "VAL ", "var ", "@", "@JsonProperty(",
    "alias", "validation_alias", "json:\"", "JSON:\"", "quantity", "\"quantity\"", " = ", ":",
    "String ", ";", "\n", " ", "(", ")", ",", "x",
]  # fmt: skip


def test_field_pattern_requirements_never_skip_a_match() -> None:
    texts = _texts(FIELD_PIECES, 31, 3000, 12)
    checked = 0
    for profile in PROFILES.values():
        for pattern in profile.field_patterns:
            if not pattern.requires:
                continue
            regex = re.compile(pattern.template.replace("{names}", "quantity"))
            for text in texts:
                if regex.search(text) is not None:
                    assert pattern.may_match(text), (pattern.label, text)
                    checked += 1
    assert checked > 50
