"""A case system's webhook endpoint on loopback that checks signatures its own way.

It does NOT use the standardwebhooks library: it implements the spec's verification from
the text (https://www.standardwebhooks.com/): HMAC-SHA256 with the base64 key after
`whsec_` over "{webhook-id}.{webhook-timestamp}.{body}", compared in constant time against
each space-separated `v1,` signature, and a timestamp no more than five minutes off. So a
signing bug in Makker and the same bug in the library cannot hide each other.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_SECONDS = 300
VERIFIED = "verified"


def verify(
    secret: str,
    headers: dict[str, str],
    body: bytes,
    *,
    now: float,
    tolerance: int = TOLERANCE_SECONDS,
) -> str:
    """VERIFIED, or why the request must be refused."""
    msg_id = headers.get("webhook-id")
    stamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (msg_id and stamp and signatures):
        return "missing headers"
    if not (stamp.isascii() and stamp.isdigit()):
        return "timestamp is not unix seconds"
    if abs(now - int(stamp)) > tolerance:
        return "timestamp outside the tolerance"
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error:
        return "bad secret"
    signed = msg_id.encode() + b"." + stamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            return VERIFIED
    return "no matching signature"


@dataclass(frozen=True)
class Received:
    """One request as the receiver got it, and its own verdict on the signature."""

    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    verdict: str
    received_at: float

    @property
    def verified(self) -> bool:
        """Whether the receiver's own check accepted the signature."""
        return self.verdict == VERIFIED

    @property
    def webhook_id(self) -> str:
        """The event id the receiver dedupes by."""
        return self.headers["webhook-id"]

    @property
    def event(self) -> dict[str, Any]:
        """The JSON payload."""
        payload: dict[str, Any] = json.loads(self.body)
        return payload

    def verify_with(self, secret: str) -> str:
        """The verdict on this request under another secret (rotation tests)."""
        return verify(secret, self.headers, self.body, now=self.received_at)


@dataclass(frozen=True)
class Answer:
    """A scripted answer instead of the normal 204 / 401."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)


class WebhookReceiver:
    """Records every POST; answers 204 when its own check verifies, 401 otherwise."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.received: list[Received] = []
        self._scripted: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        """Where a subscription points (http to loopback is allowed)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hooks/makker"

    def start(self) -> WebhookReceiver:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def script(self, answer: Answer, times: int = 1) -> None:
        """Answer the next `times` requests with `answer`, whatever their signature."""
        with self._lock:
            self._scripted.extend([answer] * times)

    @property
    def verified(self) -> list[Received]:
        """Requests whose signature checked out."""
        return [r for r in self.received if r.verified]

    def _answer(self, received: Received) -> Answer:
        """Record, then answer as scripted or by the verdict."""
        with self._lock:
            self.received.append(received)
            if self._scripted:
                return self._scripted.popleft()
        return Answer(204 if received.verified else 401)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        """A request handler bound to this receiver."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                now = time.time()  # time-machine's clock in tests, like Makker's
                verdict = verify(receiver.secret, headers, body, now=now)
                answer = receiver._answer(Received(self.path, headers, body, verdict, now))
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        return Handler


@contextmanager
def silent_local_url() -> Iterator[str]:
    """A loopback URL that accepts the connection and never answers (a hung receiver)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel completes handshakes; nobody ever reads
        port = listener.getsockname()[1]
        yield f"http://127.0.0.1:{port}/hooks"
