"""Integration rules from Instacart's API overview, plus secret masking.

- ``insecure_http``: Connect calls over plain HTTP fail; only HTTPS is served.
- ``hardcoded_secret``: a client secret or bearer token written into code.
  Its value is never reported: snippets pass through ``mask_secrets``.
"""

from __future__ import annotations

import re

from .filectx import FileContext, Hit
from .findings import Category, Confidence, RuleKind

_INSECURE = re.compile(r"(?i)\bhttp://(?P<host>[^\s/\"'`?#]*instacart[^\s/\"'`?#]*)")
_SECRET_KEY = (
    r"""(?P<key>["']?\b(?:[\w-]*_)?(?i:client[_-]?secret|access[_-]?token|bearer[_-]?token)"""
    r"""["']?)"""
)
_ASSIGNED = re.compile(
    _SECRET_KEY + r"""\s*(?::=|=>|=|:)\s*(?P<q>["'`]?)(?P<value>[^"'`\s,;)}\]]+)(?P=q)"""
)
_BEARER = re.compile(r"(?i)\bBearer[ \t]+(?P<value>[A-Za-z0-9\-._~+/]{12,}=*)(?![\w${<])")
_INTERPOLATED = re.compile(r"[${}<>%]|^(?:os\.|process\.env|System\.getenv|env\b|ENV\b)")
_PLACEHOLDER_WORDS = re.compile(
    r"(?i)your|xxx|changeme|change_me|example|placeholder|dummy|fake|test|redacted|sample|"
    r"todo|replace|secret_here|token_here|\.\.\.|\*\*\*"
)
MASK = "****"


def is_placeholder(value: str) -> bool:
    """Values that stand for a secret rather than being one."""
    return (
        len(value) < 8
        or bool(_INTERPOLATED.search(value))
        or re.fullmatch(r"[A-Z0-9_]+", value) is not None
        or bool(_PLACEHOLDER_WORDS.search(value))
    )


def _secret_values(line: str) -> list[tuple[int, int]]:
    spans = []
    for m in _ASSIGNED.finditer(line):
        if not _INTERPOLATED.search(m["value"]):
            spans.append(m.span("value"))
    spans.extend(m.span("value") for m in _BEARER.finditer(line))
    return spans


def mask_secrets(line: str) -> str:
    """Replace every secret-looking value (placeholders aside) with ``****``."""
    folded = _folded(line)
    if "secret" not in folded and "token" not in folded and "bearer" not in folded:
        return line  # every key and the bearer pattern need one of these words
    for start, end in sorted(_secret_values(line), reverse=True):
        line = line[:start] + MASK + line[end:]
    return line


def _folded(code: str) -> str:
    """Lower-cased for cheap keyword tests that never miss what the ``(?i)`` regexes match.

    Python's case-insensitive matching also equates ``s`` with the long s.
    """
    lowered = code.lower()
    return lowered.replace("\u017f", "s") if "\u017f" in lowered else lowered


def rule_hits(ctx: FileContext) -> list[Hit]:
    code = ctx.code
    folded = _folded(code)
    hits: list[Hit] = []
    if "http://" in folded:
        hits += _insecure_hits(code)
    if "secret" in folded or "token" in folded or "bearer" in folded:
        hits += _secret_hits(ctx, code)
    return hits


def _insecure_hits(code: str) -> list[Hit]:
    hits: list[Hit] = []
    for m in _INSECURE.finditer(code):
        hits.append(
            Hit(
                m.start(),
                m.end(),
                RuleKind.INSECURE_HTTP,
                f"rule:{RuleKind.INSECURE_HTTP}",
                RuleKind.INSECURE_HTTP,
                Category.USE,
                Confidence.HIGH,
                f"plain HTTP to {m['host']}: Instacart only accepts HTTPS, these requests fail",
            )
        )
    return hits


def _secret_hits(ctx: FileContext, code: str) -> list[Hit]:
    hits: list[Hit] = []
    secret_confidence = Confidence.HIGH if ctx.tied else Confidence.LOW
    quoted_only = ctx.profile.candidates != "words" and ctx.profile.name != "json"
    for m in _ASSIGNED.finditer(code):
        if quoted_only and not m["q"]:
            continue  # code assigns from a variable or a call, not a literal
        if is_placeholder(m["value"]):
            continue
        hits.append(
            _secret(
                m.start("value"),
                m.end("value"),
                secret_confidence,
                f"a value for {m['key'].strip(chr(34) + chr(39))} is written in the file",
            )
        )
    for m in _BEARER.finditer(code):
        if is_placeholder(m["value"]):
            continue
        hits.append(
            _secret(
                m.start("value"),
                m.end("value"),
                secret_confidence,
                "a bearer token is written in the file",
            )
        )
    return hits


def _secret(start: int, end: int, confidence: Confidence, what: str) -> Hit:
    return Hit(
        start,
        end,
        RuleKind.HARDCODED_SECRET,
        f"rule:{RuleKind.HARDCODED_SECRET}",
        RuleKind.HARDCODED_SECRET,
        Category.USE,
        confidence,
        f"{what}; load it from the environment or a secret store (value not shown)",
    )
