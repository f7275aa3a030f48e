"""Webhook subscriptions via the API: secret shown once, URL and kinds checked, tenants apart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from tests.fakes.webhook_receiver import VERIFIED, WebhookReceiver
from tests.webhooks.api_helpers import API, Tenant, assert_unprocessable, make_tenant
from tests.webhooks.webhook_builders import deliver, fresh, raise_event, running_receiver, sender
from webhooks.outgoing.sender import DeliveryReport

URL = f"{API}/webhook-subscriptions"
HOOK = "https://sag.hoeje-taastrup.dk/makker/events"

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A case system's endpoint that checks signatures its own way."""
    with running_receiver() as started:
        yield started


def create(client: TestClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    """Create a subscription and return the 201 body (with the full secret)."""
    response = client.post(URL, json={"url": HOOK, **body}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_create_shows_the_generated_secret_once(
    client: TestClient, session: Session, engine: Engine
) -> None:
    tenant = make_tenant(session)

    body = create(
        client,
        tenant,
        event_kinds=["alert.created", "absence.reported", "alert.created"],
        description="  Sagssystem (test) ",
    )

    secret = body["secret"]
    assert secret.startswith("whsec_") and len(secret) == 50
    assert body == {
        "id": body["id"],
        "url": HOOK,
        "event_kinds": ["alert.created", "absence.reported"],  # each once, in order
        "description": "Sagssystem (test)",
        "active": True,
        "disabled_at": None,
        "disabled_reason": None,
        "secret": secret,
        "previous_secret_expires_at": None,
        "created_at": "2026-11-24T06:30:00Z",
    }
    stored = fresh(engine, WebhookSubscription, body["id"])
    assert (stored.secret, stored.jobcentre_id) == (secret, tenant.id)

    read = client.get(f"{URL}/{body['id']}", headers=tenant.headers)
    listed = client.get(URL, headers=tenant.headers)
    assert read.json() == {**body, "secret": f"whsec_…{secret[-4:]}"}
    assert listed.json() == {"data": [read.json()], "count": 1}
    assert secret.removeprefix("whsec_") not in read.text + listed.text
    assert create(client, tenant, url=HOOK + "/all")["event_kinds"] == []  # every kind


def test_a_secret_cannot_be_chosen_by_the_client(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    response = client.post(
        URL, json={"url": HOOK, "secret": "whsec_" + "A" * 44}, headers=tenant.headers
    )
    assert_unprocessable(response, "body", "secret")


@pytest.mark.parametrize(
    "url",
    [
        "http://sag.example.dk/hooks",  # plain http off this machine
        "https://user:password@sag.example.dk/hooks",
        "https://169.254.169.254/latest/meta-data/iam/",
        "http://2130706433:9000/",
        "ftp://sag.example.dk/",
        "not a url",
        "",
        None,
    ],
)
def test_unsafe_urls_are_a_422_naming_url(
    client: TestClient, session: Session, url: str | None
) -> None:
    tenant = make_tenant(session)
    response = client.post(URL, json={"url": url}, headers=tenant.headers)
    assert_unprocessable(response, "body", "url")


def test_unknown_event_kinds_are_a_422(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session)
    response = client.post(
        URL,
        json={"url": HOOK, "event_kinds": ["alert.created", "alert.deleted"]},
        headers=tenant.headers,
    )
    assert_unprocessable(response, "body", "event_kinds")
    assert "alert.deleted" in response.text
    assert client.get(URL, headers=tenant.headers).json()["count"] == 0


def test_one_active_subscription_per_url_and_ten_at_most(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session)
    first = create(client, tenant)

    again = client.post(URL, json={"url": HOOK}, headers=tenant.headers)
    assert again.status_code == 409 and again.json()["detail"][0]["loc"] == ["body", "url"]
    for n in range(9):
        create(client, tenant, url=f"{HOOK}/{n}")
    eleventh = client.post(URL, json={"url": f"{HOOK}/x"}, headers=tenant.headers)
    assert eleventh.status_code == 409 and "at most 10" in eleventh.text

    assert client.delete(f"{URL}/{first['id']}", headers=tenant.headers).status_code == 204
    assert create(client, tenant)["url"] == HOOK  # the URL is free again
    back_on = client.patch(f"{URL}/{first['id']}", json={"active": True}, headers=tenant.headers)
    assert back_on.status_code == 409


def test_update_switch_off_and_on_again(
    client: TestClient, session: Session, engine: Engine, clock: time_machine.Traveller
) -> None:
    tenant = make_tenant(session)
    created = create(client, tenant)
    item = f"{URL}/{created['id']}"
    waiting = raise_event(session, tenant.jobcentre)

    patched = client.patch(
        item,
        json={"url": HOOK + "/v2", "event_kinds": ["absence.reported"], "description": None},
        headers=tenant.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json() | {"secret": ""} == created | {
        "url": HOOK + "/v2",
        "event_kinds": ["absence.reported"],
        "description": None,
        "secret": "",
    }
    for field, value in [("url", None), ("event_kinds", None), ("active", None)]:
        assert_unprocessable(
            client.patch(item, json={field: value}, headers=tenant.headers), "body", field
        )
    assert_unprocessable(
        client.patch(item, json={"url": "http://sag.example.dk"}, headers=tenant.headers),
        "body",
        "url",
    )

    clock.shift(timedelta(minutes=1))
    assert client.delete(item, headers=tenant.headers).status_code == 204
    off = client.get(item, headers=tenant.headers).json()
    assert off["active"] is False and off["disabled_at"] == "2026-11-24T06:31:00Z"
    assert off["disabled_reason"] == "deactivated through the API"
    assert client.get(URL, headers=tenant.headers).json()["count"] == 0
    listed = client.get(URL, params={"include_inactive": True}, headers=tenant.headers).json()
    assert [s["id"] for s in listed["data"]] == [created["id"]]
    dead = session.exec(select(WebhookDelivery).where(WebhookDelivery.event_id == waiting.id))
    assert dead.one().status == DeliveryStatus.DEAD  # it would never have gone out
    assert client.delete(item, headers=tenant.headers).status_code == 204  # idempotent

    on = client.patch(item, json={"active": True}, headers=tenant.headers).json()
    assert (on["active"], on["disabled_at"], on["disabled_reason"]) == (True, None, None)


def test_rotation_signs_with_both_secrets_for_a_while(
    client: TestClient,
    session: Session,
    engine: Engine,
    clock: time_machine.Traveller,
    receiver: WebhookReceiver,
) -> None:
    """The receiver can switch secrets without refusing a single event."""
    tenant = make_tenant(session)
    old = create(client, tenant, url=receiver.url)["secret"]

    rotated = client.post(f"{URL}/{_id(client, tenant)}/rotate-secret", headers=tenant.headers)

    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != old
    assert rotated.json()["previous_secret_expires_at"] == "2026-11-25T06:30:00Z"
    read = client.get(f"{URL}/{_id(client, tenant)}", headers=tenant.headers).json()
    assert read["secret"] == f"whsec_…{new[-4:]}"

    receiver.secret = old  # not switched yet
    raise_event(session, tenant.jobcentre)
    assert deliver(sender(engine)) == DeliveryReport(delivered=1)
    [first] = receiver.received
    assert first.verified and first.verify_with(new) == VERIFIED
    assert len(first.headers["webhook-signature"].split(" ")) == 2

    clock.shift(timedelta(hours=24, seconds=1))
    receiver.secret = new
    raise_event(session, tenant.jobcentre)
    assert deliver(sender(engine)) == DeliveryReport(delivered=1)
    second = receiver.received[1]
    assert second.verified and second.verify_with(old) != VERIFIED
    assert len(second.headers["webhook-signature"].split(" ")) == 1

    at_once = client.post(
        f"{URL}/{_id(client, tenant)}/rotate-secret",
        json={"keep_previous_hours": 0},
        headers=tenant.headers,
    ).json()
    assert at_once["previous_secret_expires_at"] is None
    too_long = client.post(
        f"{URL}/{_id(client, tenant)}/rotate-secret",
        json={"keep_previous_hours": 1000},
        headers=tenant.headers,
    )
    assert_unprocessable(too_long, "body", "keep_previous_hours")


def _id(client: TestClient, tenant: Tenant) -> int:
    """The tenant's only subscription."""
    [subscription] = client.get(URL, headers=tenant.headers).json()["data"]
    identifier: int = subscription["id"]
    return identifier


def test_another_jobcentres_subscriptions_are_404_and_untouched(
    client: TestClient, session: Session, engine: Engine
) -> None:
    ours, theirs = make_tenant(session), make_tenant(session, name="Jobcenter København")
    mine = create(client, ours)
    item = f"{URL}/{mine['id']}"

    assert client.get(URL, headers=theirs.headers).json() == {"data": [], "count": 0}
    for method, path, body in [
        ("GET", item, None),
        ("PATCH", item, {"url": "https://evil.example.com/hooks"}),
        ("DELETE", item, None),
        ("POST", f"{item}/rotate-secret", None),
        ("GET", f"{item}/deliveries", None),
    ]:
        response = client.request(method, path, json=body, headers=theirs.headers)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"detail": "Webhook subscription not found"}
    stored = fresh(engine, WebhookSubscription, mine["id"])
    assert (stored.url, stored.active, stored.secret) == (HOOK, True, mine["secret"])
    assert client.get(f"{URL}/999999", headers=ours.headers).status_code == 404
