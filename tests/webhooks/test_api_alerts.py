"""Alerts through the API: filters, acknowledge, resolve; one jobcentre never sees another's."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.models import Alert, AlertKind, AlertSeverity, Citizen
from flows.alerts import raise_alert
from messages import T
from tests.factories import make_citizen, make_consultant
from tests.webhooks.api_helpers import API, Tenant, assert_unprocessable, make_tenant

URL = f"{API}/alerts"


def _citizen(session: Session, tenant: Tenant) -> Citizen:
    """A citizen with a consultant in the tenant."""
    consultant = make_consultant(session, tenant.jobcentre)
    citizen = make_citizen(session, tenant.jobcentre, consultant)
    session.commit()
    return citizen


def _raise(
    session: Session,
    citizen: Citizen,
    key: str,
    severity: AlertSeverity = AlertSeverity.ATTENTION,
    kind: AlertKind = AlertKind.EMPLOYER_REPORT,
) -> Alert:
    """One alert about the citizen."""
    alert = raise_alert(
        session,
        citizen=citizen,
        kind=kind,
        severity=severity,
        summary=T("Something happened."),
        key=key,
    )
    session.commit()
    return alert


def test_list_filters_and_reads(client: TestClient, session: Session, clock: object) -> None:
    """Newest first; open/severity/kind/citizen/consultant filters narrow the list."""
    tenant = make_tenant(session)
    citizen = _citizen(session, tenant)
    other = _citizen(session, tenant)
    first = _raise(session, citizen, "a", AlertSeverity.URGENT, AlertKind.WAKEUP_MISSED)
    second = _raise(session, citizen, "b")
    third = _raise(session, other, "c", AlertSeverity.INFO)

    listed = client.get(URL, headers=tenant.headers).json()
    assert listed["count"] == 3
    assert [a["id"] for a in listed["data"]] == [third.id, second.id, first.id]
    assert listed["data"][-1]["ref"] == f"A{first.id}"

    def ids(**params: Any) -> list[int]:
        response = client.get(URL, params=params, headers=tenant.headers)
        assert response.status_code == 200, response.text
        return [a["id"] for a in response.json()["data"]]

    assert ids(severity="urgent") == [first.id]
    assert ids(kind="employer_report") == [third.id, second.id]
    assert ids(citizen_id=other.id) == [third.id]
    assert ids(consultant_id=citizen.consultant_id) == [second.id, first.id]
    assert ids(open=True) == [third.id, second.id, first.id]
    assert ids(open=False) == []

    one = client.get(f"{URL}/{first.id}", headers=tenant.headers).json()
    assert one["kind"] == "wakeup_missed" and one["severity"] == "urgent"
    assert one["notified_consultant_id"] == citizen.consultant_id


def test_acknowledge_then_resolve(client: TestClient, session: Session, clock: object) -> None:
    """Acknowledging stops escalation; resolving records who and what; repeats keep the first."""
    tenant = make_tenant(session)
    alert = _raise(session, _citizen(session, tenant), "a", AlertSeverity.URGENT)
    assert alert.escalate_at is not None

    acked = client.post(
        f"{URL}/{alert.id}/acknowledge", json={"by": "Mette"}, headers=tenant.headers
    )
    assert acked.status_code == 200, acked.text
    assert acked.json()["acknowledged_by"] == "Mette"
    again = client.post(f"{URL}/{alert.id}/acknowledge", json={"by": "Ole"}, headers=tenant.headers)
    assert again.json()["acknowledged_by"] == "Mette"
    session.expire_all()
    assert session.get_one(Alert, alert.id).escalate_at is None

    resolved = client.post(
        f"{URL}/{alert.id}/resolve",
        json={"by": "Mette", "note": "Called the citizen; all fine."},
        headers=tenant.headers,
    )
    assert resolved.status_code == 200, resolved.text
    body = resolved.json()
    assert (
        body["resolved_by"] == "Mette"
        and body["resolution_note"] == "Called the citizen; all fine."
    )
    assert client.get(URL, params={"open": True}, headers=tenant.headers).json()["count"] == 0
    assert client.get(URL, params={"open": False}, headers=tenant.headers).json()["count"] == 1


def test_resolving_acknowledges_too(client: TestClient, session: Session, clock: object) -> None:
    """A resolved alert is also an acknowledged one."""
    tenant = make_tenant(session)
    alert = _raise(session, _citizen(session, tenant), "a")
    body = client.post(
        f"{URL}/{alert.id}/resolve", json={"by": "Ole", "note": "Done"}, headers=tenant.headers
    ).json()
    assert body["acknowledged_by"] == "Ole" and body["acknowledged_at"] is not None


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("acknowledge", {}, "by"),
        ("acknowledge", {"by": "   "}, "by"),
        ("resolve", {"by": "Mette"}, "note"),
        ("resolve", {"by": "Mette", "note": " "}, "note"),
        ("resolve", {"by": "Mette", "note": "x", "extra": 1}, "extra"),
    ],
)
def test_bad_bodies_name_the_field(
    client: TestClient, session: Session, path: str, body: dict[str, Any], field: str
) -> None:
    """422 with the field named; nothing changes."""
    tenant = make_tenant(session)
    alert = _raise(session, _citizen(session, tenant), "a")
    response = client.post(f"{URL}/{alert.id}/{path}", json=body, headers=tenant.headers)
    assert_unprocessable(response, "body", field)
    session.expire_all()
    assert session.get_one(Alert, alert.id).acknowledged_at is None


@pytest.mark.parametrize("params", [{"severity": "loud"}, {"kind": "nope"}, {"limit": 0}])
def test_bad_filters_are_422(client: TestClient, session: Session, params: dict[str, Any]) -> None:
    """Unknown filter values are refused, not ignored."""
    tenant = make_tenant(session)
    assert client.get(URL, params=params, headers=tenant.headers).status_code == 422


def test_another_jobcentres_alerts_are_invisible(client: TestClient, session: Session) -> None:
    """Not listed, not readable, not acknowledgeable: the same 404 as a missing id."""
    mine = make_tenant(session)
    theirs = make_tenant(session, name="Jobcenter København")
    alert = _raise(session, _citizen(session, theirs), "theirs")
    assert client.get(URL, headers=mine.headers).json()["count"] == 0
    for method, path, body in (
        ("GET", f"{URL}/{alert.id}", None),
        ("POST", f"{URL}/{alert.id}/acknowledge", {"by": "x"}),
        ("POST", f"{URL}/{alert.id}/resolve", {"by": "x", "note": "y"}),
        ("GET", f"{URL}/999999", None),
    ):
        response = client.request(method, path, json=body, headers=mine.headers)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "Alert not found"}
    session.expire_all()
    assert session.get_one(Alert, alert.id).acknowledged_at is None
