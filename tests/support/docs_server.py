"""A local stand-in for docs.instacart.com, with caching headers and injectable faults.

Crawler tests need the real HTTP behaviour (conditional requests, redirects, broken
connections) without the internet, so this serves the fixture site from a directory
with the stdlib server in a background thread.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE_SITE = FIXTURES / "docs"
EXPECTED_LABELS = FIXTURES / "docs_expected.json"
PUBLIC_HOST = "https://docs.instacart.com"
ANY_PATH = "*"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_CHUNK = 64 * 1024
SETTLE_SECONDS = 2.0


class FaultKind(StrEnum):
    SERVER_ERROR = "server_error"
    RATE_LIMITED = "rate_limited"
    SLOW = "slow"
    TRUNCATED = "truncated"
    REDIRECT = "redirect"
    OVERSIZED = "oversized"
    RESET = "reset"


@dataclass(frozen=True, slots=True)
class Fault:
    """One misbehaviour; build it with the named constructors."""

    kind: FaultKind
    seconds: float = 0.0
    location: str = ""
    megabytes: float = 0.0
    declare_length: bool = True

    @classmethod
    def server_error(cls) -> Fault:
        return cls(FaultKind.SERVER_ERROR)

    @classmethod
    def rate_limited(cls, retry_after: int = 1) -> Fault:
        return cls(FaultKind.RATE_LIMITED, seconds=retry_after)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Wait, then answer normally (for client timeouts)."""
        return cls(FaultKind.SLOW, seconds=seconds)

    @classmethod
    def truncated(cls) -> Fault:
        """Promise the full Content-Length, send half the body, hang up."""
        return cls(FaultKind.TRUNCATED)

    @classmethod
    def redirect(cls, location: str) -> Fault:
        """302 to a path on this server or to another host."""
        return cls(FaultKind.REDIRECT, location=location)

    @classmethod
    def oversized(cls, megabytes: float, *, declare_length: bool = True) -> Fault:
        """A valid 200 of this many MB; without a Content-Length it ends when the socket closes."""
        return cls(FaultKind.OVERSIZED, megabytes=megabytes, declare_length=declare_length)

    @classmethod
    def reset(cls) -> Fault:
        """Read the request, then drop the connection with a TCP reset and no response."""
        return cls(FaultKind.RESET)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str  # as requested, query string included
    headers: dict[str, str]  # lower-cased names
    status: int  # 0 when the connection was dropped without a response
    bytes_sent: int  # body bytes only
    fault: FaultKind | None = None


@dataclass
class _Pending:
    fault: Fault
    left: int


@dataclass
class _State:
    root: Path
    base_url: str = ""
    lock: threading.Condition = field(default_factory=threading.Condition)
    requests: list[RecordedRequest] = field(default_factory=list)
    in_flight: int = 0
    faults: dict[str, list[_Pending]] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for key in (path, ANY_PATH):
                queue = self.faults.get(key, [])
                if queue:
                    pending = queue[0]
                    pending.left -= 1
                    if pending.left == 0:
                        queue.pop(0)
                    return pending.fault
        return None


def file_for(root: Path, url_path: str) -> Path | None:
    """Map a URL path to a file inside root, as the real site's URLs are laid out."""
    if url_path == "/":
        candidate = root / "index.html"
    elif url_path == "/robots.txt" or (url_path.endswith(".xml") and url_path.count("/") == 1):
        candidate = root / url_path.lstrip("/")
    elif url_path.endswith("/") or "." in url_path.rsplit("/", 1)[-1]:
        return None
    else:
        candidate = root / (url_path.lstrip("/") + ".html")
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root.resolve()) or not resolved.is_file():
        return None
    return resolved


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def is_not_modified(headers: dict[str, str], etag: str, mtime: int) -> bool:
    """RFC 9110: If-None-Match, when present, decides alone; else If-Modified-Since."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = headers.get("if-modified-since")
    if since:
        try:
            return mtime <= int(parsedate_to_datetime(since).timestamp())
        except (TypeError, ValueError):
            return False
    return False


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Keep pytest output clean; the request log is in .requests."""

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    # bookkeeping: what actually went out, even when the client hangs up mid-way
    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self._sent += len(data)

    def _answer(self, *, send_body: bool) -> None:
        state = self.server.state
        self._status, self._sent = 0, 0
        self._send_body = send_body
        path = urlsplit(self.path).path
        headers = {k.lower(): v for k, v in self.headers.items()}
        fault = state.take_fault(path)
        with state.lock:
            state.in_flight += 1
        try:
            if fault is None:
                self._serve_file(path, headers)
            elif fault.kind is FaultKind.SLOW:
                if not state.stopping.wait(fault.seconds):
                    self._serve_file(path, headers)
            else:
                self._misbehave(fault)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            record = RecordedRequest(
                self.command,
                self.path,
                headers,
                self._status,
                self._sent,
                fault.kind if fault else None,
            )
            with state.lock:
                state.requests.append(record)
                state.in_flight -= 1
                state.lock.notify_all()

    def _serve_file(self, path: str, headers: dict[str, str]) -> None:
        state = self.server.state
        target = file_for(state.root, path)
        if target is None:
            self._send_simple(404, b"Not found\n")
            return
        body = target.read_bytes()
        if target.suffix in (".xml", ".txt"):
            body = body.replace(PUBLIC_HOST.encode(), state.base_url.encode())
        etag = etag_for(body)
        mtime = int(target.stat().st_mtime)
        validators = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
        if is_not_modified(headers, etag, mtime):
            self.send_response(304)
            for name, value in validators.items():
                self.send_header(name, value)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", _TYPES.get(target.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        for name, value in validators.items():
            self.send_header(name, value)
        self.end_headers()
        if self._send_body:
            self._write(body)

    def _send_simple(self, status: int, body: bytes, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self._send_body:
            self._write(body)

    def _misbehave(self, fault: Fault) -> None:
        kind = fault.kind
        if kind is FaultKind.SERVER_ERROR:
            self._send_simple(500, b"Internal Server Error\n")
        elif kind is FaultKind.RATE_LIMITED:
            self._send_simple(429, b"Too Many Requests\n", {"Retry-After": str(int(fault.seconds))})
        elif kind is FaultKind.REDIRECT:
            self._send_simple(302, b"Found\n", {"Location": fault.location})
        elif kind is FaultKind.TRUNCATED:
            self._truncate()
        elif kind is FaultKind.OVERSIZED:
            self._stream_oversized(fault)
        else:
            self._reset()

    def _truncate(self) -> None:
        body = b"<!doctype html><html><body>" + b"<p>cut short</p>" * 512 + b"</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", _TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.close_connection = True
        if self._send_body:
            self._write(body[: len(body) // 2])

    def _stream_oversized(self, fault: Fault) -> None:
        head, tail = b"<!doctype html><html><body><!--", b"--></body></html>"
        filler = max(int(fault.megabytes * 1024 * 1024) - len(head) - len(tail), 0)
        self.send_response(200)
        self.send_header("Content-Type", _TYPES[".html"])
        if fault.declare_length:
            self.send_header("Content-Length", str(len(head) + filler + len(tail)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not self._send_body:
            return
        self._write(head)
        chunk = b"x" * _CHUNK
        while filler > 0 and not self.server.state.stopping.is_set():
            piece = chunk[: min(filler, _CHUNK)]
            self._write(piece)
            filler -= len(piece)
        self._write(tail)

    def _reset(self) -> None:
        """SO_LINGER 0 makes close() send RST instead of a polite FIN."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a slow fault must not hold up stop()

    def __init__(self, state: _State) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class DocsServer:
    """Serves a copy of the docs site on 127.0.0.1; use as a context manager."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._state = _State(self.root)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------
    def start(self) -> DocsServer:
        self._server = _Server(self._state)
        host, port = self._server.server_address[:2]
        self._state.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> DocsServer:
        return self.start() if self._server is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # inspection -------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if not self._state.base_url:
            raise RuntimeError("server not started")
        return self._state.base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def requests(self) -> list[RecordedRequest]:
        """Requests so far; waits briefly for handlers still writing their response.

        A client can hold the whole response before the handler thread logs it, so
        reading the log right after a request would otherwise race.
        """
        with self._state.lock:
            self._state.lock.wait_for(lambda: self._state.in_flight == 0, timeout=SETTLE_SECONDS)
            return list(self._state.requests)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if urlsplit(r.path).path == path]

    def clear_requests(self) -> None:
        with self._state.lock:
            self._state.requests.clear()

    # faults -----------------------------------------------------------------
    def inject(self, path: str, fault: Fault, times: int = 1) -> None:
        """Misbehave on the next `times` requests for path (or ANY_PATH), then serve normally."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._state.lock:
            self._state.faults.setdefault(path, []).append(_Pending(fault, times))

    def clear_faults(self) -> None:
        with self._state.lock:
            self._state.faults.clear()

    # editing the site ---------------------------------------------------------
    def page_file(self, path: str) -> Path:
        return self.root / ("index.html" if path == "/" else path.lstrip("/") + ".html")

    def touch(self, path: str, new_html: str | None = None) -> Path:
        """Replace (or just re-date) a page; the mtime always moves forward by >= 1 s.

        Last-Modified has one-second resolution, so an edit within the same second
        would otherwise look unchanged to If-Modified-Since.
        """
        target = self.page_file(path)
        old = target.stat().st_mtime if target.exists() else 0.0
        if new_html is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(new_html, encoding="utf-8")
        stamp = max(time.time(), old + 1)
        os.utime(target, (stamp, stamp))
        return target

    def remove(self, path: str) -> None:
        """Delete a page so it answers 404 (the sitemap is left as it is)."""
        self.page_file(path).unlink()


def copy_site(dest: Path, source: Path = FIXTURE_SITE) -> Path:
    """A private copy of the fixture site that a test may edit freely."""
    target = Path(dest) / "docs"
    shutil.copytree(source, target)
    return target


def start_docs_server(root: Path) -> DocsServer:
    """Start serving root; the caller must call .stop() (or use `with`)."""
    return DocsServer(root).start()
