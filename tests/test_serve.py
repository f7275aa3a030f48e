"""`makker serve` on the embedded default: migrates, creates demo data, serves docs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

STARTUP_TIMEOUT = 30.0


def _free_port() -> int:
    """A loopback port nobody uses right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A real `makker serve` process on a fresh SQLite file, stopped after the test."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TELEGRAM_BOT_TOKEN"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main(['serve']))"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"makker serve did not come up:\n{output}")
            time.sleep(0.1)  # waiting for a process to bind its port, not for a schedule
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def test_serve_runs_with_demo_data_and_docs(server: tuple[str, subprocess.Popen[str]]) -> None:
    """The README's `make run` promise: no credentials, demo key works, /docs is served."""
    base, process = server
    assert httpx.get(f"{base}/docs").status_code == 200
    assert "/api/v1/citizens" in httpx.get(f"{base}/openapi.json").json()["paths"]
    process.terminate()
    output, _ = process.communicate(timeout=10)
    key = next(line.split(": ")[1] for line in output.splitlines() if "API key" in line)
    assert key.startswith("mk_")


def test_serve_answers_the_api_with_the_demo_key(
    server: tuple[str, subprocess.Popen[str]],
) -> None:
    """Unauthenticated calls are refused; the sandbox needs no provider credentials."""
    base, _ = server
    assert httpx.get(f"{base}/api/v1/citizens").status_code == 401
