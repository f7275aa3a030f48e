"""Interviews through the API: booking, validation, listing, rescheduling, cancelling, tenants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from bot.models import (
    Citizen,
    Direction,
    EmployerContact,
    Message,
    MessageStatus,
    WebhookEvent,
    WebhookSubscription,
)
from tests.factories import ident, make_citizen, make_consultant, make_contact, make_employer
from tests.webhooks.api_helpers import API, Tenant, assert_unprocessable, make_tenant

# The clock fixture stands at Tuesday 24 November 2026, 07:30 in Copenhagen.
THURSDAY_10 = "2026-11-26T10:00:00+01:00"


@dataclass
class People:
    """A tenant with a citizen and an employer contact."""

    tenant: Tenant
    citizen: Citizen
    contact: EmployerContact

    def body(self, **overrides: Any) -> dict[str, Any]:
        """A valid booking, with changes."""
        return {
            "citizen_id": self.citizen.id,
            "employer_id": self.contact.employer_id,
            "contact_id": self.contact.id,
            "starts_at": THURSDAY_10,
            "address": "Torvet 3, 2630 Taastrup",
            "contact_name": "Lars Holm",
            "notes": "Bring the work permit",
            **overrides,
        }


def _people(session: Session, name: str = "Jobcenter Høje-Taastrup") -> People:
    """A tenant whose citizen reads English."""
    tenant = make_tenant(session, name)
    consultant = make_consultant(session, tenant.jobcentre, language="en")
    citizen = make_citizen(session, tenant.jobcentre, consultant, first_name="Ali", language="en")
    contact = make_contact(session, make_employer(session, tenant.jobcentre), language="en")
    session.commit()
    return People(tenant, citizen, contact)


def _create(client: TestClient, people: People, **overrides: Any) -> dict[str, Any]:
    """Book through the API; the created interview."""
    response = client.post(
        f"{API}/interviews", json=people.body(**overrides), headers=people.tenant.headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _texts(session: Session, citizen: Citizen) -> list[Message]:
    """Outbound messages to the citizen, oldest first."""
    session.expire_all()
    query = select(Message).where(
        Message.address == citizen.phone, Message.direction == Direction.OUTBOUND
    )
    return list(session.exec(query.order_by(col(Message.id))).all())


def test_booking_stores_it_and_tells_the_citizen(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    people = _people(session)
    session.add(
        WebhookSubscription(
            jobcentre_id=people.tenant.id, url="https://case.example.org/h", secret="whsec_x"
        )
    )
    session.commit()
    created = _create(client, people)
    assert created["starts_at"] in ("2026-11-26T09:00:00Z", "2026-11-26T09:00:00+00:00")
    assert created["status"] == "scheduled" and created["attendance"] == "unknown"
    assert (created["stage"], created["version"]) == ("tips", 1)
    assert created["due_at"].startswith("2026-11-24T17:00:00")
    assert created["notes"] == "Bring the work permit"
    (booked,) = _texts(session, people.citizen)
    assert booked.kind == "interview.booked" and "Thursday 26 November 10:00" in booked.body
    assert "work permit" not in booked.body  # notes are for the consultant
    kinds = [e.kind for e in session.exec(select(WebhookEvent)).all()]
    assert kinds == ["interview.scheduled"]


def test_the_employer_is_the_contacts_when_left_out(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    people = _people(session)
    body = people.body()
    del body["employer_id"]
    response = client.post(f"{API}/interviews", json=body, headers=people.tenant.headers)
    assert response.status_code == 201, response.text
    assert response.json()["employer_id"] == people.contact.employer_id
    minimal = {"citizen_id": people.citizen.id, "starts_at": THURSDAY_10, "address": "Torvet 3"}
    response = client.post(f"{API}/interviews", json=minimal, headers=people.tenant.headers)
    assert response.status_code == 201, response.text
    assert (response.json()["employer_id"], response.json()["contact_id"]) == (None, None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("starts_at", "2026-11-26T10:00:00"),  # no time zone
        ("starts_at", "2026-11-23T10:00:00+01:00"),  # in the past
        ("starts_at", "2028-01-01T10:00:00+01:00"),  # more than a year ahead
        ("starts_at", "next thursday"),
        ("starts_at", None),
        ("address", "   "),
        ("address", None),
        ("address", "x" * 301),
        ("contact_name", "x" * 201),
        ("notes", "a\u0000b"),
        ("citizen_id", None),
        ("citizen_id", 0),
        ("citizen_id", 999_999),
        ("employer_id", 999_999),
        ("contact_id", 999_999),
        ("unknown", 1),
    ],
)
def test_bad_bookings_are_422_naming_the_field(
    client: TestClient, session: Session, clock: time_machine.Traveller, field: str, value: Any
) -> None:
    people = _people(session)
    response = client.post(
        f"{API}/interviews", json=people.body(**{field: value}), headers=people.tenant.headers
    )
    assert_unprocessable(response, "body", field)
    assert _texts(session, people.citizen) == []


def test_a_naive_time_says_what_is_missing(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    people = _people(session)
    response = client.post(
        f"{API}/interviews",
        json=people.body(starts_at="2026-11-26T10:00:00"),
        headers=people.tenant.headers,
    )
    assert "time zone" in response.json()["detail"][0]["msg"]


def test_references_must_be_the_callers_and_fit_together(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    people = _people(session)
    other = _people(session, "Jobcenter Roskilde")
    neighbour = make_contact(session, make_employer(session, people.tenant.jobcentre, name="Nord"))
    session.commit()
    headers = people.tenant.headers
    for field, value in (
        ("citizen_id", other.citizen.id),
        ("employer_id", other.contact.employer_id),
        ("contact_id", other.contact.id),
        ("contact_id", neighbour.id),  # a contact of another employer
    ):
        response = client.post(
            f"{API}/interviews", json=people.body(**{field: value}), headers=headers
        )
        assert_unprocessable(response, "body", field)


def test_too_soon_to_tell_the_citizen_is_refused(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    """At 23:00 an interview at 06:30 could only be told at 07:00: 422."""
    clock.move_to("2026-11-24T22:00:00+00:00")
    people = _people(session)
    response = client.post(
        f"{API}/interviews",
        json=people.body(starts_at="2026-11-25T06:30:00+01:00"),
        headers=people.tenant.headers,
    )
    assert_unprocessable(response, "body", "starts_at")
    assert "quiet hours" in response.json()["detail"][0]["msg"]


def test_several_per_citizen_listed_and_filtered(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    people = _people(session)
    later = _create(client, people, starts_at="2026-12-03T10:00:00+01:00")
    sooner = _create(client, people)
    second = make_citizen(session, people.tenant.jobcentre, first_name="Sara")
    session.commit()
    theirs = _create(client, people, citizen_id=second.id)
    headers = people.tenant.headers
    client.post(f"{API}/interviews/{theirs['id']}/cancel", headers=headers)

    listed = client.get(f"{API}/interviews", headers=headers).json()
    assert listed["count"] == 3
    assert [i["id"] for i in listed["data"]] == [sooner["id"], theirs["id"], later["id"]]
    mine = client.get(
        f"{API}/interviews", params={"citizen_id": people.citizen.id}, headers=headers
    ).json()
    assert [i["id"] for i in mine["data"]] == [sooner["id"], later["id"]]
    cancelled = client.get(f"{API}/interviews", params={"status": "cancelled"}, headers=headers)
    assert [i["id"] for i in cancelled.json()["data"]] == [theirs["id"]]
    bad = client.get(f"{API}/interviews", params={"status": "maybe"}, headers=headers)
    assert_unprocessable(bad, "query", "status")
    one = client.get(f"{API}/interviews/{sooner['id']}", headers=headers)
    assert one.status_code == 200 and one.json()["address"] == "Torvet 3, 2630 Taastrup"


def test_rescheduling_bumps_the_version_and_tells_the_citizen(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    people = _people(session)
    created = _create(client, people)
    for message in _texts(session, people.citizen):
        message.status = MessageStatus.SENT
        session.add(message)
    session.commit()
    url = f"{API}/interviews/{created['id']}"
    headers = people.tenant.headers

    notes = client.patch(url, json={"notes": "Ask about the bus"}, headers=headers)
    assert notes.status_code == 200 and notes.json()["version"] == 1
    assert len(_texts(session, people.citizen)) == 1  # notes only: nobody is told

    moved = client.patch(url, json={"starts_at": "2026-11-30T09:00:00+01:00"}, headers=headers)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["version"], moved.json()["stage"]) == (2, "tips")
    assert moved.json()["due_at"].startswith("2026-11-28T17:00:00")
    last = _texts(session, people.citizen)[-1]
    assert last.kind == "interview.rescheduled" and "Monday 30 November 09:00" in last.body

    address = client.patch(url, json={"address": "Hovedgaden 1"}, headers=headers)
    assert address.json()["version"] == 3
    assert "Hovedgaden 1" in _texts(session, people.citizen)[-1].body
    # the unsent text about the 09:00 time with the old address was withdrawn
    statuses = [m.status for m in _texts(session, people.citizen)]
    assert statuses == [MessageStatus.SENT, MessageStatus.CANCELLED, MessageStatus.PENDING]

    for body in ({"starts_at": "2026-11-30T09:00:00"}, {"address": ""}, {"starts_at": None}):
        assert_unprocessable(client.patch(url, json=body, headers=headers), "body", *body)


def test_cancelling_by_post_or_delete(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    people = _people(session)
    headers = people.tenant.headers
    first = _create(client, people)
    second = _create(client, people, starts_at="2026-12-01T10:00:00+01:00")
    for message in _texts(session, people.citizen):
        message.status = MessageStatus.SENT
        session.add(message)
    session.commit()

    cancelled = client.post(f"{API}/interviews/{first['id']}/cancel", headers=headers)
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert (body["status"], body["stage"], body["due_at"]) == ("cancelled", "done", None)
    assert body["cancelled_at"] is not None
    assert _texts(session, people.citizen)[-1].kind == "interview.cancelled"
    again = client.post(f"{API}/interviews/{first['id']}/cancel", headers=headers)
    assert again.status_code == 200
    assert [m.kind for m in _texts(session, people.citizen)].count("interview.cancelled") == 1
    patched = client.patch(f"{API}/interviews/{first['id']}", json={"notes": "x"}, headers=headers)
    assert patched.status_code == 409

    deleted = client.delete(f"{API}/interviews/{second['id']}", headers=headers)
    assert deleted.status_code == 204
    kept = client.get(f"{API}/interviews/{second['id']}", headers=headers).json()
    assert kept["status"] == "cancelled"


def test_another_jobcentres_interviews_are_invisible(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    """404 for reading, changing and cancelling; absent from the list."""
    people = _people(session)
    other = _people(session, "Jobcenter Roskilde")
    created = _create(client, people)
    url = f"{API}/interviews/{created['id']}"
    headers = other.tenant.headers
    assert client.get(url, headers=headers).status_code == 404
    assert client.patch(url, json={"notes": "x"}, headers=headers).status_code == 404
    assert client.post(f"{url}/cancel", headers=headers).status_code == 404
    assert client.delete(url, headers=headers).status_code == 404
    assert client.get(f"{API}/interviews", headers=headers).json()["count"] == 0
    assert client.get(url, headers=people.tenant.headers).json()["status"] == "scheduled"
    assert client.get(f"{API}/interviews/99999999", headers=headers).status_code == 404


def test_the_timeline_shows_interviews(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    people = _people(session)
    created = _create(client, people)
    response = client.get(
        f"{API}/citizens/{ident(people.citizen)}/timeline", headers=people.tenant.headers
    )
    (entry,) = [e for e in response.json()["data"] if e["kind"] == "interview.scheduled"]
    assert entry["id"] == created["id"]
    assert entry["detail"]["status"] == "scheduled"
    assert entry["detail"]["attendance"] == "unknown"
    assert {"feedback", "outcome", "version"} <= set(entry["detail"])
