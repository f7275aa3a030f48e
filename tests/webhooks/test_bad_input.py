"""Inputs found in review that used to answer 500: each now gets a clear 4xx or is stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from twilio.request_validator import RequestValidator

from bot.models import Direction, Message
from bot.settings import Settings
from tests.factories import make_world
from tests.webhooks.api_helpers import assert_unprocessable, make_tenant

pytestmark = pytest.mark.usefixtures("clock")


def signed_post(client: TestClient, settings: Settings, path: str, form: dict[str, str]) -> int:
    """POST a form signed the way Twilio signs it; returns the status code."""
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(
        settings.public_base_url + path, form
    )
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature}).status_code


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_nul_in_an_api_text_field_is_a_422(
    client: TestClient, session: Session, field: str
) -> None:
    """PostgreSQL text cannot store NUL; the API names the field instead of failing."""
    tenant = make_tenant(session)
    body = {"first_name": "Ayşe", "phone": "+4520123499", field: "A\u0000b"}
    response = client.post("/api/v1/citizens", json=body, headers=tenant.headers)
    assert_unprocessable(response, "body", field)


def test_a_shift_time_with_a_zone_is_a_422(client: TestClient, session: Session) -> None:
    """Schedules are Danish wall-clock times."""
    tenant = make_tenant(session)
    citizen = client.post(
        "/api/v1/citizens", json={"first_name": "A", "phone": "+4520123498"}, headers=tenant.headers
    ).json()
    employer = client.post("/api/v1/employers", json={"name": "B"}, headers=tenant.headers).json()
    contact = client.post(
        f"/api/v1/employers/{employer['id']}/contacts",
        json={"name": "C", "phone": "+4520123497"},
        headers=tenant.headers,
    ).json()
    body = {
        "citizen_id": citizen["id"],
        "contact_id": contact["id"],
        "start_date": "2026-11-01",
        "schedule": {"mon": {"start": "08:00+01:00", "end": "17:00"}},
    }
    response = client.post("/api/v1/placements", json=body, headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert "schedule" in response.text


def test_an_inbound_sms_with_nul_is_stored_and_answered(
    client: TestClient, settings: Settings, engine: Engine, session: Session
) -> None:
    """The provider would retry a 500 forever; the text is kept without the NUL."""
    world = make_world(session)
    form = {"MessageSid": "SM" + "7" * 32, "From": world.citizen.phone or "", "Body": "sy\u0000g"}
    assert signed_post(client, settings, "/webhooks/twilio/sms", form) == 200
    with Session(engine) as s:
        stored = s.exec(select(Message).where(col(Message.direction) == Direction.INBOUND)).one()
    assert stored.body == "syg"


def test_an_outbox_id_out_of_range_is_a_422(client: TestClient, settings: Settings) -> None:
    """A signed status callback with a silly outbox id is refused, not a 500."""
    form = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered"}
    path = "/webhooks/twilio/status?outbox=99999999999999999999"
    assert signed_post(client, settings, path, form) == 422
