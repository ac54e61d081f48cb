"""Which URLs may be fetched (pure): http(s) only, the docs host and configured extras,
plain http only for loopback mirrors."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit


class UrlRefused(Exception):
    """The URL breaks the fetch policy; it is never requested."""


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def allowed_hosts(base_url: str, extra: Iterable[str]) -> frozenset[str]:
    return frozenset({host_of(base_url), *(h.lower() for h in extra)})


def check_url(url: str, hosts: frozenset[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UrlRefused(f"{url}: only http and https URLs are fetched")
    host = (parts.hostname or "").lower()
    if host not in hosts:
        allowed = ", ".join(sorted(hosts))
        raise UrlRefused(f"{url}: host {host!r} is not the docs host (allowed: {allowed})")
    if parts.scheme == "http" and not is_loopback(host):
        raise UrlRefused(f"{url}: plain http is only allowed for loopback hosts")
