"""A real HTTP receiver of webhook deliveries on loopback, which a test can keep down and bring up."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import threading
import time
from dataclasses import dataclass, field

import orjson

from tests.support.server import free_port


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict:
        return orjson.loads(self.body)


@dataclass
class Receiver:
    port: int = field(default_factory=free_port)
    received: list[Delivery] = field(default_factory=list)
    _server: http.server.ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/freezer?from=test"

    def up(self) -> None:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                assert self.path == "/hooks/freezer?from=test", self.path
                with receiver._lock:
                    receiver.received.append(Delivery({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def events(self) -> list[dict]:
        with self._lock:
            return [delivery.event for delivery in self.received]

    def wait_for(self, count: int, timeout: float = 90.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.events()
            if len(events) >= count:
                return events
            time.sleep(0.05)
        raise AssertionError(f"the receiver got {len(self.events())} deliveries, not {count}, in {timeout} s")


def verify(secret: str, delivery: Delivery) -> bool:
    """How a receiver checks a delivery (docs/observability.md#webhooks)."""
    expected = "sha256=" + hmac.new(secret.encode(), delivery.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, delivery.headers["x-freezer-signature"])
