"""Citizens through the API: CRUD, their consultant, validation and tenant isolation."""

from __future__ import annotations

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.models import Placement
from tests.factories import (
    make_citizen,
    make_consultant,
    make_contact,
    make_employer,
    make_placement,
)
from tests.webhooks.api_helpers import API, assert_conflict, assert_unprocessable, make_tenant

URL = f"{API}/citizens"


def test_citizen_crud_round_trip(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    consultant = make_consultant(session, tenant.jobcentre)
    successor = make_consultant(session, tenant.jobcentre)
    session.commit()

    created = client.post(
        URL,
        json={
            "first_name": " Ayşe ",
            "last_name": "Yılmaz",
            "phone": "+90 532 123 45 67",
            "telegram_chat_id": 4242,
            "language": "tr",
            "preferred_channel": "telegram",
            "consultant_id": consultant.id,
        },
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    citizen = created.json()
    assert citizen == {
        "id": citizen["id"],
        "first_name": "Ayşe",
        "last_name": "Yılmaz",
        "phone": "+905321234567",
        "telegram_chat_id": 4242,
        "language": "tr",
        "preferred_channel": "telegram",
        "consultant_id": consultant.id,
        "active": True,
        "opted_out_at": None,
        "created_at": "2026-11-24T06:30:00Z",
    }
    url = f"{URL}/{citizen['id']}"
    assert client.get(url, headers=tenant.headers).json() == citizen
    assert client.get(URL, headers=tenant.headers).json() == {"data": [citizen], "count": 1}

    patched = client.patch(
        url,
        json={"consultant_id": successor.id, "preferred_channel": "sms", "last_name": ""},
        headers=tenant.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json() == {
        **citizen,
        "consultant_id": successor.id,
        "preferred_channel": "sms",
        "last_name": "",
    }

    unassigned = client.patch(url, json={"consultant_id": None}, headers=tenant.headers)
    assert unassigned.json()["consultant_id"] is None

    assert client.delete(url, headers=tenant.headers).status_code == 204
    assert client.get(url, headers=tenant.headers).json()["active"] is False
    assert client.get(URL, headers=tenant.headers).json()["count"] == 0
    assert (
        client.get(URL, params={"include_inactive": "yes"}, headers=tenant.headers).json()["count"]
        == 1
    )


def test_language_defaults_to_the_jobcentres(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, default_language="en")

    response = client.post(URL, json={"first_name": "Sam"}, headers=tenant.headers)

    assert response.json()["language"] == "en"
    assert response.json()["last_name"] == ""


def test_list_filters(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    consultant = make_consultant(session, tenant.jobcentre)
    followed = make_citizen(session, tenant.jobcentre, consultant, phone="+4550505050")
    make_citizen(session, tenant.jobcentre)
    session.commit()

    by_consultant = client.get(
        URL, params={"consultant_id": consultant.id}, headers=tenant.headers
    ).json()
    by_phone = client.get(URL, params={"phone": "50 50 50 50"}, headers=tenant.headers).json()

    assert [c["id"] for c in by_consultant["data"]] == [followed.id]
    assert [c["id"] for c in by_phone["data"]] == [followed.id]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": "A", "phone": "+45 12"}, "phone"),
        ({"first_name": "A", "language": "de"}, "language"),
        ({"first_name": "A", "preferred_channel": "telegram"}, "preferred_channel"),
        ({"first_name": "A", "preferred_channel": "email"}, "preferred_channel"),
        ({"first_name": "\t"}, "first_name"),
        ({"first_name": "A", "last_name": None}, "last_name"),
        ({"first_name": "A", "cpr": "010101-1234"}, "cpr"),
        ({"first_name": "A", "consultant_id": 999999}, "consultant_id"),
    ],
)
def test_create_refuses_bad_fields(
    client: TestClient, session: Session, body: dict[str, object], field: str
) -> None:
    tenant = make_tenant(session)

    response = client.post(URL, json=body, headers=tenant.headers)

    assert_unprocessable(response, "body", field)


def test_consultant_must_be_an_active_one_of_the_same_jobcentre(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Aarhus")
    foreign = make_consultant(session, other.jobcentre)
    retired = make_consultant(session, tenant.jobcentre, active=False)
    citizen = make_citizen(session, tenant.jobcentre)
    session.commit()

    for consultant in (foreign, retired):
        created = client.post(
            URL, json={"first_name": "A", "consultant_id": consultant.id}, headers=tenant.headers
        )
        updated = client.patch(
            f"{URL}/{citizen.id}", json={"consultant_id": consultant.id}, headers=tenant.headers
        )
        assert_unprocessable(created, "body", "consultant_id")
        assert_unprocessable(updated, "body", "consultant_id")
        assert created.json()["detail"] == updated.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": None}, "first_name"),
        ({"language": "xx"}, "language"),
        ({"phone": "abc"}, "phone"),
        ({"preferred_channel": "telegram"}, "preferred_channel"),
        ({"active": True}, "active"),
        ({"jobcentre_id": 2}, "jobcentre_id"),
    ],
)
def test_update_refuses_bad_fields(
    client: TestClient, session: Session, body: dict[str, object], field: str
) -> None:
    tenant = make_tenant(session)
    citizen = make_citizen(session, tenant.jobcentre)
    session.commit()

    response = client.patch(f"{URL}/{citizen.id}", json=body, headers=tenant.headers)

    assert_unprocessable(response, "body", field)


def test_duplicate_phone_is_a_conflict(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Aarhus")
    contact = make_contact(session, make_employer(session, other.jobcentre))
    citizen = make_citizen(session, tenant.jobcentre)
    session.commit()
    assert contact.phone is not None

    created = client.post(
        URL, json={"first_name": "A", "phone": contact.phone}, headers=tenant.headers
    )
    updated = client.patch(
        f"{URL}/{citizen.id}", json={"phone": contact.phone}, headers=tenant.headers
    )

    assert_conflict(created, "phone")
    assert_conflict(updated, "phone")
    assert created.json() == updated.json()


def test_deactivating_a_citizen_ends_their_placements(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    contact = make_contact(session, make_employer(session, tenant.jobcentre))
    citizen, neighbour = (
        make_citizen(session, tenant.jobcentre),
        make_citizen(session, tenant.jobcentre),
    )
    placement = make_placement(session, citizen, contact)
    other_placement = make_placement(session, neighbour, contact)
    session.commit()

    assert client.delete(f"{URL}/{citizen.id}", headers=tenant.headers).status_code == 204

    session.expire_all()
    assert session.get(Placement, placement.id).active is False  # type: ignore[union-attr]
    assert session.get(Placement, other_placement.id).active is True  # type: ignore[union-attr]


def test_other_jobcentres_citizens_are_invisible(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Aarhus")
    mine = make_citizen(session, tenant.jobcentre)
    their_consultant = make_consultant(session, other.jobcentre)
    theirs = make_citizen(session, other.jobcentre, their_consultant)
    session.commit()

    listed = client.get(URL, params={"include_inactive": True}, headers=tenant.headers).json()
    assert [c["id"] for c in listed["data"]] == [mine.id]
    by_their_consultant = client.get(
        URL, params={"consultant_id": their_consultant.id}, headers=tenant.headers
    )
    assert by_their_consultant.json() == {"data": [], "count": 0}
    assert (
        client.get(URL, params={"phone": theirs.phone}, headers=tenant.headers).json()["count"] == 0
    )

    missing = client.get(f"{URL}/999999", headers=tenant.headers).json()
    for response in (
        client.get(f"{URL}/{theirs.id}", headers=tenant.headers),
        client.patch(f"{URL}/{theirs.id}", json={"first_name": "X"}, headers=tenant.headers),
        client.delete(f"{URL}/{theirs.id}", headers=tenant.headers),
    ):
        assert response.status_code == 404
        assert response.json() == missing

    seen_by_them = client.get(f"{URL}/{theirs.id}", headers=other.headers).json()
    assert (seen_by_them["first_name"], seen_by_them["active"]) == (theirs.first_name, True)
    assert client.get(f"{URL}/{mine.id}", headers=other.headers).status_code == 404
