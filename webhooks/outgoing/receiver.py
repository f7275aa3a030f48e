"""`makker webhook-receiver`: a local endpoint that verifies signed events and prints them.

For trying subscriptions out and for demos; it keeps nothing. It checks every request with
the standardwebhooks library (signature and a five-minute timestamp window), answers 401
to anything that does not verify and 204 to what does, and prints one line per event.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

HOST = "127.0.0.1"
MAX_BODY_BYTES = 1_000_000  # Makker's events are a few hundred bytes


class ReceiverServer(ThreadingHTTPServer):
    """A loopback HTTP server that verifies Standard Webhooks requests with one secret."""

    daemon_threads = True

    def __init__(self, port: int, secret: str, out: TextIO = sys.stdout) -> None:
        self.webhook = Webhook(secret)
        self.out = out
        self.print_lock = threading.Lock()
        super().__init__((HOST, port), _Handler)

    @property
    def url(self) -> str:
        """Where to point a subscription."""
        return f"http://{HOST}:{self.server_address[1]}/"

    def show(self, line: str) -> None:
        """Print one line at a time, even with requests arriving together."""
        with self.print_lock:
            print(line, file=self.out, flush=True)


class _Handler(BaseHTTPRequestHandler):
    """Verify, print, answer."""

    server: ReceiverServer

    def do_POST(self) -> None:
        """Accept a verified event (204) or refuse it (401, or 413 when absurdly large)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            self._answer(413 if length > 0 else 400)
            return
        body = self.rfile.read(length)
        headers = {name: value for name, value in self.headers.items()}
        try:
            event = self.server.webhook.verify(body, headers)
        except (WebhookVerificationError, ValueError) as exc:
            # ValueError: a malformed signature, base64 or body is as bad as a wrong one.
            self.server.show(f"refused: {exc or type(exc).__name__}")
            self._answer(401)
            return
        self.server.show(describe(headers.get("webhook-id", ""), event))
        self._answer(204)

    def do_GET(self) -> None:
        """Only POST carries events."""
        self._answer(405)

    def _answer(self, status: int) -> None:
        """A status line and no body."""
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """The event lines are the output; no access log."""


def describe(event_id: str, event: Any) -> str:
    """`alert.created msg_… {"alert_id": 3, …}`: type, id and data on one line."""
    if not isinstance(event, dict):
        return f"? {event_id} {json.dumps(event)}"
    data = json.dumps(event.get("data"), ensure_ascii=False, sort_keys=True)
    return f"{event.get('type', '?')} {event_id} {data}"


def serve(port: int, secret: str, out: TextIO = sys.stdout) -> None:
    """Serve until Ctrl-C."""
    with ReceiverServer(port, secret, out) as server:
        server.show(f"listening on {server.url}; Ctrl-C to stop")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            server.show("stopped")
