"""The optional HTTP endpoint: ``/healthz`` for probes, ``/metrics`` for Prometheus.

Off by default and bound to 127.0.0.1 unless ``server.host`` says otherwise: it reveals
counts, never secrets, but there is no reason to expose it by accident.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from monitor.errors import RuntimeFailure

log = logging.getLogger(__name__)

Health = Callable[[], tuple[bool, dict[str, Any]]]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _handler(health: Health, registry: CollectorRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            log.debug("http %s", format % args)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/healthz":
                try:
                    ok, body = health()
                except Exception as exc:  # a probe must get an answer, not a reset
                    ok, body = False, {"state": "error", "error": str(exc)}
                self._send(200 if ok else 503, json.dumps(body).encode(), "application/json")
            elif path == "/metrics":
                try:
                    payload = generate_latest(registry)
                except Exception as exc:
                    log.warning("metrics collection failed: %s", exc)
                    self._send(503, str(exc).encode(), "text/plain; charset=utf-8")
                    return
                self._send(200, payload, CONTENT_TYPE_LATEST)
            else:
                self._send(404, b"not found: try /healthz or /metrics\n", "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


class MetricsServer:
    def __init__(self, host: str, port: int, health: Health, registry: CollectorRegistry) -> None:
        try:
            self._server = _Server((host, port), _handler(health, registry))
        except OSError as exc:
            raise RuntimeFailure(
                f"cannot listen on {host}:{port} for /healthz and /metrics: {exc.strerror or exc}"
                " (change server.port, or set server.enabled = false)"
            ) from None
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="metrics-http", daemon=True
        )

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self) -> MetricsServer:
        self._thread.start()
        log.info("serving /healthz and /metrics on http://%s:%d", *self.address)
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
