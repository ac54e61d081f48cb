"""Cloning and updating git codebases with the `git` command, safely.

Shallow, single-branch, no tags; hooks disabled (``core.hooksPath`` points nowhere) so
nothing from a scanned repository ever runs; no terminal prompts; credentials are never
written anywhere by us, and URLs that carry a password are refused rather than stored.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from monitor.errors import RuntimeFailure, UsageError

_GIT_TIMEOUT = 300
_SAFE_CONFIG = ("-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false")


class GitError(RuntimeFailure):
    """git failed (missing command, unreachable remote, unknown branch)."""


def looks_like_git_url(location: str) -> bool:
    if location.startswith(("git@", "ssh://", "git://", "file://")):
        return True
    parts = urlsplit(location)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_no_credentials(url: str) -> None:
    parts = urlsplit(url)
    if parts.password:
        raise UsageError(
            f"the git URL for {parts.hostname} contains a password, which would be stored in "
            "the database: use SSH keys or a git credential helper instead"
        )


def sync_clone(url: str, branch: str | None, destination: Path) -> str:
    """Clone (first time) or fetch and reset (later); return the checked-out commit."""
    check_no_credentials(url)
    if (destination / ".git").is_dir():
        ref = branch or "HEAD"
        _git(["fetch", "--depth", "1", "--no-tags", "origin", ref], cwd=destination, url=url)
        _git(["reset", "--hard", "--quiet", "FETCH_HEAD"], cwd=destination, url=url)
    else:
        if destination.exists():
            shutil.rmtree(destination)
        destination.parent.mkdir(parents=True, exist_ok=True)
        args = ["clone", "--depth", "1", "--single-branch", "--no-tags", "--quiet"]
        if branch:
            args += ["--branch", branch]
        _git([*args, "--", url, str(destination)], cwd=destination.parent, url=url)
    return head_commit(destination) or ""


def head_commit(path: Path) -> str | None:
    """The commit checked out at ``path``, or None when it is not a git work tree."""
    if shutil.which("git") is None:
        return None
    try:
        result = subprocess.run(
            ["git", *_SAFE_CONFIG, "rev-parse", "HEAD"],
            cwd=path,
            capture_output=True,
            text=True,
            timeout=30,
            env=_env(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _git(args: list[str], cwd: Path, url: str) -> None:
    if shutil.which("git") is None:
        raise GitError("the `git` command is not installed; it is needed for git codebases")
    try:
        result = subprocess.run(
            ["git", *_SAFE_CONFIG, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT,
            env=_env(),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} of {url} took longer than {_GIT_TIMEOUT} s") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        message = detail[-1] if detail else f"exit code {result.returncode}"
        raise GitError(f"git {args[0]} of {url} failed: {message}")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "LC_ALL": "C"})
    return env
