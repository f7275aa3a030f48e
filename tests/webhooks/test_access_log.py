"""The access log never carries the query string (phone numbers in API filters)."""

from __future__ import annotations

import logging

from webhooks.access_log import DropQueryStrings


def record(path: str) -> logging.LogRecord:
    """An access-log record shaped the way uvicorn writes it."""
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )


def test_query_string_is_dropped() -> None:
    """A phone number in a filter never reaches the log."""
    entry = record("/api/v1/citizens?phone=%2B4520123403")
    assert DropQueryStrings().filter(entry) is True
    assert "4520123403" not in entry.getMessage()
    assert "/api/v1/citizens?…" in entry.getMessage()


def test_plain_paths_are_untouched() -> None:
    """Nothing changes when there is no query."""
    entry = record("/healthz")
    DropQueryStrings().filter(entry)
    assert entry.getMessage() == '127.0.0.1:5000 - "GET /healthz HTTP/1.1" 200'
