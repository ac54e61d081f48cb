"""The quiet screen asked of raw bytes must give the answers the decoded text would.

Most files are judged before decoding: ASCII bytes that hold nothing the gate
looks for, and whose shape passes the walker's checks. Anything else takes the
old road (decode, then match), so these tests pin both the agreement on ASCII
and the refusal to answer for anything that is not.
"""

from __future__ import annotations

import gc
import random
from pathlib import Path

import pytest

from monitor.domain import Kind
from monitor.scan import runner as runner_module
from monitor.scan.prefilter import LowerScreen
from monitor.scan.runner import FileScanner, ScanOptions, scan_tree
from monitor.scan.targets import build_targets
from monitor.scan.walker import (
    BINARY_SNIFF_BYTES,
    MAX_LINE_CHARS,
    MINIFIED_LINE_CHARS,
    SkipReason,
    ascii_source_reason,
    decode_source,
)
from tests.support.scan_targets import deprecated

RECORDS = [
    ("1", deprecated(Kind.FIELD, ("LineItem.unit", "quantity"), "line_item_measurements")),
    ("2", deprecated(Kind.ENUM_VALUE, ("window.type=asap",))),
    ("3", deprecated(Kind.ENDPOINT, ("GET /v2/fulfillment/stores",))),
]
TARGETS = build_targets(RECORDS)
PIECES = [
    "def ", "return ", "x = 1", "\n", "  ", "# note\n", "count", "total", "name", "(", ")",
    "INSTACART", "Instacart", "/V2/", "Quantity", "UNIT", "AsAp", "Stores", "deprecated",
    "Migrate", "sunset", "LineItem", "line_item", "unitary", "quant", "asa", "store",
]  # fmt: skip


def _texts(seed: int, count: int = 2000) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def test_quiet_bytes_agrees_with_quiet_on_ascii() -> None:
    texts = _texts(11)
    answers = [TARGETS.gate.quiet(text) for text in texts]
    assert True in answers and False in answers, "the sample must hold both kinds"
    for text, quiet in zip(texts, answers, strict=True):
        assert TARGETS.gate.quiet_bytes(text.encode("ascii")) == quiet, text


@pytest.mark.parametrize("text", ["caf\u00e9 = 1\n", "\u212a = 2\n", "total = 3  # \u00fcber\n"])
def test_non_ascii_bytes_are_left_to_the_decoded_text(text: str) -> None:
    # Quiet as text, but only the decoded text may say so: outside ASCII,
    # lower-casing bytes and lower-casing characters can differ.
    assert TARGETS.gate.quiet(text)
    assert not TARGETS.gate.quiet_bytes(text.encode("utf-8"))


def _verdict(data: bytes, include_vendored: bool) -> SkipReason | None:
    decoded = decode_source(data, include_vendored)
    return decoded if isinstance(decoded, SkipReason) else None


LONG = MAX_LINE_CHARS + 10
WIDE = MINIFIED_LINE_CHARS + 10
SHAPES = {
    "empty": b"",
    "plain": b"x = 1\ny = 2\n" * 50,
    "nul in the sniffed head": b"abc\0def\n",
    "nul past the sniffed head": b"a" * BINARY_SNIFF_BYTES + b"\0",
    "wide first line": b"v" * WIDE + b"\nok\n",
    "wide sixth line": b"a\n" * 5 + b"v" * WIDE + b"\n",
    "long line deep inside": b"a\n" * 10 + b"w" * LONG + b"\nend\n",
    "long line without newline": b"w" * LONG,
    "just under the limits": (b"v" * (MINIFIED_LINE_CHARS - 1) + b"\n") * 5,
}


@pytest.mark.parametrize("include_vendored", [False, True])
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_ascii_shape_verdict_matches_decoding(name: str, include_vendored: bool) -> None:
    data = SHAPES[name]
    assert ascii_source_reason(data, include_vendored) == _verdict(data, include_vendored)


def test_shape_verdicts_cover_every_reason() -> None:
    seen = {ascii_source_reason(data) for data in SHAPES.values()}
    assert {None, SkipReason.BINARY, SkipReason.GENERATED, SkipReason.LONG_LINES} <= seen


def _count_matcher_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = runner_module.scan_text

    def counting(path: str, text: str, *args: object) -> list[object]:
        calls.append(path)
        return real(path, text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner_module, "scan_text", counting)
    return calls


def test_quiet_ascii_files_skip_the_matcher_unless_low_confidence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_matcher_calls(monkeypatch)
    quiet = tmp_path / "plain.py"
    quiet.write_text("def total(a, b):\n    return a + b\n")
    accented = tmp_path / "accented.py"
    accented.write_text("def total():\n    return 'caf\u00e9'\n", encoding="utf-8")
    loud = tmp_path / "loud.py"
    loud.write_text('import requests\nrequests.get(base + "/v2/fulfillment/stores")\n')
    job = lambda path: (path.name, str(path), -1, -1, b"")  # noqa: E731
    medium = FileScanner(RECORDS, ScanOptions())
    assert medium.run(job(quiet))[4:6] == (None, ())
    assert calls == []
    medium.run(job(accented))  # not ASCII: decoded and asked as text
    found = medium.run(job(loud))[5]
    assert calls == ["accented.py", "loud.py"]
    assert found and all(f.path == "loud.py" for f in found)
    calls.clear()
    FileScanner(RECORDS, ScanOptions(min_confidence="low")).run(job(quiet))
    assert calls == ["plain.py"]  # low confidence has no quiet screen to trust


def test_a_quiet_bundle_is_still_skipped_as_generated(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("var a=1;" * (MINIFIED_LINE_CHARS // 4) + "\n")
    (tmp_path / "ok.js").write_text("var a = 1;\n")
    result = scan_tree(tmp_path, RECORDS, workers=1)
    assert result.skipped_by_reason["generated"] == 1
    assert result.files_scanned == 1
    kept = scan_tree(tmp_path, RECORDS, ScanOptions(include_vendored=True), workers=1)
    assert kept.files_scanned == 2 and not kept.files_skipped


@pytest.mark.parametrize("enabled", [True, False])
def test_a_scan_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path, enabled: bool) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        scan_tree(tmp_path, RECORDS, workers=1)
        assert gc.isenabled() == enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_screen_finds_any_literal_even_inside_a_longer_one() -> None:
    # Literals that overlap, nest and share prefixes: a leftmost search must
    # still report presence whenever a naive substring test would.
    literals = ["unit", "units", "nits", "ts/v2", "/v2/", "v", "asap", "sapling"]
    screen = LowerScreen(literals)
    rng = random.Random(5)
    alphabet = ["u", "n", "i", "t", "s", "/", "v", "2", "a", "p", "l", "g", "x", " ", "U", "V"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        expected = any(literal in text.lower() for literal in literals)
        assert screen.any_in(text) == expected, text
        assert screen.any_in_ascii(text.encode("ascii")) == expected, text
