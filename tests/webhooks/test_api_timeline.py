"""The citizen timeline tells the story in order, from the rows themselves, per tenant."""

from __future__ import annotations

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.factories import make_api_key, make_world
from tests.flows.chat import Chat
from tests.webhooks.api_helpers import API


def test_sick_day_story_in_order(
    client: TestClient, engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Report, alerts, acknowledgement, back to work: each entry where it happened."""
    world = make_world(session)
    key = make_api_key(session, world.jobcentre)
    session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    chat = Chat(engine)
    phone = world.citizen.phone or ""
    clock.move_to("2026-11-24T08:00:00+00:00")  # 09:00, after the shift started: an alert
    for text in ("syg", "1", "1"):
        chat.send(phone, text)
        clock.shift(60)
    alerts = client.get(f"{API}/alerts", headers=headers).json()["data"]
    (alert,) = alerts
    client.post(f"{API}/alerts/{alert['id']}/acknowledge", json={"by": "Mette"}, headers=headers)
    clock.move_to("2026-11-25T05:00:00+00:00")
    chat.send(phone, "rask")
    chat.send(phone, "1")  # back today

    response = client.get(f"{API}/citizens/{world.citizen.id}/timeline", headers=headers)
    assert response.status_code == 200, response.text
    entries = response.json()["data"]
    kinds = [e["kind"] for e in entries]
    assert kinds.index("absence.reported") < kinds.index("alert.created")
    assert kinds.index("alert.created") < kinds.index("alert.acknowledged")
    assert kinds.index("alert.acknowledged") < kinds.index("absence.closed")
    assert kinds.count("message.in") == 5
    times = [e["at"] for e in entries]
    assert times == sorted(times)
    reported = entries[kinds.index("absence.reported")]
    assert reported["detail"]["reported_after_shift_start"] is True
    assert "acknowledged by Mette" in entries[kinds.index("alert.acknowledged")]["summary"]
    assert response.json()["count"] == len(entries)

    page = client.get(
        f"{API}/citizens/{world.citizen.id}/timeline",
        params={"limit": 2, "offset": 1},
        headers=headers,
    ).json()
    assert [e["id"] for e in page["data"]] == [e["id"] for e in entries[1:3]]


def test_another_jobcentres_citizen_has_no_timeline(client: TestClient, session: Session) -> None:
    """404, exactly like an id that does not exist."""
    mine = make_world(session)
    theirs = make_world(session)
    key = make_api_key(session, mine.jobcentre)
    session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    for citizen_id in (theirs.citizen.id, 999_999):
        response = client.get(f"{API}/citizens/{citizen_id}/timeline", headers=headers)
        assert response.status_code == 404
