"""Helpers for the REST API tests: a jobcentre with a key, and readable assertions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from httpx2 import Response
from sqlmodel import Session

from bot.models import Jobcentre
from bot.settings import Settings
from tests.factories import make_api_key, make_jobcentre
from webhooks.app import create_app

API = "/api/v1"


@dataclass(frozen=True)
class Tenant:
    """A jobcentre and the plain API key its case system holds."""

    jobcentre: Jobcentre
    key: str

    @property
    def id(self) -> int:
        """The jobcentre's id."""
        assert self.jobcentre.id is not None
        return self.jobcentre.id

    @property
    def headers(self) -> dict[str, str]:
        """Authorization the way most case systems send it."""
        return {"Authorization": f"Bearer {self.key}"}


def make_tenant(
    session: Session, name: str = "Jobcenter Høje-Taastrup", **overrides: Any
) -> Tenant:
    """A committed jobcentre with one API key."""
    jobcentre = make_jobcentre(session, name=name, **overrides)
    key = make_api_key(session, jobcentre)
    session.commit()
    return Tenant(jobcentre, key)


def error_locs(response: Response) -> list[tuple[str | int, ...]]:
    """The locations named in a 422 or 409 body."""
    return [tuple(error["loc"]) for error in response.json()["detail"]]


def assert_unprocessable(response: Response, *loc: str | int) -> None:
    """A 422 whose errors name the location (e.g. "body", "phone")."""
    assert response.status_code == 422, response.text
    assert loc in error_locs(response), response.text


def assert_conflict(response: Response, field: str) -> None:
    """A 409 naming the body field."""
    assert response.status_code == 409, response.text
    assert ("body", field) in error_locs(response), response.text


def api_operations() -> list[tuple[str, str]]:
    """(method, path template) of every REST API operation, read from the OpenAPI document."""
    settings = Settings(_env_file=None, database_url="sqlite://", demo_data=False)
    paths = create_app(settings).openapi()["paths"]
    return [
        (method, path) for path, item in paths.items() if path.startswith(API) for method in item
    ]
