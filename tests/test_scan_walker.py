"""The walker against real files on disk: ignore rules, clutter, odd files and links."""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

import pytest

from monitor.scan import walker
from monitor.scan.walker import (
    MAX_LINE_CHARS,
    FileEntry,
    Skipped,
    SkipReason,
    decode_source,
    read_bytes,
    walk,
)


def write(root: Path, rel: str, content: str | bytes = "x = 1\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def run(root: Path, **kwargs: object) -> tuple[set[str], dict[str, SkipReason]]:
    files: set[str] = set()
    skipped: dict[str, SkipReason] = {}
    for item in walk(root, **kwargs):  # type: ignore[arg-type]
        if isinstance(item, FileEntry):
            files.add(item.rel)
        else:
            skipped[item.rel] = item.reason
    return files, skipped


def test_nested_gitignore_with_negation(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "*.log\n!keep.log\ngenerated/\n")
    for rel in ("a.log", "keep.log", "generated/g.py", "src/app.py", "src/debug.log"):
        write(tmp_path, rel)
    write(tmp_path, "src/.gitignore", "secrets.py\n!debug.log\n")
    write(tmp_path, "src/secrets.py")
    write(tmp_path, "src/deeper/secrets.py")  # a pattern without a slash matches at any depth
    write(tmp_path, "other/secrets.py")  # ... but only below the ignore file's folder
    files, skipped = run(tmp_path)
    assert files == {
        ".gitignore",
        "keep.log",
        "src/.gitignore",
        "src/app.py",
        "src/debug.log",
        "other/secrets.py",
    }
    assert skipped == {
        "a.log": SkipReason.GITIGNORED,
        "generated": SkipReason.GITIGNORED,
        "src/secrets.py": SkipReason.GITIGNORED,
        "src/deeper/secrets.py": SkipReason.GITIGNORED,
    }


_IGNORE_LINES = [
    "*.log", "tmp/", "/build", "!keep.log", "node_modules/", "**/*.min.js", "a?c", "[ab]x.txt",
    "foo/**/bar", "docs/*.md", "!docs/keep.md", "*", "!*.py", "\\#hash", "sub/", "*.tar.gz",
    "x/**", "**/cache", "Makefile", "dir/**/*.o", "*~", ".env*", "!.env.example",
]  # fmt: skip
_PATH_PARTS = ["a", "b", "build", "docs", "foo", "bar", "tmp", "sub", "x", "cache", "node_modules"]
_PATH_NAMES = [
    "keep.log", "app.log", "abc", "ax.txt", "cx.txt", "readme.md", "keep.md", "main.py",
    "v.min.js", "f.tar.gz", "Makefile", "m.o", "notes~", ".env", ".env.example", "#hash",
]  # fmt: skip


def test_the_text_every_rule_needs_decides_nothing_on_its_own() -> None:
    """A path the quick text check turns away is one no pattern matches, for random rule
    files and paths: the check may only save the regex, never change a verdict."""
    rng = random.Random(11)
    for _ in range(300):
        lines = rng.sample(_IGNORE_LINES, rng.randint(1, 6))
        rules = walker._Rules(walker.GitIgnoreSpec.from_lines(lines), "", "", None, None)
        quick = walker._Rules(
            rules.spec, "", "", walker._any_rule(rules.spec), walker._needs(rules.spec)
        )
        for _ in range(40):
            parts = rng.choices(_PATH_PARTS, k=rng.randint(0, 3))
            path = "/".join([*parts, rng.choice(_PATH_NAMES + _PATH_PARTS)])
            probe = path + "/" if rng.random() < 0.3 else path
            assert quick.verdict(probe) == rules.verdict(probe), (lines, probe)
        for _ in range(10):  # a whole folder at once: "may not speak" must be a proof
            prefix = "".join(p + "/" for p in rng.choices(_PATH_PARTS, k=rng.randint(0, 2)))
            names = set(rng.sample(_PATH_NAMES + _PATH_PARTS, rng.randint(1, 6)))
            if not quick.may_speak(prefix, names):
                for name in names:
                    for probe in (prefix + name, prefix + name + "/"):
                        assert rules.verdict(probe) is None, (lines, probe)
    assert walker._needs(walker.GitIgnoreSpec.from_lines(["*.log", "tmp/"])) == (".log", "tmp")
    assert walker._needs(walker.GitIgnoreSpec.from_lines(["*.log", "*"])) is None


def test_git_dir_and_info_exclude(tmp_path: Path) -> None:
    write(tmp_path, ".git/config", "[core]\n")
    write(tmp_path, ".git/info/exclude", "local_only.py\n")
    write(tmp_path, "local_only.py")
    write(tmp_path, "main.py")
    files, skipped = run(tmp_path)
    assert files == {"main.py"}
    assert skipped == {"local_only.py": SkipReason.GITIGNORED}


def test_subfolder_of_a_repository_obeys_the_repository_rules(tmp_path: Path) -> None:
    write(tmp_path, ".git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, ".gitignore", "services/api/tmp/\n*.bak\n")
    write(tmp_path, "services/api/app.py")
    write(tmp_path, "services/api/old.bak")
    write(tmp_path, "services/api/tmp/scratch.py")
    files, skipped = run(tmp_path / "services" / "api")
    assert files == {"app.py"}
    assert skipped == {"old.bak": SkipReason.GITIGNORED, "tmp": SkipReason.GITIGNORED}


def test_vendored_code_is_skipped_unless_asked_for(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "vendor/ignored/\n")
    vendored = [
        "node_modules/lib/index.js",
        "vendor/pkg/api.py",
        "third_party/x/y.go",
        "build/out.js",
        "env/pyvenv.cfg",
        "env/lib/mod.py",
    ]
    for rel in [*vendored, "vendor/ignored/z.py", "web/app.min.js", "web/app.js"]:
        write(tmp_path, rel)
    files, skipped = run(tmp_path)
    assert files == {".gitignore", "web/app.js"}
    assert skipped["node_modules"] is SkipReason.VENDORED
    assert skipped["env"] is SkipReason.VENDORED  # a virtualenv under any name
    assert skipped["web/app.min.js"] is SkipReason.GENERATED

    files, skipped = run(tmp_path, include_vendored=True)
    assert set(vendored) <= files
    assert "vendor/ignored" in skipped  # gitignore still applies
    assert "vendor/ignored/z.py" not in files


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    for rel in ("src/a.py", "src/b.ts", "src/gen/c.py", "tests/t.py", "README.md"):
        write(tmp_path, rel)
    files, skipped = run(tmp_path, include=["src/**", "README.md"], exclude=["gen/"])
    assert files == {"src/a.py", "src/b.ts", "README.md"}
    assert skipped["src/gen"] is SkipReason.EXCLUDED
    assert skipped["tests/t.py"] is SkipReason.NOT_INCLUDED


def test_size_cap_and_binary_names_need_no_read(tmp_path: Path) -> None:
    write(tmp_path, "big.py", "x = 1\n" * 400)
    write(tmp_path, "logo.png", b"\x89PNG\r\n")
    write(tmp_path, "small.py")
    files, skipped = run(tmp_path, max_file_bytes=1024)
    assert files == {"small.py"}
    assert skipped == {"big.py": SkipReason.TOO_LARGE, "logo.png": SkipReason.BINARY}


def test_paths_use_forward_slashes(tmp_path: Path) -> None:
    write(tmp_path, "a/b/c/d.py")
    (entry,) = [e for e in walk(tmp_path) if isinstance(e, FileEntry)]
    assert entry.rel == "a/b/c/d.py"
    assert Path(entry.path) == tmp_path / "a" / "b" / "c" / "d.py"


# --- content gate -------------------------------------------------------------------


def test_binary_and_encodings() -> None:
    assert decode_source(b"abc\0def") is SkipReason.BINARY
    assert decode_source("caf\u00e9 = 1\n".encode("latin-1")) is SkipReason.NON_UTF8
    assert decode_source("\ufeffname = 'caf\u00e9'\n".encode()) == "name = 'caf\u00e9'\n"
    assert decode_source("quantity = 2\n".encode("utf-16")) == "quantity = 2\n"


def test_long_lines_and_minified_heads() -> None:
    long_later = "ok\n" * 10 + "x" * (MAX_LINE_CHARS + 1) + "\n"
    assert decode_source(long_later.encode()) is SkipReason.LONG_LINES
    assert decode_source(long_later.encode(), include_vendored=True) is SkipReason.LONG_LINES
    bundle = "var a=1;" * 1000 + "\nmore\n"  # one 8,000-character first line
    assert decode_source(bundle.encode()) is SkipReason.GENERATED
    assert decode_source(bundle.encode(), include_vendored=True) == bundle
    wide_but_normal = "\n".join("y" * 200 for _ in range(300))
    assert decode_source(wide_but_normal.encode()) == wide_but_normal


def test_read_bytes_caps_and_reports(tmp_path: Path) -> None:
    path = write(tmp_path, "f.py", "a" * 5000)
    assert read_bytes(str(path), max_file_bytes=100) is SkipReason.TOO_LARGE
    assert read_bytes(str(path)) == b"a" * 5000
    assert read_bytes(str(tmp_path / "gone.py")) is SkipReason.VANISHED


def test_read_file_gives_the_mtime_and_never_reads_an_oversized_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "f.py", "b" * 300)
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_123_456_789))
    assert walker.read_file(str(path)) == (b"b" * 300, 1_600_000_000_123_456_789)
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    assert walker.read_file(str(path), max_file_bytes=299) is SkipReason.TOO_LARGE
    assert reads == []  # decided from the size alone


def test_a_walk_without_stat_reaches_the_same_verdicts(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "*.log\nbuild_out/\n")
    for rel in ("a.py", "b.log", "build_out/x.py", "src/deep/c.go", "node_modules/m.js"):
        write(tmp_path, rel)
    write(tmp_path, "big.json", "[" + "1," * 400 + "1]")
    write(tmp_path, "app.min.js", "x")
    (tmp_path / "link.py").symlink_to(tmp_path / "a.py")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.sh")
    with_stat = list(walk(tmp_path, max_file_bytes=100))
    without = list(walk(tmp_path, max_file_bytes=100, stat_files=False))
    skips = sorted(item for item in with_stat if isinstance(item, Skipped))
    assert Skipped("big.json", SkipReason.TOO_LARGE) in skips  # only a stat can tell
    assert sorted(item for item in without if isinstance(item, Skipped)) == [
        s for s in skips if s.reason is not SkipReason.TOO_LARGE
    ]
    stat_files = {(e.path, e.rel) for e in with_stat if isinstance(e, FileEntry)}
    unsized = [e for e in without if isinstance(e, FileEntry)]
    assert {(e.path, e.rel) for e in unsized} == stat_files | {
        (str(tmp_path / "big.json"), "big.json")
    }
    assert {(e.size, e.mtime_ns) for e in unsized} == {(-1, -1)}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.sh")
    files, skipped = run(tmp_path)
    assert files == set()
    assert skipped == {"pipe.sh": SkipReason.NOT_REGULAR}
    assert read_bytes(str(tmp_path / "pipe.sh")) is SkipReason.NOT_REGULAR


# --- symlinks -------------------------------------------------------------------------


def test_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    outside = write(tmp_path, "elsewhere/secret.py")
    write(root, "src/real.py")
    (root / "src" / "alias.py").symlink_to(root / "src" / "real.py")
    (root / "src" / "loop").symlink_to(root / "src")
    (root / "up").symlink_to("..")  # the folder holding the root: outside
    (root / "escape.py").symlink_to(outside)
    (root / "escape_dir").symlink_to(outside.parent)
    (root / "broken.py").symlink_to(root / "missing.py")
    (root / "ping").symlink_to("pong")
    (root / "pong").symlink_to("ping")
    files, skipped = run(root)
    assert files == {"src/real.py"}  # scanned once, at its real path
    assert skipped == {
        "src/alias.py": SkipReason.SYMLINK_INSIDE,
        "src/loop": SkipReason.SYMLINK_LOOP,
        "up": SkipReason.SYMLINK_OUTSIDE,
        "escape.py": SkipReason.SYMLINK_OUTSIDE,
        "escape_dir": SkipReason.SYMLINK_OUTSIDE,
        "broken.py": SkipReason.BROKEN_SYMLINK,
        "ping": SkipReason.SYMLINK_LOOP,
        "pong": SkipReason.SYMLINK_LOOP,
    }


def test_root_given_through_a_symlink(tmp_path: Path) -> None:
    write(tmp_path, "real/a.py")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    files, _ = run(tmp_path / "link")
    assert files == {"a.py"}


# --- unreadable entries ---------------------------------------------------------------


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads files whatever their mode; the patched tests below cover this",
)
def test_unreadable_with_real_permissions(tmp_path: Path) -> None:
    write(tmp_path, "locked/inner.py")
    secret = write(tmp_path, "secret.py")
    (tmp_path / "locked").chmod(0)
    secret.chmod(0)
    try:
        files, skipped = run(tmp_path)
        assert files == {"secret.py"}  # listed by the walk, refused when read
        assert skipped == {"locked": SkipReason.UNREADABLE}
        assert read_bytes(str(secret)) is SkipReason.UNREADABLE
    finally:
        (tmp_path / "locked").chmod(0o755)
        secret.chmod(0o644)


def test_unreadable_directory_is_counted_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "locked/inner.py")
    write(tmp_path, "open/fine.py")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(walker.os, "scandir", scandir)
    files, skipped = run(tmp_path)
    assert files == {"open/fine.py"}
    assert skipped == {"locked": SkipReason.UNREADABLE}


def test_unreadable_file_is_a_reason_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "secret.py")

    def deny(*args: object) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(walker.os, "open", deny)
    assert read_bytes(str(path)) is SkipReason.UNREADABLE


def test_skip_counts_by_reason(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "*.tmp\n")
    for index in range(3):
        write(tmp_path, f"t{index}.tmp")
    write(tmp_path, "img.gif", b"GIF89a")
    reasons = Counter(i.reason for i in walk(tmp_path) if isinstance(i, Skipped))
    assert reasons == {SkipReason.GITIGNORED: 3, SkipReason.BINARY: 1}
