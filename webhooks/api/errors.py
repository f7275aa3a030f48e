"""Errors the API answers with, shaped like FastAPI's own so clients parse one format."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import HTTPException, status
from fastapi.exceptions import RequestValidationError


def unprocessable(
    field: str, message: str, value: Any, *, where: Literal["body", "path"] = "body"
) -> RequestValidationError:
    """A 422 naming a field, for rules a single field's validator cannot see."""
    return RequestValidationError(
        [{"type": "value_error", "loc": (where, field), "msg": message, "input": value}]
    )


def not_found(what: str) -> HTTPException:
    """A 404 that reads the same for a missing row and another jobcentre's row."""
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{what} not found")


def conflict(field: str, message: str) -> HTTPException:
    """A 409 naming the body field that clashes with existing data."""
    return HTTPException(
        status.HTTP_409_CONFLICT,
        detail=[{"type": "conflict", "loc": ["body", field], "msg": message}],
    )


def still_in_use(message: str) -> HTTPException:
    """A 409 for a deactivation that would leave active rows pointing at an inactive one."""
    return HTTPException(status.HTTP_409_CONFLICT, detail=message)


Responses = dict[int | str, dict[str, Any]]


def documented(*, missing: str | None = None, clash: str | None = None) -> Responses:
    """The extra answers an endpoint can give, for the OpenAPI document."""
    answers: Responses = {}
    if missing:
        answers[status.HTTP_404_NOT_FOUND] = {"description": missing}
    if clash:
        answers[status.HTTP_409_CONFLICT] = {"description": clash}
    return answers
