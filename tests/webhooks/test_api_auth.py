"""API keys: stored as hashes, shown once, and every endpoint refuses a call without a live one."""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.apikeys import create_api_key, find_jobcentre_id
from bot.clock import utcnow
from bot.models import ApiKey, Jobcentre
from tests.factories import make_citizen, make_jobcentre
from tests.webhooks.api_helpers import API, api_operations, make_tenant

API_OPERATIONS = api_operations()


def _id(jobcentre: Jobcentre) -> int:
    """A flushed jobcentre's id."""
    assert jobcentre.id is not None
    return jobcentre.id


def _concrete(path: str) -> str:
    """A path template with every id filled in."""
    return re.sub(r"\{[a-z_]+\}", "1", path)


def test_create_api_key_returns_the_key_once_and_stores_its_hash(session: Session) -> None:
    jobcentre = make_jobcentre(session)
    key = create_api_key(session, jobcentre_id=_id(jobcentre), name="KMD Nexus")
    session.commit()

    assert key.startswith("mk_")
    assert len(key) > 40
    row = session.exec(select(ApiKey)).one()
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert row.key_prefix == key[:12]
    assert row.name == "KMD Nexus"
    assert key not in {row.key_hash, row.key_prefix, row.name}


def test_keys_are_unique(session: Session) -> None:
    jobcentre = make_jobcentre(session)
    keys = {create_api_key(session, jobcentre_id=_id(jobcentre), name=f"k{i}") for i in range(5)}
    assert len(keys) == 5


def test_find_jobcentre_id(session: Session) -> None:
    first, second = make_jobcentre(session), make_jobcentre(session, name="Jobcenter Aarhus")
    key_one = create_api_key(session, jobcentre_id=_id(first), name="one")
    key_two = create_api_key(session, jobcentre_id=_id(second), name="two")
    session.commit()

    assert find_jobcentre_id(session, key_one) == first.id
    assert find_jobcentre_id(session, key_two) == second.id
    assert find_jobcentre_id(session, key_one + "x") is None
    assert find_jobcentre_id(session, "") is None
    assert find_jobcentre_id(session, "mk_" + "a" * 5000) is None


def test_find_jobcentre_id_ignores_revoked_keys(session: Session) -> None:
    jobcentre = make_jobcentre(session)
    key = create_api_key(session, jobcentre_id=_id(jobcentre), name="old")
    row = session.exec(select(ApiKey)).one()
    row.revoked_at = utcnow()
    session.commit()

    assert find_jobcentre_id(session, key) is None


@pytest.mark.parametrize(("method", "path"), API_OPERATIONS)
def test_every_endpoint_needs_a_key(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, _concrete(path), json={})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer mk_not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer "},
        {"X-API-Key": "mk_not-a-key"},
        {"X-API-Key": ""},
    ],
    ids=["unknown-bearer", "basic", "empty-bearer", "unknown-header", "empty-header"],
)
def test_wrong_keys_are_refused(
    client: TestClient, session: Session, headers: dict[str, str]
) -> None:
    make_tenant(session)

    response = client.get(f"{API}/citizens", headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": "A valid API key is required"}


def test_revoked_key_is_refused(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    assert client.get(f"{API}/citizens", headers=tenant.headers).status_code == 200
    row = session.exec(select(ApiKey)).one()
    row.revoked_at = utcnow()
    session.commit()

    response = client.get(f"{API}/citizens", headers=tenant.headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_bearer_and_header_keys_both_work(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    make_citizen(session, tenant.jobcentre)
    session.commit()

    by_bearer = client.get(f"{API}/citizens", headers={"Authorization": f"Bearer {tenant.key}"})
    by_header = client.get(f"{API}/citizens", headers={"X-API-Key": tenant.key})

    assert by_bearer.status_code == by_header.status_code == 200
    assert by_bearer.json() == by_header.json()
    assert by_bearer.json()["count"] == 1


def test_a_key_created_by_the_helper_authenticates(client: TestClient, session: Session) -> None:
    jobcentre = make_jobcentre(session)
    key = create_api_key(session, jobcentre_id=_id(jobcentre), name="case system")
    session.commit()

    response = client.get(f"{API}/citizens", headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 200
