"""A local stand-in for Slack's Web API and incoming webhooks, for tests.

Real slack-sdk clients talk to it over HTTP on 127.0.0.1, so retries, timeouts and
error handling are exercised for real. It checks the bearer token, validates Block Kit
the way Slack does (with Slack's own limits, independent of ``monitor.notify``), records
every request, and can be scripted to answer with rate limits, server errors, Slack error
codes, hangs, or a full outage.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Slack's published Block Kit limits (deliberately not imported from monitor.notify).
SLACK_MAX_BLOCKS = 50
SLACK_SECTION_TEXT = 3000
SLACK_MAX_FIELDS = 10
SLACK_FIELD_TEXT = 2000
SLACK_HEADER_TEXT = 150
SLACK_CONTEXT_ELEMENTS = 10
SLACK_TOTAL_BLOCK_TEXT = 13_000
SLACK_MAX_TEXT = 40_000
BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "video",
    }
)
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
_WEBHOOK_STATUS = {
    "invalid_payload": 400,
    "no_text": 400,
    "invalid_blocks": 400,
    "msg_blocks_too_long": 400,
    "action_prohibited": 403,
    "invalid_token": 403,
    "posting_to_general_channel_denied": 403,
    "channel_not_found": 404,
    "no_service": 404,
    "channel_is_archived": 410,
}


# ------------------------------------------------------------------ scripted replies


@dataclass(frozen=True)
class Reply:
    """One scripted answer. ``kind``: pass (handle normally), raw (fixed answer), hang."""

    kind: str = "pass"
    status: int = 200
    error: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    hang_seconds: float | None = None

    @classmethod
    def ok(cls) -> Reply:
        return cls()

    @classmethod
    def fail(cls, error: str) -> Reply:
        """A Slack error code, answered the way each endpoint type does."""
        return cls(kind="raw", error=error)

    @classmethod
    def rate_limited(cls, retry_after: int = 1) -> Reply:
        return cls(
            kind="raw",
            status=429,
            error="ratelimited",
            headers=(("Retry-After", str(retry_after)),),
        )

    @classmethod
    def http(cls, status: int) -> Reply:
        return cls(kind="raw", status=status)

    @classmethod
    def hang(cls, seconds: float | None = None) -> Reply:
        return cls(kind="hang", hang_seconds=seconds)


def as_reply(spec: str | int | Reply) -> Reply:
    """Shorthands: "ok", "ratelimited"/429, 500/"http_503", "hang", or any Slack error code."""
    if isinstance(spec, Reply):
        return spec
    text = str(spec).strip().lower()
    if text == "ok":
        return Reply.ok()
    if text in {"ratelimited", "rate_limited", "429"}:
        return Reply.rate_limited()
    if text == "hang":
        return Reply.hang()
    status = text.removeprefix("http_")
    if status.isdigit():
        return Reply.http(int(status))
    return Reply.fail(text)


# --------------------------------------------------------------------- records


@dataclass(frozen=True)
class RecordedRequest:
    http_method: str
    path: str
    api_method: str  # "chat.postMessage", "webhook", "upload", ...
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes
    at: float  # time.monotonic() when received


@dataclass(frozen=True)
class PostedMessage:
    channel: str | None
    text: str | None
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    ts: str | None
    via: str  # "api" or "webhook"


@dataclass(frozen=True)
class Upload:
    file_id: str
    filename: str
    title: str | None
    content: bytes
    channel: str | None
    initial_comment: str | None


@dataclass
class _Answer:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------- block validation


def _text_object_problems(obj: Any, where: str, limit: int, plain_only: bool) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in {"plain_text", "mrkdwn"}:
        return [f"[ERROR] must be a text object [json-pointer:{where}]"]
    if plain_only and obj["type"] != "plain_text":
        return [f"[ERROR] must be plain_text [json-pointer:{where}/type]"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"[ERROR] must be more than 0 characters [json-pointer:{where}/text]"]
    if len(text) > limit:
        return [f"[ERROR] must be less than {limit + 1} characters [json-pointer:{where}/text]"]
    if "emoji" in obj and obj["type"] != "plain_text":
        return [f"[ERROR] emoji is only for plain_text [json-pointer:{where}/emoji]"]
    extra = set(obj) - {"type", "text", "emoji", "verbatim"}
    if extra:
        return [f"[ERROR] unexpected keys {sorted(extra)} [json-pointer:{where}]"]
    return []


def _block_problems(block: Any, where: str) -> list[str]:
    if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
        return [f"[ERROR] unknown or missing block type [json-pointer:{where}]"]
    kind = block["type"]
    problems: list[str] = []
    if kind == "header":
        problems += _text_object_problems(
            block.get("text"), f"{where}/text", SLACK_HEADER_TEXT, True
        )
    elif kind == "section":
        if "text" not in block and "fields" not in block:
            problems.append(f"[ERROR] section needs text or fields [json-pointer:{where}]")
        if "text" in block:
            problems += _text_object_problems(
                block["text"], f"{where}/text", SLACK_SECTION_TEXT, False
            )
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or not fields or len(fields) > SLACK_MAX_FIELDS:
                problems.append(f"[ERROR] must have 1 to 10 items [json-pointer:{where}/fields]")
            else:
                for n, item in enumerate(fields):
                    problems += _text_object_problems(
                        item, f"{where}/fields/{n}", SLACK_FIELD_TEXT, False
                    )
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            problems.append(f"[ERROR] must have items [json-pointer:{where}/elements]")
        elif len(elements) > SLACK_CONTEXT_ELEMENTS:
            problems.append(f"[ERROR] must have at most 10 items [json-pointer:{where}/elements]")
        else:
            for n, item in enumerate(elements):
                if isinstance(item, dict) and item.get("type") == "image":
                    continue
                problems += _text_object_problems(
                    item, f"{where}/elements/{n}", SLACK_SECTION_TEXT, False
                )
    elif kind == "divider" and set(block) - {"type", "block_id"}:
        problems.append(f"[ERROR] divider takes no content [json-pointer:{where}]")
    return problems


def _all_text(node: Any) -> int:
    """Characters in every ``text`` string, however deeply nested."""
    if isinstance(node, dict):
        return sum(
            len(v) if k == "text" and isinstance(v, str) else _all_text(v) for k, v in node.items()
        )
    if isinstance(node, list):
        return sum(_all_text(v) for v in node)
    return 0


def check_blocks(blocks: Any) -> tuple[str | None, list[str]]:
    """Slack's verdict on ``blocks``: (error code or None, detail messages)."""
    if not isinstance(blocks, list):
        return "invalid_blocks_format", ["[ERROR] blocks must be an array"]
    if len(blocks) > SLACK_MAX_BLOCKS:
        return "invalid_blocks", ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]
    problems: list[str] = []
    for n, block in enumerate(blocks):
        problems += _block_problems(block, f"/blocks/{n}")
    if problems:
        return "invalid_blocks", problems
    if _all_text(blocks) > SLACK_TOTAL_BLOCK_TEXT:
        return "msg_blocks_too_long", []
    return None, []


# ------------------------------------------------------------------------ server


class FakeSlack:
    """Fake Slack on 127.0.0.1:<random port>; use as a context manager."""

    def __init__(
        self,
        valid_token: str = "test-bot-token",
        *,
        channels: dict[str, str] | None = None,
        hang_seconds: float = 10.0,
        webhook_channel: str = "C0WEBHOOK",
    ) -> None:
        self.valid_token = valid_token
        self.hang_seconds = hang_seconds
        self.webhook_channel = webhook_channel
        self._channels = dict(
            channels or {"alerts": "C0ALERTS", "deprecations": "C0DEPRECS", "ops": "C0OPSTEAM"}
        )
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._requests: list[RecordedRequest] = []
        self._messages: list[PostedMessage] = []
        self._uploads: list[Upload] = []
        self._pending_files: dict[str, dict[str, Any]] = {}
        self._scripts: dict[tuple[str, str | None], deque[Reply]] = {}
        self._outage: int | None = None
        self._counter = 0
        self._ts_base = int(time.time())
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    def start(self) -> FakeSlack:
        self._release.clear()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()  # let hanging handlers finish now
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "FakeSlack is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """What to pass as ``WebClient(base_url=...)``."""
        return self.base_url + "/api/"

    @property
    def webhook_url(self) -> str:
        return self.base_url + "/webhook/T000/B000/XXXX"

    # -- scripting
    def script(
        self, method: str, *responses: str | int | Reply, channel: str | None = None
    ) -> None:
        """Queue answers for the next calls of ``method`` (optionally only for ``channel``)."""
        with self._lock:
            queue = self._scripts.setdefault((method, channel), deque())
            queue.extend(as_reply(r) for r in responses)

    def set_outage(self, on: bool, status: int = 503) -> None:
        """While on, every request fails with ``status``."""
        with self._lock:
            self._outage = status if on else None

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._messages.clear()
            self._uploads.clear()
            self._pending_files.clear()
            self._scripts.clear()
            self._outage = None

    # -- observations (copies, safe to read while the server runs)
    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def messages(self) -> list[PostedMessage]:
        with self._lock:
            return list(self._messages)

    @property
    def uploads(self) -> list[Upload]:
        with self._lock:
            return list(self._uploads)

    def calls(self, api_method: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.api_method == api_method]

    # -- internals used by the handler
    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_reply(self, method: str, channel: str | None) -> Reply:
        with self._lock:
            if self._outage is not None:
                return Reply.http(self._outage)
            for key in ((method, channel), (method, None)):
                queue = self._scripts.get(key)
                if queue:
                    return queue.popleft()
        return Reply.ok()

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            self._counter += 1
            return f"{prefix}{self._counter:08d}"

    def _next_ts(self) -> str:
        with self._lock:
            self._counter += 1
            n = self._counter
        return f"{self._ts_base + n // 1_000_000}.{n % 1_000_000:06d}"

    def _resolve_channel(self, value: Any) -> str | None:
        name = str(value or "").strip().lstrip("#")
        with self._lock:
            if name in self._channels:
                return self._channels[name]
            if name in self._channels.values():
                return name
        return None

    def add_channel(self, name: str, channel_id: str) -> None:
        """Make another channel exist (and the bot a member of it)."""
        if not _CHANNEL_ID.match(channel_id):
            raise ValueError(f"not a channel ID: {channel_id!r}")
        with self._lock:
            self._channels[name] = channel_id

    def _channel_list(self) -> list[dict[str, Any]]:
        with self._lock:
            pairs = sorted(self._channels.items())
        return [
            {"id": cid, "name": name, "is_channel": True, "is_member": True, "is_archived": False}
            for name, cid in pairs
        ]

    # -- endpoint logic: each returns an _Answer
    def _handle_api(self, method: str, body: dict[str, Any], headers: dict[str, str]) -> _Answer:
        auth = headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        token = token or body.get("token")
        if not token:
            return _Answer(200, {"ok": False, "error": "not_authed"})
        if token != self.valid_token:
            return _Answer(200, {"ok": False, "error": "invalid_auth"})
        handler = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "conversations.list": lambda _b: _Answer(
                200,
                {
                    "ok": True,
                    "channels": self._channel_list(),
                    "response_metadata": {"next_cursor": ""},
                },
            ),
            "conversations.info": self._conversation_info,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }.get(method)
        if handler is None:
            return _Answer(200, {"ok": False, "error": "unknown_method"})
        return handler(body)

    def _auth_test(self, _body: dict[str, Any]) -> _Answer:
        return _Answer(
            200,
            {
                "ok": True,
                "url": "https://fake-workspace.example/",
                "team": "Fake Workspace",
                "user": "connect-monitor",
                "team_id": "T000FAKE",
                "user_id": "U000FAKE",
                "bot_id": "B000FAKE",
            },
        )

    def _conversation_info(self, body: dict[str, Any]) -> _Answer:
        channel = self._resolve_channel(body.get("channel"))
        if channel is None:
            return _Answer(200, {"ok": False, "error": "channel_not_found"})
        info = next(c for c in self._channel_list() if c["id"] == channel)
        return _Answer(200, {"ok": True, "channel": info})

    def _message_problem(self, body: dict[str, Any]) -> _Answer | None:
        blocks = body.get("blocks")
        if isinstance(blocks, str):
            try:
                blocks = json.loads(blocks)
            except ValueError:
                return _Answer(200, {"ok": False, "error": "invalid_blocks_format"})
            body["blocks"] = blocks
        text = body.get("text")
        if not text and not blocks:
            return _Answer(200, {"ok": False, "error": "no_text"})
        if isinstance(text, str) and len(text) > SLACK_MAX_TEXT:
            return _Answer(200, {"ok": False, "error": "msg_too_long"})
        if blocks:
            error, details = check_blocks(blocks)
            if error:
                answer: dict[str, Any] = {"ok": False, "error": error}
                if details:
                    answer["response_metadata"] = {"messages": details}
                return _Answer(200, answer)
        return None

    def _post_message(self, body: dict[str, Any]) -> _Answer:
        channel = self._resolve_channel(body.get("channel"))
        if channel is None:
            return _Answer(200, {"ok": False, "error": "channel_not_found"})
        problem = self._message_problem(body)
        if problem is not None:
            return problem
        ts = self._next_ts()
        thread_ts = body.get("thread_ts") or None
        blocks = body.get("blocks") or []
        with self._lock:
            self._messages.append(
                PostedMessage(channel, body.get("text"), blocks, thread_ts, ts, "api")
            )
        message = {"type": "message", "user": "U000FAKE", "bot_id": "B000FAKE", "ts": ts}
        message.update({"text": body.get("text") or "", "blocks": blocks})
        if thread_ts:
            message["thread_ts"] = thread_ts
        return _Answer(200, {"ok": True, "channel": channel, "ts": ts, "message": message})

    def _get_upload_url(self, body: dict[str, Any]) -> _Answer:
        filename, length = body.get("filename"), str(body.get("length", ""))
        if not filename or not length.isdigit():
            return _Answer(200, {"ok": False, "error": "invalid_arguments"})
        file_id = self._next_id("F")
        with self._lock:
            self._pending_files[file_id] = {"filename": filename, "length": int(length)}
        return _Answer(
            200,
            {"ok": True, "file_id": file_id, "upload_url": f"{self.base_url}/upload/{file_id}"},
        )

    def _receive_upload(self, path: str, raw: bytes) -> _Answer:
        file_id = path.rsplit("/", 1)[-1]
        with self._lock:
            pending = self._pending_files.get(file_id)
            if pending is None:
                return _Answer(404, "Not Found")
            pending["content"] = raw
        return _Answer(200, f"OK - {len(raw)}")

    def _complete_upload(self, body: dict[str, Any]) -> _Answer:
        try:
            files = json.loads(body.get("files") or "[]")
        except ValueError:
            return _Answer(200, {"ok": False, "error": "invalid_arguments"})
        channel: str | None = None
        if body.get("channel_id"):
            channel = self._resolve_channel(body["channel_id"])
            if channel is None:
                return _Answer(200, {"ok": False, "error": "channel_not_found"})
        done: list[Upload] = []
        with self._lock:
            for item in files:
                pending = self._pending_files.get(str(item.get("id")))
                if pending is None or "content" not in pending:
                    return _Answer(200, {"ok": False, "error": "file_not_found"})
                done.append(
                    Upload(
                        file_id=str(item["id"]),
                        filename=pending["filename"],
                        title=item.get("title"),
                        content=pending["content"],
                        channel=channel,
                        initial_comment=body.get("initial_comment"),
                    )
                )
            self._uploads.extend(done)
        described = [
            {"id": u.file_id, "name": u.filename, "title": u.title, "size": len(u.content)}
            for u in done
        ]
        return _Answer(200, {"ok": True, "files": described})

    def _handle_webhook(self, path: str, body: dict[str, Any]) -> _Answer:
        parts = [p for p in path.split("/")[2:] if p]
        if len(parts) != 3:
            return _Answer(404, "no_service")
        if not isinstance(body, dict) or not body:
            return _Answer(400, "invalid_payload")
        problem = self._message_problem(body)
        if problem is not None:
            assert isinstance(problem.body, dict)
            error = str(problem.body["error"])
            return _Answer(_WEBHOOK_STATUS.get(error, 400), error)
        with self._lock:
            self._messages.append(
                PostedMessage(
                    self.webhook_channel,
                    body.get("text"),
                    body.get("blocks") or [],
                    None,
                    None,
                    "webhook",
                )
            )
        return _Answer(200, "ok")


def _parse_body(headers: dict[str, str], raw: bytes, query: str) -> dict[str, Any]:
    body: dict[str, Any] = dict(parse_qsl(query))
    ctype = headers.get("content-type", "")
    if not raw:
        return body
    if ctype.startswith("application/json"):
        try:
            loaded = json.loads(raw)
        except ValueError:
            return body
        if isinstance(loaded, dict):
            body.update(loaded)
    elif ctype.startswith("application/x-www-form-urlencoded"):
        body.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    elif ctype.startswith("multipart/form-data"):
        parser = email.parser.BytesParser(policy=email.policy.HTTP)
        parsed = parser.parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + raw)
        for part in parsed.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                body[str(name)] = part.get_content()
    return body


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            body = _parse_body(headers, raw, url.query)
            path = url.path
            if path.startswith("/api/"):
                method = path.removeprefix("/api/")
            elif path.startswith("/webhook/"):
                method = "webhook"
            elif path.startswith("/upload/"):
                method = "upload"
            else:
                method = "unknown"
            fake._record(
                RecordedRequest(self.command, path, method, headers, body, raw, time.monotonic())
            )
            channel = str(body.get("channel") or body.get("channel_id") or "").lstrip("#")
            reply = fake._next_reply(method, channel or None)
            if reply.kind == "hang":
                fake._release.wait(reply.hang_seconds or fake.hang_seconds)
                self.close_connection = True
                return
            if reply.kind == "raw":
                answer = self._scripted(method, reply)
            elif method == "webhook":
                answer = fake._handle_webhook(path, body)
            elif method == "upload":
                answer = fake._receive_upload(path, raw)
            elif method == "unknown":
                answer = _Answer(404, "Not Found")
            else:
                answer = fake._handle_api(method, body, headers)
            self._write(answer)

        def _scripted(self, method: str, reply: Reply) -> _Answer:
            headers = dict(reply.headers)
            if reply.error is None:
                return _Answer(reply.status, f"{reply.status} fake server error", headers)
            if method in {"webhook", "upload"}:
                status = reply.status if reply.status != 200 else 400
                return _Answer(_WEBHOOK_STATUS.get(reply.error, status), reply.error, headers)
            return _Answer(reply.status, {"ok": False, "error": reply.error}, headers)

        def _write(self, answer: _Answer) -> None:
            if isinstance(answer.body, dict):
                payload = json.dumps(answer.body).encode()
                ctype = "application/json; charset=utf-8"
            else:
                payload = answer.body.encode()
                ctype = "text/html; charset=utf-8"
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler
