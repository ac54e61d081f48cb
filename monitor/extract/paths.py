"""HTTP method + path templates in the one notation records use: ``POST /v2/users/{user_id}``.

Pages write paths with hosts (``https://<instacart_domain>/v2/...``), ``:param``
or ``<param>`` placeholders and trailing punctuation; normalising them here
lets changelog text, reference pages and live endpoints be compared exactly.
"""

from __future__ import annotations

import re

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_HOST = r"(?:https?://[^\s/'\"`]+|<[^>\s]+>|\{\{?[^}\s]+\}?\}|\$\{?[A-Za-z_]+\}?)"
ENDPOINT_RE = re.compile(
    r"\b(?P<method>GET|POST|PUT|PATCH|DELETE)\b[ \t]+[\"'`]?"
    + _HOST
    + r"?(?P<path>/[A-Za-z0-9_\-./{}<>:~%]*)"
)
_COLON_PARAM_RE = re.compile(r"/:([A-Za-z_]\w*)")
_ANGLE_PARAM_RE = re.compile(r"<([A-Za-z_]\w*)>")
_DOUBLE_BRACE_RE = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")
_PATH_ONLY_RE = re.compile(r"^" + _HOST + r"?(/[A-Za-z0-9_\-./{}<>:~%]*)$")


def normalise_path(raw: str) -> str:
    """``https://x/v2/a/:id/b/`` -> ``/v2/a/{id}/b``; strips query strings and punctuation."""
    path = raw.split("?", maxsplit=1)[0].split("#", maxsplit=1)[0].strip().rstrip(".,;:)'\"`")
    path = re.sub(r"^" + _HOST, "", path)
    path = _DOUBLE_BRACE_RE.sub(r"{\1}", path)
    path = _COLON_PARAM_RE.sub(r"/{\1}", path)
    path = _ANGLE_PARAM_RE.sub(r"{\1}", path)
    if len(path) > 1:
        path = path.rstrip("/")
    return path


def endpoint(method: str, path: str) -> str:
    """The item notation for an endpoint."""
    return f"{method.upper()} {normalise_path(path)}"


def find_endpoints(text: str) -> list[tuple[int, int, str]]:
    """Every ``METHOD /path`` written in ``text`` as ``(start, end, item)``."""
    found = []
    for match in ENDPOINT_RE.finditer(text):
        path = normalise_path(match["path"])
        if len(path) > 1:
            found.append((match.start(), match.end(), endpoint(match["method"], path)))
    return found


def bare_path(text: str) -> str | None:
    """The normalised path when ``text`` is nothing but a (possibly hosted) path."""
    match = _PATH_ONLY_RE.match(text.strip())
    if match is None:
        return None
    path = normalise_path(match.group(1))
    return path if len(path) > 1 and "/" in path[1:] else None
