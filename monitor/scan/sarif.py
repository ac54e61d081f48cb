"""Findings as a SARIF 2.1.0 log that GitHub code scanning accepts. Pure: no clock, no disk.

Each deprecation becomes one rule (``CM-<id>``) carrying the window and the
replacement in its help text, so the alert page explains itself; each finding
becomes one result with the scanner's fingerprint, so alerts follow code moves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from .findings import Category, Finding, RuleKind
from .report_text import (
    RULE_SUMMARIES,
    DeprecationInfo,
    describe,
    is_rule,
    rule_name,
    sort_findings,
    window_status,
)

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "connect-monitor"
DEFAULT_INFORMATION_URI = "https://pypi.org/project/connect-monitor/"
FINGERPRINT_KEY = "connectMonitor/v1"
SRCROOT = "%SRCROOT%"
RULE_ID_PREFIX = "CM-"

_RULE_HELP = {
    RuleKind.INSECURE_HTTP.value: (
        "InsecureInstacartHttp",
        "Instacart's APIs only answer over HTTPS; a plain http:// URL to an Instacart host "
        "fails (or leaks the bearer token on the way). Switch the URL to https://.",
    ),
    RuleKind.HARDCODED_SECRET.value: (
        "HardcodedInstacartSecret",
        "A client secret or bearer token sits in the source. Anyone with read access can use "
        "it; load it from the environment or a secret store and rotate the exposed value.",
    ),
}


def rule_id(deprecation_id: str) -> str:
    """A stable rule id: ``CM-<deprecation id>``, or ``CM-<rule>`` for integration rules."""
    return RULE_ID_PREFIX + deprecation_id.removeprefix("rule:")


def _pascal(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(w[:1].upper() + w[1:] for w in words)[:80]
    return name or "DeprecatedItem"


def _level(info: DeprecationInfo | None, today: date) -> str:
    if info is None:
        return "warning"
    return "error" if info.is_severe(today) else "warning"


def _deprecation_rule(
    deprecation_id: str, info: DeprecationInfo | None, sample: Finding, today: date
) -> dict[str, Any]:
    if info is None:
        # A finding whose record is gone from the mapping still needs a valid rule.
        text = f"{sample.item} is deprecated ({sample.reason})."
        return {
            "id": rule_id(deprecation_id),
            "name": _pascal(sample.item),
            "shortDescription": {"text": f"Deprecated Instacart item: {sample.item}"},
            "fullDescription": {"text": text},
            "help": {"text": text, "markdown": text},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": ["deprecation", "instacart"]},
        }
    status = window_status(info, today)
    lines = [f"{info.title}.", f"Status: {status}."]
    markdown = [f"**{info.title}**", "", f"- Status: {status}"]
    if info.window_closes_on is not None:
        lines.append(f"Support window closes on {info.window_closes_on.isoformat()}.")
        markdown.append(f"- Support window closes: {info.window_closes_on.isoformat()}")
    if info.replacement:
        lines.append(f"Use instead: {info.replacement}.")
        markdown.append(f"- Use instead: `{info.replacement}`")
    else:
        lines.append("The docs name no replacement.")
        markdown.append("- The docs name no replacement")
    if info.source_url:
        lines.append(f"Details: {info.source_url}")
        markdown.append(f"- Details: [Instacart docs]({info.source_url})")
    tags = ["deprecation", "instacart"]
    if info.surface:
        tags.append(info.surface)
    rule: dict[str, Any] = {
        "id": rule_id(deprecation_id),
        "name": _pascal(info.title),
        "shortDescription": {"text": f"{info.title} ({info.action})"},
        "fullDescription": {"text": " ".join(lines[:2])},
        "help": {"text": "\n".join(lines), "markdown": "\n".join(markdown)},
        "defaultConfiguration": {"level": _level(info, today)},
        "properties": {"tags": tags, "deprecationId": deprecation_id},
    }
    if info.source_url:
        rule["helpUri"] = info.source_url
    return rule


def _integration_rule(name: str) -> dict[str, Any]:
    summary = RULE_SUMMARIES.get(name, f"Instacart integration rule {name}")
    title, explanation = _RULE_HELP.get(name, (_pascal(name), summary + "."))
    return {
        "id": rule_id(name),
        "name": title,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": explanation},
        "help": {"text": explanation, "markdown": explanation},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["security", "instacart"]},
    }


def _result_level(finding: Finding, info: DeprecationInfo | None, today: date) -> str:
    if is_rule(finding):
        return "error"
    if finding.category == Category.MENTION:
        return "note"
    return _level(info, today)


def artifact_uri(path: str) -> str:
    """A relative, ``/``-separated, percent-encoded URI for a scanned path."""
    cleaned = path.replace("\\", "/")
    while cleaned.startswith("./"):
        cleaned = cleaned[2:]
    return quote(cleaned.lstrip("/"), safe="/-._~")


def _root_uri(root: str) -> str:
    """``originalUriBaseIds`` needs an absolute URI ending in ``/``."""
    uri = root if "://" in root else "file://" + quote(root.replace("\\", "/"), safe="/-._~:")
    return uri if uri.endswith("/") else uri + "/"


def _result(
    finding: Finding, index: int, info: DeprecationInfo | None, today: date
) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": finding.line,
        "startColumn": finding.column,
        "endColumn": max(finding.end_column, finding.column + 1),
        "snippet": {"text": finding.snippet},
    }
    result: dict[str, Any] = {
        "ruleId": rule_id(finding.deprecation_id),
        "ruleIndex": index,
        "level": _result_level(finding, info, today),
        "message": {"text": describe(finding, info, today)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(finding.path), "uriBaseId": SRCROOT},
                    "region": region,
                }
            }
        ],
        "properties": {
            "confidence": finding.confidence,
            "category": finding.category,
            "kind": finding.kind,
            "item": finding.item,
            "reason": finding.reason,
        },
    }
    if finding.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if finding.suppressed:
        result["suppressions"] = [
            {"kind": "inSource", "justification": "connect-monitor ignore comment in the source"}
        ]
    return result


def to_sarif(
    findings: Iterable[Finding],
    deprecations: Mapping[str, DeprecationInfo],
    tool_version: str,
    today: date,
    root_uri: str | None = None,
    information_uri: str = DEFAULT_INFORMATION_URI,
) -> dict[str, Any]:
    """One run with a rule per deprecation found plus the integration rules."""
    ordered = sort_findings(findings)
    samples: dict[str, Finding] = {}
    for finding in ordered:
        if not is_rule(finding):
            samples.setdefault(finding.deprecation_id, finding)
    rules = [
        _deprecation_rule(dep_id, deprecations.get(dep_id), samples[dep_id], today)
        for dep_id in sorted(samples)
    ]
    rule_names = set(_RULE_HELP) | {rule_name(f) for f in ordered if is_rule(f)}
    rules += [_integration_rule(name) for name in sorted(rule_names)]
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = []
    for finding in ordered:
        info = None if is_rule(finding) else deprecations.get(finding.deprecation_id)
        results.append(_result(finding, index[rule_id(finding.deprecation_id)], info, today))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "informationUri": information_uri,
                "semanticVersion": tool_version,
                "version": tool_version,
                "rules": rules,
            }
        },
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    if root_uri is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": _root_uri(root_uri)}}
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}
