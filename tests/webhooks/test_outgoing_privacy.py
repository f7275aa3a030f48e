"""What a case system receives from a real flow: ids, kinds, severities and times only."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.models import Absence, Alert, WebhookEvent
from scheduler import jobs
from tests.factories import World, make_world
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.flows.chat import Chat
from tests.webhooks.webhook_builders import running_receiver, subscribe

NOTE = "jeg er syg, har feber og kaster op"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ALERT_FIELDS = {
    "alert_id",
    "ref",
    "kind",
    "severity",
    "citizen_id",
    "placement_id",
    "consultant_id",
    "created_at",
}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A case system's endpoint that checks signatures its own way."""
    with running_receiver() as started:
        yield started


def _thin(value: Any) -> bool:
    """An id, a short machine word (kind, severity, ref), a UTC time, or nothing."""
    if value is None or isinstance(value, int):
        return True
    return isinstance(value, str) and bool(
        re.fullmatch(r"[a-z_]{1,40}|A\d+", value) or ISO_UTC.match(value)
    )


def test_a_late_sick_report_reaches_the_case_system_without_a_word_of_it(
    engine: Engine, session: Session, clock: time_machine.Traveller, receiver: WebhookReceiver
) -> None:
    """Ayşe reports sick at 09:15 with her symptoms: the event names no one and no symptom."""
    world: World = make_world(session)
    subscribe(session, world.jobcentre, url=receiver.url, receiver=receiver)
    clock.move_to("2026-11-24T08:15:00+00:00")  # after the 08:00 shift start: an alert
    chat = Chat(engine)
    phone = world.citizen.phone or ""
    for text in (NOTE, "1", "1"):
        chat.send(phone, text)

    assert jobs.deliver_webhooks(engine) >= 1

    absence = session.exec(select(Absence)).one()
    alert = session.exec(select(Alert)).one()
    assert absence.citizen_note == NOTE  # the consultant has her words …
    events = [r.event for r in receiver.verified]
    assert [e["type"] for e in events] == ["alert.created"]
    [data] = [e["data"] for e in events]
    assert set(data) == ALERT_FIELDS
    assert data["alert_id"] == alert.id and data["citizen_id"] == world.citizen.id
    assert all(_thin(value) for value in data.values()), data
    received = b"".join(r.body for r in receiver.received).decode()
    stored = json.dumps([e.payload for e in session.exec(select(WebhookEvent)).all()])
    for text in (received, stored):  # … the case system gets none of it
        for secret in (
            world.citizen.first_name,
            world.citizen.last_name,
            "Yilmaz",
            phone,
            phone.removeprefix("+45"),
            world.contact.name,
            world.contact.phone or "",
            world.consultant.name,
            world.consultant.phone or "",
            world.employer.name,
            "feber",
            "syg",
            "illness",
            alert.summary,
        ):
            assert secret not in text, secret
