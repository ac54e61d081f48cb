"""The viability gate and the literal searches behind it must agree with plain Python.

The gate exists only for speed: for every file it has to give the same answer
as the obvious per-target substring scan it replaced. Each test compares the
two on texts built to sit on the edges (window borders, the 50-occurrence cap,
case changes that move offsets, overlapping literals).
"""

from __future__ import annotations

import random

import pytest

from monitor.domain import Kind
from monitor.scan import prefilter, scan_text
from monitor.scan.names import snake_case
from monitor.scan.prefilter import LiteralSet, LowerScreen, TokenFinder
from monitor.scan.reasons import about_change
from monitor.scan.targets import ScanTarget, TargetSet, build_targets
from monitor.scan.viability import CHANGE_REACH, MAX_OCCURRENCES, TIE
from tests.support.scan_targets import deprecated

RECORDS = [
    ("1", deprecated(Kind.FIELD, ("LineItem.unit", "quantity"), "line_item_measurements")),
    ("2", deprecated(Kind.ENUM_VALUE, ("window.type=asap",))),
    ("3", deprecated(Kind.FIELD, ("order.special_instructions",))),
    ("4", deprecated(Kind.ENDPOINT, ("GET /v2/fulfillment/stores",))),
]
TARGETS = build_targets(RECORDS)


def reference_viable(target: ScanTarget, text: str) -> bool:
    """The gate's meaning, spelled out the slow way."""
    if target.is_endpoint or (target.is_field and target.distinctive):
        return True
    if TIE.search(text):
        return True
    hints = [target.owner, target.parent, *target.replacement_names]
    if any(h and (h in text or snake_case(h) in text) for h in hints):
        return True
    for token in target.tokens:
        start = text.find(token)
        for _ in range(MAX_OCCURRENCES):
            if start == -1:
                break
            if about_change(text[max(0, start - CHANGE_REACH) : start + CHANGE_REACH]):
                return True
            start = text.find(token, start + len(token))
    return False


def gate_viable(targets: TargetSet, target: ScanTarget, text: str) -> bool:
    return targets.gate.viable(target, targets.gate.signs(text))


def _common() -> list[ScanTarget]:
    return [t for t in TARGETS.targets if not t.is_endpoint and not t.distinctive]


FILLER = "x = compute(a, b)\n"


@pytest.mark.parametrize("extra", ["", "İ", "ſ", "K", "Σ"])
def test_a_change_word_counts_only_inside_the_window(extra: str) -> None:
    """Sweep the distance across both window edges, with and without characters
    whose lower case is longer (``İ``) or unusual (long s, Kelvin, sigma)."""
    for target in _common():
        token = target.tokens[0]
        for gap in range(CHANGE_REACH - 30, CHANGE_REACH + 5):
            texts = (
                f"# deprecated{extra * 3}" + " " * gap + token + " = 1\n",
                token + " = 1" + extra * 3 + " " * gap + "# legacy\n",
                FILLER * 30 + extra + "# removal " + " " * gap + token + FILLER * 30,
            )
            for text in texts:
                assert gate_viable(TARGETS, target, text) == reference_viable(target, text), (
                    target.item,
                    gap,
                    extra,
                )


def test_only_the_first_fifty_occurrences_are_looked_at() -> None:
    target = next(t for t in _common() if t.name == "quantity")
    for count in (MAX_OCCURRENCES - 1, MAX_OCCURRENCES, MAX_OCCURRENCES + 1):
        text = "".join(f"quantity_{i} = {i}\n" + "y" * 500 + "\n" for i in range(count))
        text += "# quantity was removed\n"
        assert gate_viable(TARGETS, target, text) == reference_viable(target, text)
    assert not gate_viable(TARGETS, target, text)  # the 51st is too far down


@pytest.mark.parametrize(
    "extra",
    [
        "İstanbul ",  # lower-cases to two characters: offsets move
        "ſtore ",  # the long s
        "K",  # Kelvin sign lower-cases to a plain k
        "ΣΑΣ ",  # final sigma depends on its neighbours
        "",
    ],
)
def test_case_folding_oddities_give_the_same_answer(extra: str) -> None:
    for target in _common():
        token = target.tokens[0]
        for text in (
            extra * 3 + f"{token} = 1  # DEPRECATED soon\n",
            extra * 3 + f"{token} = 1\n" + "z" * 400 + "\nmigrate later\n",
            f"{token}{extra}: removal\n",
        ):
            assert gate_viable(TARGETS, target, text) == reference_viable(target, text), (
                extra,
                text,
            )


def test_hints_ties_and_snake_case_spellings_are_found() -> None:
    texts = [
        "class LineItem:\n    unit = 1\n",
        "line_item = {'unit': 1}\n",
        "measurements = line_item_measurements\nunit = 2\n",
        "window = {'type': 'asap'}\n",
        "url = 'https://connect.instacart.com'\nquantity = 3\n",
        "BASE = '/v2/'\nunit = 1\n",
        "INSTACART_KEY = 1\nasap = True\n",
        "unit = 1\nquantity = 2\nasap = 3\n",
    ]
    for text in texts:
        for target in TARGETS.targets:
            assert gate_viable(TARGETS, target, text) == reference_viable(target, text), (
                target.item,
                text,
            )


def test_random_texts_agree_with_the_reference() -> None:
    rng = random.Random(11)
    words = [
        "unit", "quantity", "asap", "LineItem", "line_item", "window", "deprecated",
        "Removed", "instead", "Instacart", "/v2/", "/idp/v1", "e.164", "ſ", "İ", "\n",
        "order", "special_instructions", "legacy", "x" * 60, "migrating", "in favour of",
    ]  # fmt: skip
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 80)))
        for target in TARGETS.targets:
            assert gate_viable(TARGETS, target, text) == reference_viable(target, text), text


def test_blank_files_keep_only_targets_that_need_no_evidence() -> None:
    signs = TARGETS.gate.signs("quantity = unit * 2\n")
    assert signs.blank
    assert not signs.present
    sure = TARGETS.select_sure({"quantity", "unit", "special_instructions"})
    assert [t.item for t in sure] == ["order.special_instructions"]
    assert not TARGETS.gate.signs("unit = 1  # deprecated\n").blank
    assert not TARGETS.gate.signs("UNIT via INSTACART\n").blank


@pytest.mark.parametrize(
    ("source", "item"),
    [
        ('URL = "https://connect.InstaCart.com"\nrow = {"quantity": 3}\n', "quantity"),
        (
            'URL = "https://CONNECT.INSTACART.COM"\nclient_secret = "k9Qw2Lm7Zx4Tr8Vb"\n',
            "hardcoded_secret",
        ),
        ('url = "http://connect.InstaCart.com/v2/fulfillment/users"\n', "insecure_http"),
    ],
)
def test_a_tie_counts_in_any_letter_case(source: str, item: str) -> None:
    """The gate and the rule switch read ties as ``FileContext.tied`` does: any case."""
    found = [(f.item, f.confidence) for f in scan_text("a.py", source, TARGETS)]
    assert found and found[0][0] == item and found[0][1] != "low"


# --- the literal searches ----------------------------------------------------------


LITERALS = ["ab", "abc", "bc", "c", "line_item", "LineItem", "/v2/", "é"]
HAYSTACKS = ["", "abc", "xxabcabc", "LineItem line_item", "naïve é /v2//v2/", "ccc"]


def _naive_spans(literals: list[str], text: str) -> list[tuple[int, int]]:
    spans = []
    for literal in literals:
        for start in range(len(text)):
            if text.startswith(literal, start):
                spans.append((start, start + len(literal)))
    return sorted(spans)


@pytest.mark.parametrize("accelerated", [True, False])
def test_literal_set_finds_every_occurrence(
    accelerated: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not accelerated:
        monkeypatch.setattr(prefilter, "ahocorasick_rs", None)
    found = LiteralSet(LITERALS)
    for text in HAYSTACKS:
        assert found.spans(text) == _naive_spans(LITERALS, text)
        assert found.present(text) == {s for s in LITERALS if s in text}
        assert found.any_in(text) == any(s in text for s in LITERALS)


def _naive_tokens(tokens: list[str], text: str) -> set[str]:
    """Leftmost-longest, non-overlapping matches that sit on word boundaries."""
    ordered = sorted(set(tokens), key=len, reverse=True)
    found: set[str] = set()
    position = 0
    while position < len(text):
        token = next((t for t in ordered if text.startswith(t, position)), None)
        if token is None:
            position += 1
            continue
        end = position + len(token)
        before = text[position - 1] if position else " "
        after = text[end] if end < len(text) else " "
        if (not token[0].isalnum() or not before.isalnum()) and not after.isalnum():
            found.add(token)
        position = end
    return found


@pytest.mark.parametrize("accelerated", [True, False])
def test_token_finder_matches_whole_words_only(
    accelerated: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not accelerated:
        monkeypatch.setattr(prefilter, "ahocorasick_rs", None)
    tokens = ["unit", "unit_price", "quantity", "/stores", "asap", "é"]
    finder = TokenFinder(tokens)
    rng = random.Random(5)
    pieces = ["unit", "units", "unit_price", "_unit", "quantity", "/stores", "xstores", "asap"]
    pieces += [" ", "\n", "é", "aé", "(", "2"]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert finder.find(text) == _naive_tokens(tokens, text), text


# --- the quiet screen: most files end here ------------------------------------------


@pytest.mark.parametrize("accelerated", [True, False])
def test_lower_screen_agrees_with_plain_substring_tests(
    accelerated: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not accelerated:
        monkeypatch.setattr(prefilter, "ahocorasick_rs", None)
    literals = ["LineItem", "/v2/", "deprecat", "e.164", "window"]
    screen = LowerScreen(literals)
    rng = random.Random(17)
    pieces = ["LINEITEM", "lineItem", "Line", "Item", "/V2/", "/v2", "/", "Deprecat", "E.164"]
    pieces += ["WINDOW", "wind", "ow", "İ", "K", "ſ", "é", "\ud800", " ", "\n"]
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        expected = any(literal.lower() in text.lower() for literal in literals)
        assert screen.any_in(text) == expected, text
    with pytest.raises(ValueError, match="ASCII"):
        LowerScreen(["naïve"])


SCREEN_PIECES = [
    "unit", "quantity", "asap", "currency", "rrc", "upc", "LineItem", "line_item", "WINDOW",
    "window", "Deprecated", "removal", "instead", "INSTACART", "instacart", "/v2/", "/idp/v1",
    "/v2/fulfillment/stores", "/stores", "/STORES", "special_instructions", "Bearer",
    "client_secret", "İ", "K", "ſ", "é", " ", "\n", "(", ")", '"', "'", "=", ":", "{", "}",
    "# ", "x = ", "GET ", "fetch(", "order", "special", "instructions", "InstaCart",
    "/V2/FULFILLMENT",
]  # fmt: skip
LANGUAGE_FILES = ["a.py", "a.go", "a.js", "a.java", "a.yaml", "a.json", "a.sh", "README.md"]


def test_a_quiet_file_never_has_a_finding() -> None:
    """The screen may let a file through needlessly, but must never stop one with findings."""
    rng = random.Random(23)
    passed = stopped = 0
    for _ in range(2000):
        text = "".join(rng.choice(SCREEN_PIECES) for _ in range(rng.randint(1, 24)))
        path = rng.choice(LANGUAGE_FILES)
        if TARGETS.gate.quiet(text):
            stopped += 1
            # A low-confidence scan skips the screen: it finds all there is to find.
            unscreened = scan_text(path, text, TARGETS, "low")
            assert [f for f in unscreened if f.confidence != "low"] == [], (path, text)
        else:
            passed += 1
    assert stopped > 50 and passed > 50  # both sides of the screen were exercised


def test_the_quiet_screen_stays_out_of_low_confidence_scans() -> None:
    text = 'payload = {"unit": "kg", "quantity": 2}\n'
    assert TARGETS.gate.quiet(text)
    assert scan_text("a.py", text, TARGETS) == []
    low = scan_text("a.py", text, TARGETS, "low")
    assert low, "common words alone are low-confidence findings"
    assert {f.confidence for f in low} == {"low"}


def test_the_quiet_screen_sees_evidence_in_any_case() -> None:
    for text in (
        "unit = 1  # DEPRECATED\n",
        "quantity = 2  # see INSTACART docs\n",
        "requests.get(BASE + '/STORES')\n",
        "special_instructions = ''\n",
        "order = LINE_ITEM\n",
    ):
        assert not TARGETS.gate.quiet(text), text
    assert TARGETS.gate.quiet("unit = quantity * price\n")
