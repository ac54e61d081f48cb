"""Registered codebases: validation on the way in, and where each one lives on disk."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.codebases.git import (
    check_no_credentials,
    head_commit,
    looks_like_git_url,
    sync_clone,
)
from monitor.errors import UsageError
from monitor.store.models import Codebase, Finding, ScanRun

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_TEMPLATE_FIELDS = {"path", "line", "commit", "branch"}


@dataclass(frozen=True, slots=True)
class CodebaseSpec:
    name: str
    location: str
    branch: str | None = None
    channel: str | None = None
    owner: str | None = None
    link_template: str | None = None
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()


def add_codebase(session: Session, spec: CodebaseSpec) -> Codebase:
    if not _NAME.match(spec.name):
        raise UsageError(
            f"codebase name {spec.name!r} must start with a letter or digit and use only "
            "letters, digits, '.', '_' and '-' (at most 100 characters)"
        )
    if session.scalars(select(Codebase).where(Codebase.name == spec.name)).first():
        raise UsageError(f"a codebase named {spec.name!r} is already registered")
    is_remote = looks_like_git_url(spec.location)
    location = spec.location
    if is_remote:
        check_no_credentials(location)
    else:
        path = Path(location).expanduser()
        if not path.exists():
            raise UsageError(f"codebase path {path} does not exist")
        if not path.is_dir():
            raise UsageError(f"codebase path {path} is not a directory")
        location = str(path.resolve())
    if spec.branch and not is_remote:
        raise UsageError("--branch applies to git URLs only; a local directory is scanned as is")
    _check_template(spec.link_template)
    codebase = Codebase(
        name=spec.name,
        location=location,
        is_git_remote=is_remote,
        branch=spec.branch,
        channel=_channel(spec.channel),
        owner=spec.owner,
        link_template=spec.link_template,
        include=list(spec.include),
        exclude=list(spec.exclude),
    )
    session.add(codebase)
    session.flush()
    return codebase


def _channel(channel: str | None) -> str | None:
    if channel is None:
        return None
    channel = channel.strip()
    if not channel or " " in channel:
        raise UsageError(f"Slack channel {channel!r} is not a channel name such as #shop-team")
    return channel


def _check_template(template: str | None) -> None:
    if template is None:
        return
    fields = set(re.findall(r"{(\w*)}", template))
    unknown = fields - _TEMPLATE_FIELDS
    if unknown or not template.startswith(("http://", "https://")):
        raise UsageError(
            f"--link-template must be an http(s) URL using only {{path}}, {{line}}, {{commit}} "
            f"and {{branch}}; got {template!r}"
        )


def get_codebase(session: Session, name: str) -> Codebase:
    codebase = session.scalars(select(Codebase).where(Codebase.name == name)).first()
    if codebase is None:
        known = ", ".join(session.scalars(select(Codebase.name).order_by(Codebase.name))) or "none"
        raise UsageError(f"no codebase named {name!r} (registered: {known})")
    return codebase


def list_codebases(session: Session) -> list[Codebase]:
    return list(session.scalars(select(Codebase).order_by(Codebase.name)))


def remove_codebase(session: Session, name: str) -> None:
    session.delete(get_codebase(session, name))


def describe(session: Session, codebase: Codebase) -> dict[str, object]:
    last = session.scalars(
        select(ScanRun).where(ScanRun.codebase_id == codebase.id).order_by(ScanRun.id.desc())
    ).first()
    open_uses = session.scalar(
        select(func.count())
        .select_from(Finding)
        .where(
            Finding.codebase_id == codebase.id,
            Finding.fixed_at.is_(None),
            Finding.category == "use",
            Finding.suppressed.is_(False),
        )
    )
    return {
        "name": codebase.name,
        "location": codebase.location,
        "git": codebase.is_git_remote,
        "branch": codebase.branch,
        "channel": codebase.channel,
        "owner": codebase.owner,
        "link_template": codebase.link_template,
        "include": list(codebase.include),
        "exclude": list(codebase.exclude),
        "last_scan": last.started_at if last else None,
        "last_scan_status": last.status if last else None,
        "last_scan_error": last.error if last else None,
        "open_uses": open_uses or 0,
    }


def checkout_dir(data_dir: Path, codebase: Codebase) -> Path:
    digest = hashlib.sha256(codebase.location.encode()).hexdigest()[:12]
    return data_dir / "checkouts" / f"{codebase.name}-{digest}"


def prepare(codebase: Codebase, data_dir: Path) -> tuple[Path, str | None]:
    """The directory to scan and its commit: clones or updates git remotes first."""
    if codebase.is_git_remote:
        destination = checkout_dir(data_dir, codebase)
        return destination, sync_clone(codebase.location, codebase.branch, destination)
    root = Path(codebase.location)
    if not root.is_dir():
        raise UsageError(f"codebase {codebase.name}: {root} no longer exists or is not a directory")
    return root, head_commit(root)
