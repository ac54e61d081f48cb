"""Baselines: accept today's findings so CI fails only on new ones.

A baseline stores fingerprints, which ignore line numbers, so editing code
above an accepted finding does not make it "new". Path and item sit next to
each print only so a person reviewing the file knows what was accepted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor.errors import UsageError

from .findings import Finding
from .report_text import sort_findings

BASELINE_VERSION = 1


class BaselineError(UsageError):
    """The baseline file cannot be used; the message names the file."""


def baseline_document(findings: Iterable[Finding], generated_at: datetime) -> dict[str, Any]:
    """The JSON content of a baseline, sorted so rewriting it gives a quiet diff."""
    entries = []
    seen: set[str] = set()
    for finding in sort_findings(findings):
        if not finding.fingerprint:
            raise ValueError(f"{finding.path}:{finding.line}: finding has no fingerprint")
        if finding.fingerprint in seen:
            continue
        seen.add(finding.fingerprint)
        entries.append(
            {
                "fingerprint": finding.fingerprint,
                "path": finding.path,
                "item": finding.item,
                "deprecation_id": finding.deprecation_id,
            }
        )
    return {
        "version": BASELINE_VERSION,
        "generated_at": generated_at.isoformat(),
        "findings": entries,
    }


def write_baseline(path: Path, findings: Iterable[Finding], generated_at: datetime) -> None:
    """Write atomically: a crash mid-write must not leave CI with half a baseline."""
    text = json.dumps(baseline_document(findings, generated_at), indent=2) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def parse_baseline(text: str, name: str) -> set[str]:
    """The fingerprints in a baseline document; ``name`` labels errors."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline {name} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BaselineError(f"baseline {name}: expected a JSON object")
    if data.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"baseline {name}: version {data.get('version')!r} is not {BASELINE_VERSION}; "
            "regenerate it with --write-baseline"
        )
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"baseline {name}: 'findings' must be a list")
    prints: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        value = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(value, str) or not value:
            raise BaselineError(f"baseline {name}: entry {position} has no fingerprint")
        prints.add(value)
    return prints


def load_baseline(path: Path) -> set[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BaselineError(f"baseline {path} does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"baseline {path} cannot be read: {exc}") from exc
    return parse_baseline(text, str(path))


def new_since(findings: Iterable[Finding], baseline: set[str]) -> list[Finding]:
    """Findings whose fingerprint the baseline does not hold, in report order."""
    return [f for f in sort_findings(findings) if f.fingerprint not in baseline]
