"""Placements through the API: references within the jobcentre, schedule and date rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.models import Citizen, EmployerContact, Placement
from tests.factories import make_citizen, make_contact, make_employer, make_placement
from tests.webhooks.api_helpers import API, Tenant, assert_unprocessable, make_tenant

URL = f"{API}/placements"
DAY = {"start": "08:00", "end": "15:30"}


def _cast(session: Session, tenant: Tenant) -> tuple[int, int, int]:
    """An active citizen, employer and contact person in the tenant's jobcentre."""
    employer = make_employer(session, tenant.jobcentre)
    contact = make_contact(session, employer)
    citizen = make_citizen(session, tenant.jobcentre)
    session.commit()
    assert citizen.id and contact.id and employer.id
    return citizen.id, contact.id, employer.id


def _body(citizen_id: int, contact_id: int, /, **overrides: Any) -> dict[str, Any]:
    """A valid placement body."""
    return {
        "citizen_id": citizen_id,
        "contact_id": contact_id,
        "kind": "virksomhedspraktik",
        "start_date": "2026-12-01",
        "end_date": "2027-02-28",
        "workplace_address": "Torvet 3, 2630 Taastrup",
        "schedule": {"mon": DAY, "tue": DAY, "wed": {"start": "09:00", "end": "13:00"}},
        **overrides,
    }


def test_placement_crud_round_trip(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    citizen_id, contact_id, employer_id = _cast(session, tenant)

    created = client.post(URL, json=_body(citizen_id, contact_id), headers=tenant.headers)
    assert created.status_code == 201, created.text
    placement = created.json()
    assert placement == {
        "id": placement["id"],
        "citizen_id": citizen_id,
        "contact_id": contact_id,
        "employer_id": employer_id,
        "kind": "virksomhedspraktik",
        "start_date": "2026-12-01",
        "end_date": "2027-02-28",
        "workplace_address": "Torvet 3, 2630 Taastrup",
        "schedule": {
            "mon": {"start": "08:00:00", "end": "15:30:00"},
            "tue": {"start": "08:00:00", "end": "15:30:00"},
            "wed": {"start": "09:00:00", "end": "13:00:00"},
            "thu": None,
            "fri": None,
            "sat": None,
            "sun": None,
        },
        "active": True,
        "created_at": "2026-11-24T06:30:00Z",
        "wakeup_enabled": True,
        "wakeup_days": 5,
        "wakeup_lead_minutes": 90,
        "wakeup_reply_minutes": 20,
        "checkin_enabled": True,
        "checkin_interval_days": 30,
        "started_confirmed_at": None,
        "end_requested_at": None,
    }
    stored = session.get(Placement, placement["id"])
    assert stored is not None
    assert stored.schedule == {
        "mon": {"start": "08:00:00", "end": "15:30:00"},
        "tue": {"start": "08:00:00", "end": "15:30:00"},
        "wed": {"start": "09:00:00", "end": "13:00:00"},
    }

    url = f"{URL}/{placement['id']}"
    assert client.get(url, headers=tenant.headers).json() == placement
    assert client.get(URL, headers=tenant.headers).json() == {"data": [placement], "count": 1}

    patched = client.patch(
        url,
        json={"kind": "loentilskud", "end_date": None, "schedule": {"fri": DAY}},
        headers=tenant.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json() == {
        **placement,
        "kind": "loentilskud",
        "end_date": None,
        "schedule": {
            "mon": None,
            "tue": None,
            "wed": None,
            "thu": None,
            "fri": {"start": "08:00:00", "end": "15:30:00"},
            "sat": None,
            "sun": None,
        },
    }

    assert client.delete(url, headers=tenant.headers).status_code == 204
    assert client.get(url, headers=tenant.headers).json()["active"] is False
    assert client.get(URL, headers=tenant.headers).json()["count"] == 0
    assert (
        client.get(URL, params={"include_inactive": True}, headers=tenant.headers).json()["count"]
        == 1
    )


def test_moving_to_another_contact_moves_the_employer(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    citizen_id, contact_id, _ = _cast(session, tenant)
    new_employer = make_employer(session, tenant.jobcentre)
    new_contact = make_contact(session, new_employer)
    session.commit()
    placement = client.post(URL, json=_body(citizen_id, contact_id), headers=tenant.headers).json()

    moved = client.patch(
        f"{URL}/{placement['id']}", json={"contact_id": new_contact.id}, headers=tenant.headers
    )

    assert moved.status_code == 200, moved.text
    assert (moved.json()["contact_id"], moved.json()["employer_id"]) == (
        new_contact.id,
        new_employer.id,
    )


def test_list_filters(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    employer = make_employer(session, tenant.jobcentre)
    contact = make_contact(session, employer)
    other_contact = make_contact(session, make_employer(session, tenant.jobcentre))
    citizen, other_citizen = (
        make_citizen(session, tenant.jobcentre),
        make_citizen(session, tenant.jobcentre),
    )
    wanted = make_placement(session, citizen, contact, kind="fritidsjob")
    make_placement(session, other_citizen, other_contact)
    session.commit()

    for params in (
        {"citizen_id": citizen.id},
        {"contact_id": contact.id},
        {"employer_id": employer.id},
        {"kind": "fritidsjob"},
    ):
        listed = client.get(URL, params=params, headers=tenant.headers).json()
        assert [p["id"] for p in listed["data"]] == [wanted.id], params
        assert listed["count"] == 1


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"kind": "slavery"}, ("body", "kind")),
        ({"start_date": "2026-13-01"}, ("body", "start_date")),
        ({"end_date": "2026-11-30"}, ("body", "end_date")),
        ({"schedule": {"mon": {"start": "15:00", "end": "08:00"}}}, ("body", "schedule", "mon")),
        (
            {"schedule": {"mon": {"start": "25:00", "end": "26:00"}}},
            ("body", "schedule", "mon", "start"),
        ),
        ({"schedule": {"monday": DAY}}, ("body", "schedule", "monday")),
        ({"schedule": {"mon": {"start": "08:00"}}}, ("body", "schedule", "mon", "end")),
        (
            {"schedule": {"mon": {"start": "08:00Z", "end": "15:00Z"}}},
            ("body", "schedule", "mon", "start"),
        ),
        ({"schedule": None}, ("body", "schedule")),
        ({"employer_id": 1}, ("body", "employer_id")),
        ({"workplace_address": "x" * 301}, ("body", "workplace_address")),
    ],
)
def test_create_refuses_bad_fields(
    client: TestClient, session: Session, overrides: dict[str, Any], loc: tuple[str, ...]
) -> None:
    tenant = make_tenant(session)
    citizen_id, contact_id, _ = _cast(session, tenant)

    response = client.post(
        URL, json=_body(citizen_id, contact_id, **overrides), headers=tenant.headers
    )

    assert_unprocessable(response, *loc)


def test_schedule_is_required_but_may_be_empty(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    citizen_id, contact_id, _ = _cast(session, tenant)
    body = _body(citizen_id, contact_id)
    del body["schedule"]

    missing = client.post(URL, json=body, headers=tenant.headers)
    irregular = client.post(URL, json={**body, "schedule": {}}, headers=tenant.headers)

    assert_unprocessable(missing, "body", "schedule")
    assert irregular.status_code == 201, irregular.text


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"end_date": "2026-09-30"}, "end_date"),  # before the stored start
        ({"start_date": "2027-03-01"}, "start_date"),  # after the stored end
        ({"start_date": "2027-03-01", "end_date": "2027-02-01"}, "end_date"),
        ({"start_date": None}, "start_date"),
        ({"kind": None}, "kind"),
        ({"schedule": None}, "schedule"),
        ({"contact_id": None}, "contact_id"),
        ({"citizen_id": 1}, "citizen_id"),
        ({"schedule": {"sun": {"start": "10:00", "end": "10:00"}}}, "schedule"),
    ],
)
def test_update_refuses_bad_fields(
    client: TestClient, session: Session, patch: dict[str, Any], field: str
) -> None:
    tenant = make_tenant(session)
    citizen = make_citizen(session, tenant.jobcentre)
    contact = make_contact(session, make_employer(session, tenant.jobcentre))
    placement = make_placement(session, citizen, contact, end_date=date(2027, 1, 31))
    session.commit()

    response = client.patch(f"{URL}/{placement.id}", json=patch, headers=tenant.headers)

    assert response.status_code == 422, response.text
    assert any(e["loc"][:2] == ["body", field] for e in response.json()["detail"]), response.text


def test_references_must_be_active_and_in_the_callers_jobcentre(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Aarhus")
    citizen_id, contact_id, _ = _cast(session, tenant)
    foreign_citizen, foreign_contact, _ = _cast(session, other)
    retired_citizen = make_citizen(session, tenant.jobcentre, active=False)
    retired_contact = make_contact(session, make_employer(session, tenant.jobcentre), active=False)
    placement = make_placement(
        session, session.get_one(Citizen, citizen_id), session.get_one(EmployerContact, contact_id)
    )
    session.commit()

    cases: list[tuple[dict[str, Any], str]] = [
        ({"citizen_id": foreign_citizen}, "citizen_id"),
        ({"citizen_id": retired_citizen.id}, "citizen_id"),
        ({"citizen_id": 999999}, "citizen_id"),
        ({"contact_id": foreign_contact}, "contact_id"),
        ({"contact_id": retired_contact.id}, "contact_id"),
        ({"contact_id": 999999}, "contact_id"),
    ]
    for overrides, field in cases:
        response = client.post(
            URL, json=_body(citizen_id, contact_id, **overrides), headers=tenant.headers
        )
        assert_unprocessable(response, "body", field)

    for contact in (foreign_contact, retired_contact.id):
        moved = client.patch(
            f"{URL}/{placement.id}", json={"contact_id": contact}, headers=tenant.headers
        )
        assert_unprocessable(moved, "body", "contact_id")


def test_other_jobcentres_placements_are_invisible(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Aarhus")
    mine = make_placement(
        session,
        make_citizen(session, tenant.jobcentre),
        make_contact(session, make_employer(session, tenant.jobcentre)),
    )
    their_citizen = make_citizen(session, other.jobcentre)
    theirs = make_placement(
        session, their_citizen, make_contact(session, make_employer(session, other.jobcentre))
    )
    session.commit()

    listed = client.get(URL, params={"include_inactive": True}, headers=tenant.headers).json()
    assert [p["id"] for p in listed["data"]] == [mine.id]
    by_their_citizen = client.get(
        URL, params={"citizen_id": their_citizen.id}, headers=tenant.headers
    )
    assert by_their_citizen.json() == {"data": [], "count": 0}

    missing = client.get(f"{URL}/999999", headers=tenant.headers).json()
    for response in (
        client.get(f"{URL}/{theirs.id}", headers=tenant.headers),
        client.patch(f"{URL}/{theirs.id}", json={"kind": "fritidsjob"}, headers=tenant.headers),
        client.delete(f"{URL}/{theirs.id}", headers=tenant.headers),
    ):
        assert response.status_code == 404
        assert response.json() == missing

    seen_by_them = client.get(f"{URL}/{theirs.id}", headers=other.headers).json()
    assert (seen_by_them["kind"], seen_by_them["active"]) == ("virksomhedspraktik", True)
    assert client.get(f"{URL}/{mine.id}", headers=other.headers).status_code == 404


def test_wake_up_and_check_in_settings_through_the_api(
    client: TestClient, session: Session
) -> None:
    """Wake-ups every working day, 60 minutes ahead; check-ins every three weeks; then off."""
    tenant = make_tenant(session)
    citizen_id, contact_id, _ = _cast(session, tenant)
    body = _body(
        citizen_id,
        contact_id,
        wakeup_days=None,
        wakeup_lead_minutes=60,
        wakeup_reply_minutes=15,
        checkin_interval_days=21,
    )
    created = client.post(URL, json=body, headers=tenant.headers)
    assert created.status_code == 201, created.text
    assert created.json()["wakeup_days"] is None
    stored = session.get(Placement, created.json()["id"])
    assert stored is not None
    assert (stored.wakeup_lead_minutes, stored.wakeup_reply_minutes) == (60, 15)
    assert stored.checkin_interval_days == 21

    patched = client.patch(
        f"{URL}/{stored.id}",
        json={"wakeup_enabled": False, "checkin_enabled": False, "wakeup_days": 3},
        headers=tenant.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["wakeup_enabled"] is False
    assert patched.json()["checkin_enabled"] is False
    assert patched.json()["wakeup_days"] == 3


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"wakeup_lead_minutes": 5}, "wakeup_lead_minutes"),
        ({"wakeup_reply_minutes": 0}, "wakeup_reply_minutes"),
        ({"wakeup_days": 0}, "wakeup_days"),
        ({"checkin_interval_days": 1}, "checkin_interval_days"),
        ({"wakeup_enabled": None}, "wakeup_enabled"),
    ],
)
def test_follow_up_settings_are_checked(
    client: TestClient, session: Session, patch: dict[str, Any], field: str
) -> None:
    """Out-of-range settings are refused with the field named, on create and update."""
    tenant = make_tenant(session)
    citizen_id, contact_id, _ = _cast(session, tenant)
    created = client.post(URL, json=_body(citizen_id, contact_id, **patch), headers=tenant.headers)
    assert_unprocessable(created, "body", field)
    placement = client.post(URL, json=_body(citizen_id, contact_id), headers=tenant.headers).json()
    response = client.patch(f"{URL}/{placement['id']}", json=patch, headers=tenant.headers)
    assert_unprocessable(response, "body", field)
