"""A placement's check-in series through the API: ordered, filtered, paged, tenant-isolated."""

from __future__ import annotations

from datetime import date
from typing import Any

import time_machine
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.models import CheckIn, CheckInRating, CheckInStage, ParticipantKind, Placement
from tests.factories import (
    ident,
    make_citizen,
    make_consultant,
    make_contact,
    make_employer,
    make_placement,
)
from tests.webhooks.api_helpers import API, Tenant, assert_unprocessable, make_tenant


def _placement(session: Session, tenant: Tenant) -> Placement:
    """A placement in the tenant's jobcentre."""
    consultant = make_consultant(session, tenant.jobcentre)
    contact = make_contact(session, make_employer(session, tenant.jobcentre))
    citizen = make_citizen(session, tenant.jobcentre, consultant)
    placement = make_placement(session, citizen, contact)
    session.commit()
    return placement


def _check_in(
    session: Session,
    placement: Placement,
    number: int,
    respondent: ParticipantKind,
    **values: Any,
) -> CheckIn:
    """One stored answer row."""
    row = CheckIn(
        jobcentre_id=placement.jobcentre_id,
        placement_id=ident(placement),
        citizen_id=placement.citizen_id,
        number=number,
        period_start=date(2026, 10, 1 + number),
        respondent=respondent,
        respondent_id=(
            placement.citizen_id if respondent == ParticipantKind.CITIZEN else placement.contact_id
        ),
        **values,
    )
    session.add(row)
    session.commit()
    return row


def test_the_series_oldest_period_first_citizen_before_contact(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    placement = _placement(session, tenant)
    _check_in(session, placement, 2, ParticipantKind.CONTACT, stage=CheckInStage.ASKED)
    _check_in(
        session,
        placement,
        1,
        ParticipantKind.CONTACT,
        stage=CheckInStage.ANSWERED,
        rating=CheckInRating.OK,
        paid_hours=30.5,
    )
    _check_in(
        session,
        placement,
        1,
        ParticipantKind.CITIZEN,
        stage=CheckInStage.ANSWERED,
        rating=CheckInRating.BAD,
        wants_call=True,
    )

    response = client.get(f"{API}/placements/{placement.id}/check-ins", headers=tenant.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 3
    assert [(r["number"], r["respondent"]) for r in body["data"]] == [
        (1, "citizen"),
        (1, "contact"),
        (2, "contact"),
    ]
    citizen, contact, _ = body["data"]
    assert (citizen["rating"], citizen["wants_call"], citizen["stage"]) == ("bad", True, "answered")
    assert (contact["rating"], contact["paid_hours"]) == ("ok", 30.5)
    assert contact["period_start"] == "2026-10-02"


def test_filter_by_respondent_and_page(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    placement = _placement(session, tenant)
    for number in (1, 2, 3):
        _check_in(session, placement, number, ParticipantKind.CITIZEN)
        _check_in(session, placement, number, ParticipantKind.CONTACT)
    url = f"{API}/placements/{placement.id}/check-ins"

    response = client.get(
        url, params={"respondent": "contact", "limit": 2, "offset": 1}, headers=tenant.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["count"] == 3
    assert [r["number"] for r in response.json()["data"]] == [2, 3]
    assert {r["respondent"] for r in response.json()["data"]} == {"contact"}


def test_another_jobcentre_sees_nothing(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    ours = make_tenant(session)
    theirs = make_tenant(session, name="Jobcenter Roskilde")
    placement = _placement(session, ours)
    _check_in(session, placement, 1, ParticipantKind.CITIZEN)
    url = f"{API}/placements/{placement.id}/check-ins"

    foreign = client.get(url, headers=theirs.headers)
    missing = client.get(f"{API}/placements/999999/check-ins", headers=ours.headers)
    anonymous = client.get(url)

    assert foreign.status_code == 404 and missing.status_code == 404
    assert foreign.json() == missing.json()
    assert anonymous.status_code == 401


def test_bad_query_names_the_field(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    placement = _placement(session, tenant)
    url = f"{API}/placements/{placement.id}/check-ins"

    assert_unprocessable(
        client.get(url, params={"respondent": "consultant"}, headers=tenant.headers),
        "query",
        "respondent",
    )
    assert_unprocessable(
        client.get(url, params={"limit": 0}, headers=tenant.headers), "query", "limit"
    )
    assert_unprocessable(
        client.get(f"{API}/placements/0/check-ins", headers=tenant.headers), "path", "placement_id"
    )
