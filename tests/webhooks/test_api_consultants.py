"""Consultants through the API: CRUD, validation, one active owner per phone, tenant isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from fastapi import HTTPException
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from bot.models import Consultant
from tests.factories import ident, make_citizen, make_consultant, make_contact, make_employer
from tests.webhooks.api_helpers import (
    API,
    assert_conflict,
    assert_unprocessable,
    make_tenant,
)
from webhooks.api.identity import ensure_identities_free

URL = f"{API}/consultants"


def test_create_normalises_and_defaults(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session, default_language="en")

    response = client.post(
        URL,
        json={"name": "  Mette Jensen ", "phone": "22 33 44 55", "email": " mj@jobcenter.dk "},
        headers=tenant.headers,
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body == {
        "id": body["id"],
        "name": "Mette Jensen",
        "email": "mj@jobcenter.dk",
        "phone": "+4522334455",
        "telegram_chat_id": None,
        "language": "en",  # the jobcentre's default
        "preferred_channel": "sms",
        "backup_id": None,
        "active": True,
        "opted_out_at": None,
        "created_at": "2026-11-24T06:30:00Z",
    }


def test_crud_round_trip(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    created = client.post(
        URL,
        json={"name": "Mette", "phone": "+45 22 33 44 55", "language": "da"},
        headers=tenant.headers,
    ).json()
    url = f"{URL}/{created['id']}"

    assert client.get(url, headers=tenant.headers).json() == created

    patched = client.patch(
        url,
        json={"name": "Mette J.", "telegram_chat_id": 987654321, "preferred_channel": "telegram"},
        headers=tenant.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json() == {
        **created,
        "name": "Mette J.",
        "telegram_chat_id": 987654321,
        "preferred_channel": "telegram",
    }
    assert client.get(url, headers=tenant.headers).json() == patched.json()

    cleared = client.patch(url, json={"phone": None, "email": None}, headers=tenant.headers)
    assert cleared.json()["phone"] is None

    deleted = client.delete(url, headers=tenant.headers)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert client.get(url, headers=tenant.headers).json()["active"] is False


def test_deactivated_consultants_leave_the_list(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    kept = make_consultant(session, tenant.jobcentre, name="Kept")
    gone = make_consultant(session, tenant.jobcentre, name="Gone")
    session.commit()

    assert client.delete(f"{URL}/{gone.id}", headers=tenant.headers).status_code == 204

    listed = client.get(URL, headers=tenant.headers).json()
    assert [c["id"] for c in listed["data"]] == [kept.id]
    assert listed["count"] == 1
    everyone = client.get(URL, params={"include_inactive": "true"}, headers=tenant.headers).json()
    assert [(c["id"], c["active"]) for c in everyone["data"]] == [(kept.id, True), (gone.id, False)]
    # deactivating twice is harmless
    assert client.delete(f"{URL}/{gone.id}", headers=tenant.headers).status_code == 204


def test_list_pages_and_filters_by_phone(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    consultants = [make_consultant(session, tenant.jobcentre, name=f"C{i}") for i in range(5)]
    session.commit()

    page = client.get(URL, params={"limit": 2, "offset": 2}, headers=tenant.headers).json()
    assert [c["name"] for c in page["data"]] == ["C2", "C3"]
    assert page["count"] == 5

    wanted = consultants[3]
    assert wanted.phone is not None
    local = f"{wanted.phone[3:5]} {wanted.phone[5:7]} {wanted.phone[7:9]} {wanted.phone[9:]}"
    found = client.get(URL, params={"phone": local}, headers=tenant.headers).json()
    assert [c["id"] for c in found["data"]] == [wanted.id]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
        ({"phone": "12"}, "phone"),
        ({"include_inactve": "true"}, "include_inactve"),
    ],
)
def test_list_refuses_bad_query(
    client: TestClient, session: Session, params: dict[str, str | int], field: str
) -> None:
    tenant = make_tenant(session)

    response = client.get(URL, params=params, headers=tenant.headers)

    assert_unprocessable(response, "query", field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "M", "phone": "12345"}, "phone"),
        ({"name": "M", "phone": "not a number"}, "phone"),
        ({"name": "M", "language": "xx"}, "language"),
        ({"name": "M", "language": None}, "language"),
        ({"name": "   "}, "name"),
        ({}, "name"),
        ({"name": "M", "preferred_channel": "voice"}, "preferred_channel"),
        ({"name": "M", "preferred_channel": "telegram"}, "preferred_channel"),
        ({"name": "M", "telegram_chat_id": 0}, "telegram_chat_id"),
        ({"name": "M", "telegram_chat_id": 2**64}, "telegram_chat_id"),
        ({"name": "M", "jobcentre_id": 2}, "jobcentre_id"),
        ({"name": "M", "active": False}, "active"),
    ],
)
def test_create_refuses_bad_fields(
    client: TestClient, session: Session, body: dict[str, object], field: str
) -> None:
    tenant = make_tenant(session)

    response = client.post(URL, json=body, headers=tenant.headers)

    assert_unprocessable(response, "body", field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"language": "klingon"}, "language"),
        ({"preferred_channel": None}, "preferred_channel"),
        ({"preferred_channel": "telegram"}, "preferred_channel"),
        ({"phone": "+45 1"}, "phone"),
        ({"id": 7}, "id"),
    ],
)
def test_update_refuses_bad_fields(
    client: TestClient, session: Session, body: dict[str, object], field: str
) -> None:
    tenant = make_tenant(session)
    consultant = make_consultant(session, tenant.jobcentre)
    session.commit()

    response = client.patch(f"{URL}/{consultant.id}", json=body, headers=tenant.headers)

    assert_unprocessable(response, "body", field)


def test_clearing_the_chat_of_a_telegram_user_names_the_chat(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    consultant = make_consultant(
        session, tenant.jobcentre, telegram_chat_id=555, preferred_channel="telegram"
    )
    session.commit()

    response = client.patch(
        f"{URL}/{consultant.id}", json={"telegram_chat_id": None}, headers=tenant.headers
    )

    assert_unprocessable(response, "body", "telegram_chat_id")


def test_phone_belongs_to_one_active_person_across_jobcentres(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Aarhus")
    citizen = make_citizen(session, other.jobcentre, phone="+4540404040")
    session.commit()

    response = client.post(URL, json={"name": "M", "phone": "40 40 40 40"}, headers=tenant.headers)

    assert_conflict(response, "phone")
    assert citizen.id is not None
    assert response.json() == {  # nothing about who has the number, or where
        "detail": [
            {
                "type": "conflict",
                "loc": ["body", "phone"],
                "msg": "this phone number already belongs to another active person",
            }
        ]
    }


def test_telegram_chat_belongs_to_one_active_person(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    contact = make_contact(session, make_employer(session, tenant.jobcentre), telegram_chat_id=77)
    mine = make_consultant(session, tenant.jobcentre)
    session.commit()
    assert contact.id is not None

    created = client.post(URL, json={"name": "M", "telegram_chat_id": 77}, headers=tenant.headers)
    updated = client.patch(
        f"{URL}/{mine.id}", json={"telegram_chat_id": 77}, headers=tenant.headers
    )

    assert_conflict(created, "telegram_chat_id")
    assert_conflict(updated, "telegram_chat_id")


def test_update_to_another_persons_phone_is_a_conflict(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    first = make_consultant(session, tenant.jobcentre)
    second = make_consultant(session, tenant.jobcentre)
    session.commit()

    response = client.patch(
        f"{URL}/{second.id}", json={"phone": first.phone}, headers=tenant.headers
    )
    own = client.patch(
        f"{URL}/{first.id}", json={"phone": first.phone, "name": "Same"}, headers=tenant.headers
    )

    assert_conflict(response, "phone")
    assert own.status_code == 200, own.text


def test_a_deactivated_persons_phone_can_be_reused(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    old = make_consultant(session, tenant.jobcentre, phone="+4541414141")
    session.commit()
    assert client.delete(f"{URL}/{old.id}", headers=tenant.headers).status_code == 204

    response = client.post(URL, json={"name": "New", "phone": "41414141"}, headers=tenant.headers)

    assert response.status_code == 201, response.text


def test_consultant_with_active_citizens_cannot_be_deactivated(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    consultant = make_consultant(session, tenant.jobcentre)
    citizen = make_citizen(session, tenant.jobcentre, consultant)
    session.commit()

    refused = client.delete(f"{URL}/{consultant.id}", headers=tenant.headers)
    assert refused.status_code == 409
    assert client.get(f"{URL}/{consultant.id}", headers=tenant.headers).json()["active"] is True

    client.patch(
        f"{API}/citizens/{citizen.id}", json={"consultant_id": None}, headers=tenant.headers
    )
    assert client.delete(f"{URL}/{consultant.id}", headers=tenant.headers).status_code == 204


def test_other_jobcentres_consultants_are_invisible(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Aarhus")
    mine = make_consultant(session, tenant.jobcentre)
    theirs = make_consultant(session, other.jobcentre)
    session.commit()

    listed = client.get(URL, params={"include_inactive": True}, headers=tenant.headers).json()
    assert [c["id"] for c in listed["data"]] == [mine.id]
    assert (
        client.get(URL, params={"phone": theirs.phone}, headers=tenant.headers).json()["count"] == 0
    )

    missing = client.get(f"{URL}/999999", headers=tenant.headers)
    for response in (
        client.get(f"{URL}/{theirs.id}", headers=tenant.headers),
        client.patch(f"{URL}/{theirs.id}", json={"name": "Hijack"}, headers=tenant.headers),
        client.delete(f"{URL}/{theirs.id}", headers=tenant.headers),
    ):
        assert response.status_code == 404
        assert response.json() == missing.json()

    assert client.get(f"{URL}/{theirs.id}", headers=other.headers).json()["name"] != "Hijack"
    assert client.get(f"{URL}/{theirs.id}", headers=other.headers).json()["active"] is True
    assert client.get(f"{URL}/{mine.id}", headers=other.headers).status_code == 404


def test_created_at_follows_the_clock(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    clock.shift(timedelta(days=2, hours=3))

    response = client.post(URL, json={"name": "M"}, headers=tenant.headers)

    assert response.json()["created_at"] == "2026-11-26T09:30:00Z"


@pytest.mark.parametrize(
    "email", ["mette", "mette@", "@jobcenter.dk", "mette@localhost", "m j@a.dk"]
)
def test_email_must_look_like_one(client: TestClient, session: Session, email: str) -> None:
    tenant = make_tenant(session)

    response = client.post(URL, json={"name": "M", "email": email}, headers=tenant.headers)

    assert_unprocessable(response, "body", "email")


def test_concurrent_claims_of_one_phone_are_serialised(engine: Engine, session: Session) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has a single writer; the advisory lock is PostgreSQL's")
    jobcentre = make_tenant(session).jobcentre
    with Session(engine) as first, Session(engine) as second:
        ensure_identities_free(first, phone="+4560606060", telegram_chat_id=None)
        first.add(Consultant(jobcentre_id=ident(jobcentre), name="First", phone="+4560606060"))
        first.flush()

        second.connection().execute(text("SET LOCAL lock_timeout = '50ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            ensure_identities_free(second, phone="+4560606060", telegram_chat_id=None)
        second.rollback()

        first.commit()
        with pytest.raises(HTTPException) as raised:
            ensure_identities_free(second, phone="+4560606060", telegram_chat_id=None)
        assert raised.value.status_code == 409
