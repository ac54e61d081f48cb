"""Slack message limits, in one place so builders, trimming and validation agree.

Documented limits come from Slack's Block Kit reference; the total-text budget is an
observed, undocumented ceiling, so we stay well below it.
"""

from __future__ import annotations

MAX_BLOCKS = 50
"""Slack rejects a message with more than 50 blocks (``invalid_blocks``)."""

MAX_SECTION_TEXT = 3000
"""A section's ``text`` object may hold at most 3000 characters."""

MAX_FIELDS = 10
"""A section may carry at most 10 ``fields``."""

MAX_FIELD_TEXT = 2000
"""Each section field may hold at most 2000 characters."""

MAX_HEADER_TEXT = 150
"""A header block takes plain text only, at most 150 characters."""

MAX_CONTEXT_ELEMENTS = 10
"""A context block shows at most 10 elements."""

MAX_CONTEXT_TEXT = 2000
"""No documented cap per context element; keep it as small as a field so it stays readable."""

MAX_BLOCK_ID = 255
"""``block_id`` values longer than 255 characters are rejected."""

SLACK_TOTAL_TEXT_CEILING = 13_000
"""Around this much text across all blocks Slack answers ``msg_blocks_too_long`` (undocumented)."""

SAFE_TOTAL_TEXT_BUDGET = 12_000
"""What we allow ourselves: a margin under the undocumented ceiling above."""

MAX_FALLBACK_TEXT = 4000
"""Slack recommends keeping the top-level ``text`` (notification fallback) under 4000 characters."""

MAX_LOCATIONS_PER_CODEBASE = 5
"""An alert lists a few ``file:line`` links per codebase; the full list belongs in the report."""

ELLIPSIS = "…"
"""Appended to anything we shorten, so readers can tell text was cut."""
