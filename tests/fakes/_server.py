"""A tiny threaded HTTP server on 127.0.0.1 with scripted failures, shared by the provider stubs."""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Recorded:
    """One request as the stub received it."""

    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]  # form fields, or the top-level JSON fields as text


@dataclass(frozen=True)
class Reply:
    """A scripted answer: status, JSON body, extra headers."""

    status: int
    payload: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class StubServer:
    """Serves `handle(path, form)` answers; `script()` queues failures for the next requests."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._scripted: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        """Base URL of the running server."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> StubServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def script(self, reply: Reply, times: int = 1) -> None:
        """Answer the next `times` matching requests with `reply` instead of success."""
        with self._lock:
            self._scripted.extend([reply] * times)

    def handle(self, request: Recorded) -> Reply:
        """The answer to a request that is not scripted; subclasses implement the API."""
        raise NotImplementedError

    def scriptable(self, path: str) -> bool:
        """Whether scripted failures apply to this path (not to e.g. getMe)."""
        return True

    def _answer(self, recorded: Recorded) -> Reply:
        """Record the request, then take a scripted reply or compute the normal one."""
        with self._lock:
            self.requests.append(recorded)
            if self._scripted and self.scriptable(recorded.path):
                return self._scripted.popleft()
        return self.handle(recorded)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        """A request handler bound to this stub instance."""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                content_type = self.headers.get("Content-Type", "")
                if content_type.startswith("application/json"):
                    data = json.loads(raw or "{}")
                    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
                else:
                    form = dict(parse_qsl(raw, keep_blank_values=True))
                headers = {k: v for k, v in self.headers.items()}
                reply = stub._answer(Recorded("POST", self.path, headers, form))
                body = json.dumps(reply.payload).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        return Handler


def unused_local_url() -> str:
    """A loopback URL where nothing listens (connection refused), for network-error tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
