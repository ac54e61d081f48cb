"""What one fetch produced, in a form the store and the summary can use directly."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum


class FetchStatus(StrEnum):
    OK = "ok"  # 200 with a body
    NOT_MODIFIED = "not_modified"  # 304: the stored copy is current
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    status: FetchStatus
    http_status: int | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    bytes_received: int = 0
    attempts: int = 1
    error: str | None = None

    @property
    def content_hash(self) -> str | None:
        return hashlib.sha256(self.body).hexdigest() if self.body is not None else None
