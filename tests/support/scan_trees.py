"""Trees on disk for scanner tests: the fixture codebases copied and aged, and how to
compare two scans of them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.scan import runner as runner_module
from monitor.scan.runner import ScanResult
from monitor.scan.walker import FileEntry, Skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "codebases"
OLD = 1_600_000_000_000_000_000  # an mtime far from "just now" (September 2020)


def age(root: Path, when: int = OLD) -> None:
    """Backdate files, then directories (deepest first: touching a child moves its parent),
    so the cache trusts their metadata."""
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if not path.is_symlink():
            os.utime(path, ns=(when, when))
    os.utime(root, ns=(when, when))


def fixture_tree(tmp_path: Path) -> Path:
    """The fixture codebases plus one binary file, aged."""
    root = tmp_path / "code"
    shutil.copytree(FIXTURES, root, ignore=shutil.ignore_patterns("*.json"))
    (root / "assets").mkdir()
    (root / "assets" / "blob.dat").write_bytes(b"\0\1\2" * 10)
    age(root)
    return root


def same_scan(left: ScanResult, right: ScanResult) -> None:
    assert left.findings == right.findings
    assert sorted(left.skipped) == sorted(right.skipped)
    assert left.files_scanned == right.files_scanned
    assert left.bytes_scanned == right.bytes_scanned


def count_walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make the runner's walker record its calls; the list stays empty while scans replay."""
    calls: list[str] = []
    real = runner_module.walk

    def counting(root: Path | str, **kwargs: object) -> Iterator[FileEntry | Skipped]:
        calls.append(str(root))
        return real(root, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner_module, "walk", counting)
    return calls
