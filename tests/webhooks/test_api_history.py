"""A citizen's absences and message log, as the consultant's case system reads them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import time_machine
from fastapi.testclient import TestClient
from sqlmodel import Session

from bot.clock import utcnow
from bot.models import (
    Absence,
    AbsenceReason,
    ChannelKind,
    Citizen,
    Direction,
    ExpectedReturn,
    Message,
    MessageStatus,
    ParticipantKind,
)
from tests.factories import make_citizen, make_consultant
from tests.webhooks.api_helpers import API, assert_unprocessable, make_tenant


def _absence(session: Session, citizen: Citizen, first_day: date, **overrides: Any) -> Absence:
    """A sick episode of the citizen."""
    assert citizen.id is not None
    absence = Absence(
        jobcentre_id=citizen.jobcentre_id, citizen_id=citizen.id, first_day=first_day, **overrides
    )
    session.add(absence)
    session.flush()
    return absence


def _message(session: Session, citizen: Citizen, body: str, **overrides: Any) -> Message:
    """A message to the citizen, unless told otherwise."""
    values: dict[str, Any] = {
        "jobcentre_id": citizen.jobcentre_id,
        "participant_kind": ParticipantKind.CITIZEN,
        "participant_id": citizen.id,
        "address": citizen.phone,
        "body": body,
        **overrides,
    }
    message = Message(**values)
    session.add(message)
    session.flush()
    return message


def test_absences_newest_first_with_the_citizens_note(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    citizen = make_citizen(session, tenant.jobcentre)
    neighbour = make_citizen(session, tenant.jobcentre)
    older = _absence(
        session,
        citizen,
        date(2026, 11, 2),
        closed_at=utcnow(),
        return_day=date(2026, 11, 4),
        expected_return=ExpectedReturn.FEW_DAYS,
    )
    newer = _absence(
        session,
        citizen,
        date(2026, 11, 24),
        reason=AbsenceReason.CHILD_ILLNESS,
        citizen_note="Min søn har feber",
        reported_after_shift_start=True,
    )
    _absence(session, neighbour, date(2026, 11, 20))
    session.commit()

    response = client.get(f"{API}/citizens/{citizen.id}/absences", headers=tenant.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 2
    assert [a["id"] for a in body["data"]] == [newer.id, older.id]
    assert body["data"][0] == {
        "id": newer.id,
        "citizen_id": citizen.id,
        "reason": "child_illness",
        "first_day": "2026-11-24",
        "expected_return": "unknown",
        "expected_return_date": None,
        "reported_at": "2026-11-24T06:30:00Z",
        "reported_after_shift_start": True,
        "citizen_note": "Min søn har feber",
        "doctor_note": None,
        "third_day_alerted": False,
        "closed_at": None,
        "return_day": None,
    }
    assert body["data"][1]["return_day"] == "2026-11-04"
    assert body["data"][1]["closed_at"] == "2026-11-24T06:30:00Z"


def test_messages_newest_first_with_delivery_state(
    client: TestClient, session: Session, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    consultant = make_consultant(session, tenant.jobcentre)
    citizen = make_citizen(session, tenant.jobcentre, consultant)
    neighbour = make_citizen(session, tenant.jobcentre)
    inbound = _message(
        session,
        citizen,
        "syg i dag",
        direction=Direction.INBOUND,
        status=MessageStatus.HANDLED,
        provider_id="SM" + "1" * 32,
        kind="inbound",
    )
    clock.shift(timedelta(minutes=1))
    reply = _message(
        session,
        citizen,
        "God bedring. Vi siger det til din arbejdsplads.",
        channel=ChannelKind.TELEGRAM,
        kind="sick_day.confirm",
        status=MessageStatus.DELIVERED,
        provider_id="777",
        sent_at=utcnow() + timedelta(seconds=2),
        language="tr",
        in_reply_to_id=inbound.id,
    )
    _message(session, neighbour, "someone else's")
    _message(
        session,
        citizen,
        "to the consultant, not the citizen",
        participant_kind=ParticipantKind.CONSULTANT,
        participant_id=citizen.id,  # same number, other kind of participant
    )
    session.commit()

    response = client.get(f"{API}/citizens/{citizen.id}/messages", headers=tenant.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 2
    assert body["data"] == [
        {
            "id": reply.id,
            "direction": "out",
            "channel": "telegram",
            "kind": "sick_day.confirm",
            "language": "tr",
            "status": "delivered",
            "provider_id": "777",
            "body": "God bedring. Vi siger det til din arbejdsplads.",
            "created_at": "2026-11-24T06:31:00Z",
            "sent_at": "2026-11-24T06:31:02Z",
        },
        {
            "id": inbound.id,
            "direction": "in",
            "channel": "sms",
            "kind": "inbound",
            "language": "da",
            "status": "handled",
            "provider_id": "SM" + "1" * 32,
            "body": "syg i dag",
            "created_at": "2026-11-24T06:30:00Z",
            "sent_at": None,
        },
    ]


def test_history_pages(client: TestClient, session: Session, clock: time_machine.Traveller) -> None:
    tenant = make_tenant(session)
    citizen = make_citizen(session, tenant.jobcentre)
    for n in range(5):
        _message(session, citizen, f"message {n}")
        closed = {"closed_at": utcnow()} if n < 4 else {}  # one open episode at most
        _absence(session, citizen, date(2026, 11, 1 + n), **closed)
        clock.shift(timedelta(minutes=1))
    session.commit()

    messages = client.get(
        f"{API}/citizens/{citizen.id}/messages",
        params={"limit": 2, "offset": 1},
        headers=tenant.headers,
    ).json()
    absences = client.get(
        f"{API}/citizens/{citizen.id}/absences",
        params={"limit": 2, "offset": 3},
        headers=tenant.headers,
    ).json()

    assert [m["body"] for m in messages["data"]] == ["message 3", "message 2"]
    assert messages["count"] == 5
    assert [a["first_day"] for a in absences["data"]] == ["2026-11-02", "2026-11-01"]
    assert absences["count"] == 5
    too_many = client.get(
        f"{API}/citizens/{citizen.id}/messages", params={"limit": 1000}, headers=tenant.headers
    )
    assert_unprocessable(too_many, "query", "limit")


def test_history_of_a_deactivated_citizen_is_still_readable(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    citizen = make_citizen(session, tenant.jobcentre, active=False)
    _message(session, citizen, "farvel")
    session.commit()

    response = client.get(f"{API}/citizens/{citizen.id}/messages", headers=tenant.headers)

    assert response.json()["count"] == 1


def test_another_jobcentres_history_is_invisible(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    other = make_tenant(session, name="Jobcenter Aarhus")
    mine = make_citizen(session, tenant.jobcentre)
    theirs = make_citizen(session, other.jobcentre)
    _absence(session, theirs, date(2026, 11, 23), citizen_note="private")
    _message(session, theirs, "private")
    _absence(session, mine, date(2026, 11, 23))
    _message(session, mine, "mine")
    session.commit()

    for kind in ("absences", "messages"):
        missing = client.get(f"{API}/citizens/999999/{kind}", headers=tenant.headers)
        theirs_by_me = client.get(f"{API}/citizens/{theirs.id}/{kind}", headers=tenant.headers)
        mine_by_them = client.get(f"{API}/citizens/{mine.id}/{kind}", headers=other.headers)
        assert missing.status_code == theirs_by_me.status_code == mine_by_them.status_code == 404
        assert theirs_by_me.json() == mine_by_them.json() == missing.json()
        assert "private" not in theirs_by_me.text

        theirs_by_them = client.get(f"{API}/citizens/{theirs.id}/{kind}", headers=other.headers)
        assert theirs_by_them.json()["count"] == 1
