"""Changelog pages -> entries, over the markup variations Docusaurus produces."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.extract.changelog import parse_changelog
from monitor.extract.errors import UnrecognisedPage

CASES = Path(__file__).parent / "extract_cases"
URL = "https://docs.instacart.com/connect/api/fulfillment/changelog"
SURFACE = "Connect Fulfillment API"


def page(body: str, title: str = "Changelog") -> str:
    skeleton = (CASES / "skeleton.html").read_text()
    return skeleton.replace("{title}", title).replace("{body}", body)


def heading(level: int, text: str, ident: str) -> str:
    return (
        f'<h{level} class="anchor anchorWithStickyNavbar_LWe7" id="{ident}">{text}'
        f'<a href="#{ident}" class="hash-link" aria-label="Direct link">&#8203;</a></h{level}>'
    )


def test_realistic_page_entries_dates_anchors_and_positions() -> None:
    body = (CASES / "changelog_fulfillment.body.html").read_text()
    entries = parse_changelog(page(body), URL, SURFACE)
    summary = [(e.entry_date, e.position, e.source_url.rsplit("#", 1)[1]) for e in entries]
    assert summary == [
        (date(2026, 5, 12), 0, "may-12-2026"),
        (date(2026, 5, 12), 1, "may-12-2026"),
        (date(2026, 3, 3), 0, "march-3-2026"),
        (date(2026, 3, 3), 1, "march-3-2026"),
        (date(2026, 3, 3), 2, "march-3-2026"),
        (date(2025, 9, 3), 0, "september-3-2025"),
        (date(2024, 11, 18), 0, "november-18-2024"),
    ]
    assert all(e.surface == SURFACE and e.source_url.startswith(URL + "#") for e in entries)
    first = entries[0]
    assert first.breaking is True
    assert first.code_spans == ("user_phone", "phone_number")
    assert first.links == (
        "https://docs.instacart.com/connect/api/fulfillment/lastmile/create_order",
        "https://docs.instacart.com/connect/api/fulfillment/dispatch/create_order",
    )
    assert "\u200b" not in first.text and "  " not in first.text
    assert "<code>user_phone</code>" in first.html
    assert entries[1].breaking is False
    # Two paragraphs in one bullet stay one entry, separated by a space.
    assert entries[4].text.endswith(
        "is deprecated. Fetch orders one at a time with Get an order instead."
    )
    assert entries[4].stable_key == f"{SURFACE}|2026-03-03|2"


def test_year_h2_with_date_h3_and_non_date_headings() -> None:
    body = "".join(
        [
            heading(2, "Overview", "overview"),
            "<p>Intro text that is not an entry.</p>",
            heading(2, "2025", "2025"),
            heading(3, "March 3rd, 2025", "march-3rd-2025"),
            "<ul><li>Entry one</li></ul>",
            heading(3, "2025-01-20", "2025-01-20"),
            "<ul><li>Entry two</li><li>Entry three</li></ul>",
            heading(2, "2024", "2024"),
            "<p>Loose paragraph under a year heading.</p>",
            heading(3, "3 December 2024", "3-december-2024"),
            "<ol><li>Entry four</li></ol>",
        ]
    )
    entries = parse_changelog(page(body), URL, SURFACE)
    assert [(e.text, e.entry_date, e.position) for e in entries] == [
        ("Entry one", date(2025, 3, 3), 0),
        ("Entry two", date(2025, 1, 20), 0),
        ("Entry three", date(2025, 1, 20), 1),
        ("Entry four", date(2024, 12, 3), 0),
    ]


def test_paragraph_entries_and_heading_without_id_gets_slug() -> None:
    body = (
        '<h2 class="anchor">Feb 18, 2025</h2><p>First paragraph entry.</p>'
        '<p>Second paragraph entry with <a href="../ads/api/x">a relative link</a>.</p>'
    )
    entries = parse_changelog(page(body), URL + "#ignored", SURFACE)
    assert [e.text for e in entries] == [
        "First paragraph entry.",
        "Second paragraph entry with a relative link.",
    ]
    assert entries[0].source_url == URL + "#feb-18-2025"
    assert entries[1].links == ("https://docs.instacart.com/connect/api/ads/api/x",)


def test_nested_bullets_belong_to_their_parent_entry() -> None:
    body = heading(2, "February 18, 2025", "february-18-2025") + (
        "<ul><li>Updated the featured product events."
        "<ul><li>Removed <code>rrc</code> and <code>upc</code> from "
        "<code>FeaturedProductEventProperties</code>.</li>"
        "<li>Added <a href='/ads/x'>slot</a>.</li></ul></li>"
        "<li>Another top-level change.</li></ul>"
    )
    entries = parse_changelog(page(body), URL, "Carrot Ads API")
    assert [(e.position, e.text) for e in entries] == [
        (
            0,
            "Updated the featured product events. Removed rrc and upc from "
            "FeaturedProductEventProperties. Added slot.",
        ),
        (1, "Another top-level change."),
    ]
    assert "<ul>" in entries[0].html
    assert entries[0].code_spans == ("rrc", "upc", "FeaturedProductEventProperties")
    assert entries[0].links == ("https://docs.instacart.com/ads/x",)


def test_lead_in_paragraph_carries_context_to_each_bullet() -> None:
    body = heading(2, "April 2, 2025", "april-2-2025") + (
        "<p>The following fields on <code>LineItem</code> are deprecated:</p>"
        "<ul><li><code>quantity</code></li><li><code>unit</code></li></ul>"
        "<p>Unrelated closing paragraph.</p>"
    )
    entries = parse_changelog(page(body), URL, SURFACE)
    assert [e.text for e in entries] == [
        "The following fields on LineItem are deprecated: quantity",
        "The following fields on LineItem are deprecated: unit",
    ]
    assert entries[0].code_spans == ("LineItem", "quantity")
    assert entries[0].html == "<code>quantity</code>"


@pytest.mark.parametrize(
    ("heading_text", "body", "expected"),
    [
        (
            "May 12, 2026",
            "<ul><li><strong>Breaking change:</strong> x</li><li>y</li></ul>",
            [True, False],
        ),
        (
            "May 12, 2026",
            '<ul><li>x <span class="badge badge--danger">Breaking</span></li></ul>',
            [True],
        ),
        ("May 12, 2026 (Breaking change)", "<ul><li>x</li><li>y</li></ul>", [True, True]),
        (
            "May 12, 2026",
            "<ul><li>a</li></ul><p><strong>Breaking change</strong></p><ul><li>b</li></ul>",
            [False, True],
        ),
        ("May 12, 2026", "<ul><li>This is a non-breaking change to x.</li></ul>", [False]),
        (
            "May 12, 2026",
            '<div class="theme-admonition theme-admonition-warning alert"><div'
            ' class="admonitionHeading_X">'
            'Breaking change</div><div class="admonitionContent_Y"><p>Phones must be'
            " E.164.</p></div></div>"
            "<ul><li>Other</li></ul>",
            [True, False],
        ),
        (
            "May 12, 2026",
            "<h3>Breaking changes</h3><ul><li>a</li></ul><h3>Other</h3><ul><li>b</li></ul>",
            [True, False],
        ),
    ],
)
def test_breaking_labels(heading_text: str, body: str, expected: list[bool]) -> None:
    entries = parse_changelog(page(heading(2, heading_text, "d") + body), URL, SURFACE)
    assert [e.breaking for e in entries] == expected


def test_intro_paragraphs_of_bulleted_sections_are_not_entries_unless_they_deprecate() -> None:
    body = heading(2, "March 10, 2026", "d") + (
        "<p>This release is about reporting.</p><ul><li><p>One.</p><p>More on one.</p></li></ul>"
        "<p>The <code>legacy</code> report is deprecated.</p>"
    )
    entries = parse_changelog(page(body), URL, SURFACE)
    assert [(e.position, e.text) for e in entries] == [
        (0, "One. More on one."),
        (1, "The legacy report is deprecated."),
    ]


def test_subheading_text_prefixes_entries() -> None:
    body = (
        heading(2, "May 12, 2026", "d")
        + "<h3>Deprecations</h3><ul><li><code>x</code> on <code>Y</code></li></ul>"
    )
    (entry,) = parse_changelog(page(body), URL, SURFACE)
    assert entry.text == "Deprecations: x on Y"


def test_code_blocks_tabs_and_chrome_are_not_entries() -> None:
    body = heading(2, "May 12, 2026", "d") + (
        "<ul><li>Real entry</li></ul>"
        '<div class="tabs-container"><ul role="tablist"><li role="tab">cURL</li></ul>'
        '<div role="tabpanel"><pre class="prism-code"><code>curl x</code></pre></div></div>'
        "<pre><code>POST /v2/x</code></pre>"
    )
    entries = parse_changelog(page(body), URL, SURFACE)
    assert [e.text for e in entries] == ["Real entry"]


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><div class='navbar'>Docs</div></body></html>",
        "<html><body><article><div class='theme-doc-markdown markdown'>"
        " </div></article></body></html>",
        page("<p>A page with prose but no dated headings.</p>"),
        "",
    ],
)
def test_unrecognisable_pages_raise_the_canary(html: str) -> None:
    with pytest.raises(UnrecognisedPage) as caught:
        parse_changelog(html, URL, SURFACE)
    assert caught.value.url == URL


def test_falls_back_to_main_without_markdown_wrapper() -> None:
    html = (
        "<html><body><nav>June 1, 2020</nav><main><h2 id='a'>Jan 5, 2026</h2>"
        "<ul><li>Entry</li></ul></main><footer>Feb 1, 2026</footer></body></html>"
    )
    (entry,) = parse_changelog(html.encode(), URL, SURFACE)
    assert (entry.entry_date, entry.text) == (date(2026, 1, 5), "Entry")
