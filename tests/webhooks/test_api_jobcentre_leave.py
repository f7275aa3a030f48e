"""The jobcentre's hours and closures, people's leave, and consultant backups through the API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bot.hours import closure_days
from bot.models import Consultant, Jobcentre, Leave, ParticipantKind
from tests.factories import make_citizen, make_consultant
from tests.webhooks.api_helpers import API, assert_conflict, assert_unprocessable, make_tenant


def test_read_and_change_the_jobcentre_hours(client: TestClient, session: Session) -> None:
    """Defaults: quiet 21-07, office 08-16, 60 minutes; a PATCH changes only what is sent."""
    tenant = make_tenant(session)
    body = client.get(f"{API}/jobcentre", headers=tenant.headers).json()
    assert body["quiet_start"] == "21:00:00" and body["quiet_end"] == "07:00:00"
    assert body["office_open"] == "08:00:00" and body["office_close"] == "16:00:00"
    assert body["alert_ack_minutes"] == 60

    patched = client.patch(
        f"{API}/jobcentre",
        json={"quiet_start": "20:30", "alert_ack_minutes": 30},
        headers=tenant.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["quiet_start"] == "20:30:00"
    assert patched.json()["office_open"] == "08:00:00"
    session.expire_all()
    assert session.get_one(Jobcentre, tenant.id).alert_ack_minutes == 30


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"office_open": "17:00"}, "office_open"),
        ({"office_close": "07:00"}, "office_close"),
        ({"quiet_start": None}, "quiet_start"),
        ({"quiet_end": "25:00"}, "quiet_end"),
        ({"quiet_end": "07:00+01:00"}, "quiet_end"),
        ({"alert_ack_minutes": 1}, "alert_ack_minutes"),
        ({"default_language": "xx"}, "default_language"),
        ({"name": " "}, "name"),
    ],
)
def test_bad_hours_are_refused(
    client: TestClient, session: Session, patch: dict[str, Any], field: str
) -> None:
    """422 naming the field; nothing stored."""
    tenant = make_tenant(session)
    response = client.patch(f"{API}/jobcentre", json=patch, headers=tenant.headers)
    assert_unprocessable(response, "body", field)


def test_closure_days(client: TestClient, session: Session) -> None:
    """Add, list in order, refuse a duplicate with 409, remove; other jobcentres unaffected."""
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Aarhus")
    url = f"{API}/jobcentre/closures"
    for day in ("2026-12-31", "2026-12-28"):
        created = client.post(url, json={"day": day, "note": "Juleluk"}, headers=tenant.headers)
        assert created.status_code == 201, created.text
    assert_conflict(client.post(url, json={"day": "2026-12-28"}, headers=tenant.headers), "day")
    listed = client.get(url, headers=tenant.headers).json()
    assert [c["day"] for c in listed["data"]] == ["2026-12-28", "2026-12-31"]
    assert client.get(url, headers=other.headers).json()["count"] == 0
    assert closure_days(session, tenant.id) == {date(2026, 12, 28), date(2026, 12, 31)}

    assert client.delete(f"{url}/2026-12-28", headers=other.headers).status_code == 404
    assert client.delete(f"{url}/2026-12-28", headers=tenant.headers).status_code == 204
    assert client.delete(f"{url}/2026-12-28", headers=tenant.headers).status_code == 404
    assert closure_days(session, tenant.id) == {date(2026, 12, 31)}
    assert client.post(url, json={"day": "31-12-2026"}, headers=tenant.headers).status_code == 422


def test_leave_for_citizens_and_consultants(client: TestClient, session: Session) -> None:
    """Leave is kept as dates only, listed per person, and removable."""
    tenant = make_tenant(session)
    consultant = make_consultant(session, tenant.jobcentre)
    citizen = make_citizen(session, tenant.jobcentre, consultant)
    session.commit()
    span = {"first_day": "2026-12-21", "last_day": "2027-01-01"}
    for path, kind, person_id in (
        (f"{API}/citizens/{citizen.id}/leave", ParticipantKind.CITIZEN, citizen.id),
        (f"{API}/consultants/{consultant.id}/leave", ParticipantKind.CONSULTANT, consultant.id),
    ):
        created = client.post(path, json=span, headers=tenant.headers)
        assert created.status_code == 201, created.text
        assert created.json()["participant_kind"] == kind
        listed = client.get(path, headers=tenant.headers).json()
        assert listed["count"] == 1 and listed["data"][0]["participant_id"] == person_id
    leave_id = client.get(f"{API}/citizens/{citizen.id}/leave", headers=tenant.headers).json()[
        "data"
    ][0]["id"]
    assert client.delete(f"{API}/leave/{leave_id}", headers=tenant.headers).status_code == 204
    assert len(session.exec(select(Leave)).all()) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_day": "2026-12-21", "last_day": "2026-12-20"}, "last_day"),
        ({"first_day": "2026-01-01", "last_day": "2027-06-01"}, "last_day"),
        ({"first_day": "2026-12-21"}, "last_day"),
        ({"first_day": "2026-12-21", "last_day": "2026-12-22", "reason": "sick"}, "reason"),
    ],
)
def test_bad_leave_is_refused(
    client: TestClient, session: Session, body: dict[str, Any], field: str
) -> None:
    """422 naming the field; a reason cannot even be sent (leave carries no health data)."""
    tenant = make_tenant(session)
    citizen = make_citizen(session, tenant.jobcentre)
    session.commit()
    response = client.post(f"{API}/citizens/{citizen.id}/leave", json=body, headers=tenant.headers)
    assert_unprocessable(response, "body", field)


def test_leave_of_another_jobcentre_is_invisible(client: TestClient, session: Session) -> None:
    """Another jobcentre's people and leave answer 404."""
    mine = make_tenant(session)
    theirs = make_tenant(session, name="Jobcenter Odense")
    citizen = make_citizen(session, theirs.jobcentre)
    session.commit()
    span = {"first_day": "2026-12-21", "last_day": "2026-12-22"}
    url = f"{API}/citizens/{citizen.id}/leave"
    assert client.post(url, json=span, headers=mine.headers).status_code == 404
    assert client.get(url, headers=mine.headers).status_code == 404
    leave_id = client.post(url, json=span, headers=theirs.headers).json()["id"]
    assert client.delete(f"{API}/leave/{leave_id}", headers=mine.headers).status_code == 404


def test_consultant_backup(client: TestClient, session: Session) -> None:
    """A backup must be another active consultant of the same jobcentre."""
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Vejle")
    mette = make_consultant(session, tenant.jobcentre)
    jonas = make_consultant(session, tenant.jobcentre, name="Jonas Berg")
    stranger = make_consultant(session, other.jobcentre, name="Ole Ny")
    session.commit()
    url = f"{API}/consultants/{mette.id}"

    ok = client.patch(url, json={"backup_id": jonas.id}, headers=tenant.headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["backup_id"] == jonas.id
    for backup_id in (mette.id, stranger.id, 999_999):
        response = client.patch(url, json={"backup_id": backup_id}, headers=tenant.headers)
        assert_unprocessable(response, "body", "backup_id")
    created = client.post(
        f"{API}/consultants",
        json={"name": "Ny Konsulent", "phone": "+4530303030", "backup_id": stranger.id},
        headers=tenant.headers,
    )
    assert_unprocessable(created, "body", "backup_id")
    cleared = client.patch(url, json={"backup_id": None}, headers=tenant.headers)
    assert cleared.json()["backup_id"] is None
    session.expire_all()
    assert session.get_one(Consultant, mette.id).backup_id is None
