"""Splitting code, strings and comments, and the mentions found in comments."""

from __future__ import annotations

from monitor.domain import Action, DeprecationRecord, Kind, Origin
from monitor.scan import build_targets, scan_text
from monitor.scan.comments import comment_blocks, lex
from monitor.scan.lang_go import LEX as GO_LEX
from monitor.scan.lang_js import LEX as JS_LEX
from monitor.scan.lang_python import LEX as PY_LEX
from monitor.scan.lang_shell import LEX as SH_LEX

TARGETS = build_targets(
    [
        (
            "orders",
            DeprecationRecord(
                kind=Kind.ENDPOINT,
                action=Action.DEPRECATED,
                surface="Connect Fulfillment API",
                items=("GET /v2/fulfillment/users/{user_id}/orders",),
                title="Get orders",
                origin=Origin.DEPRECATED_PAGE,
                source_url="https://docs.instacart.com/x",
            ),
        ),
        (
            "lineitem",
            DeprecationRecord(
                kind=Kind.FIELD,
                action=Action.DEPRECATED,
                surface="Developer Platform API",
                items=("LineItem.quantity",),
                title="q",
                origin=Origin.CHANGELOG,
                source_url="https://docs.instacart.com/y",
                replacement="line_item_measurements",
            ),
        ),
    ]
)


def _texts(source: str, spec) -> tuple[list[str], list[str]]:
    lexed = lex(source, spec)
    strings = [source[t.body_start : t.body_end] for t in lexed.strings]
    comments = [source[t.start : t.end] for t in lexed.comments]
    return strings, comments


def test_quotes_in_comments_and_hashes_in_strings() -> None:
    source = 'url = "/a#b"  # don\'t "touch"\nx = \'#\'\n'
    strings, comments = _texts(source, PY_LEX)
    assert strings == ["/a#b", "#"]
    assert comments == ['# don\'t "touch"']


def test_code_view_keeps_offsets_and_drops_comments() -> None:
    source = 'a = 1  # "quantity": 2\nb = "/x"\n'
    lexed = lex(source, PY_LEX)
    assert len(lexed.code) == len(source)
    assert "quantity" not in lexed.code
    assert lexed.code.splitlines()[1] == 'b = "/x"'


def test_python_docstrings_are_documentation_but_string_data_is_not() -> None:
    source = 'def f():\n    """Calls /v2/x."""\n    body = """{"a": 1}"""\n'
    strings, comments = _texts(source, PY_LEX)
    assert comments == ['"""Calls /v2/x."""']
    assert strings == ['{"a": 1}']


def test_block_comments_template_literals_and_raw_strings() -> None:
    js = "/* a 'b' */ const u = `${B}/orders`; // tail\n"
    strings, comments = _texts(js, JS_LEX)
    assert strings == ["${B}/orders"]
    assert comments == ["/* a 'b' */", "// tail"]
    go = 'x := `json:"q"` // c\n'
    strings, comments = _texts(go, GO_LEX)
    assert strings == ['json:"q"']
    assert comments == ["// c"]


def test_shell_hash_only_starts_a_comment_at_a_word() -> None:
    source = 'n=${#items[@]}  # count\necho "a # b"\n'
    strings, comments = _texts(source, SH_LEX)
    assert comments == ["# count"]
    assert strings == ["a # b"]


def test_adjacent_line_comments_form_one_block() -> None:
    source = "# first line\n# second line\nx = 1\n# alone\n"
    lexed = lex(source, PY_LEX)
    blocks = [source[s:e] for s, e in comment_blocks(lexed)]
    assert blocks == ["# first line\n# second line", "# alone"]


def test_comment_mentions_are_reported_as_mentions() -> None:
    source = (
        "# TODO: GET /v2/fulfillment/users/{user_id}/orders is going away\n"
        "# LineItem.quantity too; send line_item_measurements\n"
        "x = 1\n"
    )
    found = {(f.line, f.item, f.category, f.confidence) for f in scan_text("a.py", source, TARGETS)}
    assert found == {
        (1, "GET /v2/fulfillment/users/{user_id}/orders", "mention", "high"),
        (2, "LineItem.quantity", "mention", "high"),
    }


def test_ordinary_words_in_prose_are_not_mentions() -> None:
    source = "# Pick the quantity of retries; removed in v2 of our own API.\nx = 1\n"
    assert scan_text("a.py", source, TARGETS) == []
    doc = "The `quantity` field of LineItem is deprecated.\n"
    assert [(f.item, f.category) for f in scan_text("README.md", doc, TARGETS)] == [
        ("LineItem.quantity", "mention")
    ]


def test_a_mention_on_a_use_line_is_folded_into_the_use() -> None:
    source = (
        'URL = "https://connect.instacart.com"\n'
        'body = {"line_items": [{"quantity": 1}]}  # LineItem.quantity\n'
    )
    found = [(f.line, f.category) for f in scan_text("a.py", source, TARGETS)]
    assert found == [(2, "use")]
