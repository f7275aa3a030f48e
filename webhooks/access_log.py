"""Keep uvicorn's access log useful without phone numbers: query strings are dropped."""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"
PATH_ARG = 2  # uvicorn's access record args: client, method, path (with query), version, status


class DropQueryStrings(logging.Filter):
    """`GET /api/v1/citizens?phone=%2B45…` is logged as `GET /api/v1/citizens?…`."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the path argument in place; never drop the record."""
        args = record.args
        if not isinstance(args, tuple) or len(args) <= PATH_ARG:
            return True
        full_path = args[PATH_ARG]
        if isinstance(full_path, str) and "?" in full_path:
            path = full_path.partition("?")[0]
            record.args = (*args[:PATH_ARG], f"{path}?…", *args[PATH_ARG + 1 :])
        return True


def install() -> None:
    """Attach the filter to uvicorn's access logger (call before uvicorn starts)."""
    logging.getLogger(ACCESS_LOGGER).addFilter(DropQueryStrings())
