"""Employers and their contact persons through the API."""

from __future__ import annotations

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.models import Employer, EmployerContact, Placement
from tests.factories import (
    make_citizen,
    make_consultant,
    make_contact,
    make_employer,
    make_placement,
)
from tests.webhooks.api_helpers import API, assert_conflict, assert_unprocessable, make_tenant

EMPLOYERS = f"{API}/employers"
CONTACTS = f"{API}/contacts"


def test_employer_crud_round_trip(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)

    created = client.post(
        EMPLOYERS,
        json={"name": " Bageriet Solsikken ApS ", "cvr": "12 34 56 78", "address": "Torvet 3"},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    employer = created.json()
    assert employer == {
        "id": employer["id"],
        "name": "Bageriet Solsikken ApS",
        "cvr": "12345678",
        "address": "Torvet 3",
        "active": True,
        "created_at": "2026-11-24T06:30:00Z",
    }
    url = f"{EMPLOYERS}/{employer['id']}"
    assert client.get(url, headers=tenant.headers).json() == employer

    patched = client.patch(url, json={"address": None, "cvr": "87654321"}, headers=tenant.headers)
    assert patched.status_code == 200, patched.text
    assert patched.json() == {**employer, "address": None, "cvr": "87654321"}

    listed = client.get(EMPLOYERS, params={"cvr": "8765 4321"}, headers=tenant.headers).json()
    assert [e["id"] for e in listed["data"]] == [employer["id"]]

    assert client.delete(url, headers=tenant.headers).status_code == 204
    assert client.get(url, headers=tenant.headers).json()["active"] is False
    assert client.get(EMPLOYERS, headers=tenant.headers).json() == {"data": [], "count": 0}
    everyone = client.get(EMPLOYERS, params={"include_inactive": 1}, headers=tenant.headers)
    assert everyone.json()["count"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "cvr": "1234"}, "cvr"),
        ({"name": "A", "cvr": "1234567a"}, "cvr"),
        ({"name": "A", "cvr": "１２３４５６７８"}, "cvr"),
        ({"name": " "}, "name"),
        ({"name": "A", "homepage": "x"}, "homepage"),
        ({"name": "A", "address": "x" * 301}, "address"),
    ],
)
def test_employer_refuses_bad_fields(
    client: TestClient, session: Session, body: dict[str, object], field: str
) -> None:
    tenant = make_tenant(session)
    employer = make_employer(session, tenant.jobcentre)
    session.commit()

    created = client.post(EMPLOYERS, json=body, headers=tenant.headers)
    updated = client.patch(f"{EMPLOYERS}/{employer.id}", json=body, headers=tenant.headers)

    assert_unprocessable(created, "body", field)
    assert_unprocessable(updated, "body", field)


def test_contact_crud_round_trip(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    employer = make_employer(session, tenant.jobcentre)
    session.commit()
    under_employer = f"{EMPLOYERS}/{employer.id}/contacts"

    created = client.post(
        under_employer,
        json={"name": "Lars Holm", "phone": "0045 30 30 30 30", "language": "da"},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    contact = created.json()
    assert contact == {
        "id": contact["id"],
        "employer_id": employer.id,
        "name": "Lars Holm",
        "phone": "+4530303030",
        "telegram_chat_id": None,
        "language": "da",
        "preferred_channel": "sms",
        "active": True,
        "opted_out_at": None,
        "created_at": "2026-11-24T06:30:00Z",
    }
    url = f"{CONTACTS}/{contact['id']}"
    assert client.get(url, headers=tenant.headers).json() == contact
    assert client.get(under_employer, headers=tenant.headers).json() == {
        "data": [contact],
        "count": 1,
    }

    patched = client.patch(url, json={"language": "EN", "name": "Lars H."}, headers=tenant.headers)
    assert patched.status_code == 200, patched.text
    assert patched.json() == {**contact, "language": "en", "name": "Lars H."}

    assert client.delete(url, headers=tenant.headers).status_code == 204
    assert client.get(url, headers=tenant.headers).json()["active"] is False
    assert client.get(under_employer, headers=tenant.headers).json()["count"] == 0
    hidden = client.get(under_employer, params={"include_inactive": "true"}, headers=tenant.headers)
    assert hidden.json()["count"] == 1


def test_contacts_are_listed_per_employer(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    bakery, garage = (
        make_employer(session, tenant.jobcentre),
        make_employer(session, tenant.jobcentre),
    )
    baker = make_contact(session, bakery)
    make_contact(session, garage)
    session.commit()

    listed = client.get(f"{EMPLOYERS}/{bakery.id}/contacts", headers=tenant.headers).json()

    assert [c["id"] for c in listed["data"]] == [baker.id]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "L", "phone": "999"}, "phone"),
        ({"name": "L", "language": "zz"}, "language"),
        ({"name": "L", "preferred_channel": "telegram"}, "preferred_channel"),
        ({"name": "L", "employer_id": 3}, "employer_id"),
        ({"name": ""}, "name"),
    ],
)
def test_contact_refuses_bad_fields(
    client: TestClient, session: Session, body: dict[str, object], field: str
) -> None:
    tenant = make_tenant(session)
    employer = make_employer(session, tenant.jobcentre)
    contact = make_contact(session, employer)
    session.commit()

    created = client.post(f"{EMPLOYERS}/{employer.id}/contacts", json=body, headers=tenant.headers)
    updated = client.patch(f"{CONTACTS}/{contact.id}", json=body, headers=tenant.headers)

    assert_unprocessable(created, "body", field)
    assert_unprocessable(updated, "body", field)


def test_contact_phone_clashes_with_a_consultant(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    consultant = make_consultant(session, tenant.jobcentre)
    employer = make_employer(session, tenant.jobcentre)
    contact = make_contact(session, employer)
    session.commit()

    created = client.post(
        f"{EMPLOYERS}/{employer.id}/contacts",
        json={"name": "L", "phone": consultant.phone},
        headers=tenant.headers,
    )
    updated = client.patch(
        f"{CONTACTS}/{contact.id}", json={"phone": consultant.phone}, headers=tenant.headers
    )

    assert_conflict(created, "phone")
    assert_conflict(updated, "phone")


def test_no_contacts_for_a_deactivated_employer(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    employer = make_employer(session, tenant.jobcentre, active=False)
    session.commit()

    response = client.post(
        f"{EMPLOYERS}/{employer.id}/contacts", json={"name": "L"}, headers=tenant.headers
    )

    assert_unprocessable(response, "path", "employer_id")


def test_deactivating_an_employer_ends_its_contacts_and_placements(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    employer, other_employer = (
        make_employer(session, tenant.jobcentre),
        make_employer(session, tenant.jobcentre),
    )
    contact, other_contact = make_contact(session, employer), make_contact(session, other_employer)
    citizen = make_citizen(session, tenant.jobcentre)
    placement = make_placement(session, citizen, contact)
    other_placement = make_placement(session, citizen, other_contact)
    session.commit()

    assert client.delete(f"{EMPLOYERS}/{employer.id}", headers=tenant.headers).status_code == 204

    session.expire_all()
    assert session.get(Employer, employer.id).active is False  # type: ignore[union-attr]
    assert session.get(EmployerContact, contact.id).active is False  # type: ignore[union-attr]
    assert session.get(Placement, placement.id).active is False  # type: ignore[union-attr]
    assert session.get(EmployerContact, other_contact.id).active is True  # type: ignore[union-attr]
    assert session.get(Placement, other_placement.id).active is True  # type: ignore[union-attr]


def test_contact_with_active_placements_cannot_be_deactivated(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    employer = make_employer(session, tenant.jobcentre)
    contact, successor = make_contact(session, employer), make_contact(session, employer)
    placement = make_placement(session, make_citizen(session, tenant.jobcentre), contact)
    session.commit()

    refused = client.delete(f"{CONTACTS}/{contact.id}", headers=tenant.headers)
    assert refused.status_code == 409
    assert "placements" in refused.json()["detail"]

    moved = client.patch(
        f"{API}/placements/{placement.id}",
        json={"contact_id": successor.id},
        headers=tenant.headers,
    )
    assert moved.status_code == 200, moved.text
    assert client.delete(f"{CONTACTS}/{contact.id}", headers=tenant.headers).status_code == 204


def test_other_jobcentres_employers_and_contacts_are_invisible(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Aarhus")
    mine = make_employer(session, tenant.jobcentre)
    theirs = make_employer(session, other.jobcentre)
    their_contact = make_contact(session, theirs)
    session.commit()

    listed = client.get(EMPLOYERS, params={"include_inactive": True}, headers=tenant.headers)
    assert [e["id"] for e in listed.json()["data"]] == [mine.id]

    missing_employer = client.get(f"{EMPLOYERS}/999999", headers=tenant.headers).json()
    for response in (
        client.get(f"{EMPLOYERS}/{theirs.id}", headers=tenant.headers),
        client.patch(f"{EMPLOYERS}/{theirs.id}", json={"name": "X"}, headers=tenant.headers),
        client.delete(f"{EMPLOYERS}/{theirs.id}", headers=tenant.headers),
        client.get(f"{EMPLOYERS}/{theirs.id}/contacts", headers=tenant.headers),
        client.post(
            f"{EMPLOYERS}/{theirs.id}/contacts", json={"name": "X"}, headers=tenant.headers
        ),
    ):
        assert response.status_code == 404
        assert response.json() == missing_employer

    missing_contact = client.get(f"{CONTACTS}/999999", headers=tenant.headers).json()
    for response in (
        client.get(f"{CONTACTS}/{their_contact.id}", headers=tenant.headers),
        client.patch(f"{CONTACTS}/{their_contact.id}", json={"name": "X"}, headers=tenant.headers),
        client.delete(f"{CONTACTS}/{their_contact.id}", headers=tenant.headers),
    ):
        assert response.status_code == 404
        assert response.json() == missing_contact

    theirs_seen_by_them = client.get(f"{EMPLOYERS}/{theirs.id}/contacts", headers=other.headers)
    assert [c["id"] for c in theirs_seen_by_them.json()["data"]] == [their_contact.id]
    assert client.get(f"{EMPLOYERS}/{mine.id}", headers=other.headers).status_code == 404
