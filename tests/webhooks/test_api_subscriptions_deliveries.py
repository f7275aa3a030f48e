"""The delivery log through the API: newest first with every attempt, and redelivery."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from tests.fakes.webhook_receiver import Answer, WebhookReceiver
from tests.webhooks.api_helpers import API, Tenant, assert_unprocessable, make_tenant
from tests.webhooks.webhook_builders import (
    ALERT_DATA,
    deliver,
    delivery_of,
    fresh,
    raise_event,
    running_receiver,
    sender,
    subscribe,
)
from webhooks.outgoing.schedule import MAX_ATTEMPTS
from webhooks.outgoing.sender import DeliveryReport

SUBSCRIPTIONS = f"{API}/webhook-subscriptions"
DELIVERIES = f"{API}/webhook-deliveries"

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A case system's endpoint that checks signatures its own way."""
    with running_receiver() as started:
        yield started


@pytest.fixture
def tenant(session: Session) -> Tenant:
    """The jobcentre whose case system reads its log."""
    return make_tenant(session)


@pytest.fixture
def subscription(
    session: Session, tenant: Tenant, receiver: WebhookReceiver
) -> WebhookSubscription:
    """The tenant's subscription, pointing at the receiver."""
    return subscribe(session, tenant.jobcentre, url=receiver.url, receiver=receiver)


def log(client: TestClient, tenant: Tenant, subscription_id: int | None, **params: Any) -> Any:
    """GET a subscription's deliveries."""
    response = client.get(
        f"{SUBSCRIPTIONS}/{subscription_id}/deliveries", params=params, headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_log_lists_deliveries_newest_first_with_every_attempt(
    client: TestClient,
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    tenant: Tenant,
    subscription: WebhookSubscription,
    receiver: WebhookReceiver,
) -> None:
    older = raise_event(session, tenant.jobcentre)
    receiver.script(Answer(503))
    deliver(sender(engine))  # 503: waits 5 s
    clock.shift(timedelta(seconds=5))
    newer = raise_event(session, tenant.jobcentre, "absence.reported", {"absence_id": 4})
    deliver(sender(engine))  # both go through

    body = log(client, tenant, subscription.id)

    assert body["count"] == 2
    assert [d["event_id"] for d in body["data"]] == [newer.public_id, older.public_id]
    first = body["data"][1]
    assert first == {
        "id": first["id"],
        "subscription_id": subscription.id,
        "event_id": older.public_id,
        "event_type": "alert.created",
        "payload": {
            "type": "alert.created",
            "timestamp": "2026-11-24T06:30:00Z",
            "data": ALERT_DATA,
        },
        "status": "delivered",
        "attempts": 2,
        "next_attempt_at": None,
        "last_status_code": 204,
        "last_error": None,
        "delivered_at": "2026-11-24T06:30:05Z",
        "created_at": "2026-11-24T06:30:00Z",
        "updated_at": "2026-11-24T06:30:05Z",
        "attempt_log": [
            {
                "attempted_at": "2026-11-24T06:30:00Z",
                "status_code": 503,
                "error": "HTTP 503 Service Unavailable",
                "duration_ms": first["attempt_log"][0]["duration_ms"],
            },
            {
                "attempted_at": "2026-11-24T06:30:05Z",
                "status_code": 204,
                "error": None,
                "duration_ms": first["attempt_log"][1]["duration_ms"],
            },
        ],
    }
    one = client.get(f"{DELIVERIES}/{first['id']}", headers=tenant.headers)
    assert one.status_code == 200 and one.json() == first
    paged = log(client, tenant, subscription.id, limit=1, offset=1)
    assert paged == {"data": [first], "count": 2}


def test_the_log_filters_by_status(
    client: TestClient,
    engine: Engine,
    session: Session,
    tenant: Tenant,
    subscription: WebhookSubscription,
    receiver: WebhookReceiver,
) -> None:
    raise_event(session, tenant.jobcentre)
    deliver(sender(engine))
    waiting = raise_event(session, tenant.jobcentre)

    pending = log(client, tenant, subscription.id, status="pending")
    assert [d["event_id"] for d in pending["data"]] == [waiting.public_id]
    assert log(client, tenant, subscription.id, status="delivered")["count"] == 1
    assert log(client, tenant, subscription.id, status="dead")["count"] == 0
    bad = client.get(
        f"{SUBSCRIPTIONS}/{subscription.id}/deliveries",
        params={"status": "lost"},
        headers=tenant.headers,
    )
    assert_unprocessable(bad, "query", "status")


def _kill(engine: Engine, delivery: WebhookDelivery) -> None:
    """Dead-letter a delivery as the last failed retry would."""
    with Session(engine) as session:
        row = session.get_one(WebhookDelivery, delivery.id)
        row.status, row.attempts, row.next_attempt_at = DeliveryStatus.DEAD, MAX_ATTEMPTS, None
        session.add(row)
        session.commit()


def test_redeliver_queues_a_dead_delivery_again_with_the_same_id(
    client: TestClient,
    engine: Engine,
    session: Session,
    tenant: Tenant,
    subscription: WebhookSubscription,
    receiver: WebhookReceiver,
) -> None:
    event = raise_event(session, tenant.jobcentre)
    delivery = delivery_of(engine, event)
    _kill(engine, delivery)

    response = client.post(f"{DELIVERIES}/{delivery.id}/redeliver", headers=tenant.headers)

    assert response.status_code == 202, response.text
    queued = response.json()
    assert (queued["status"], queued["attempts"]) == ("pending", 0)
    assert queued["next_attempt_at"] == "2026-11-24T06:30:00Z"
    assert deliver(sender(engine)) == DeliveryReport(delivered=1)
    assert [r.webhook_id for r in receiver.verified] == [event.public_id]

    again = client.post(f"{DELIVERIES}/{delivery.id}/redeliver", headers=tenant.headers)
    assert again.status_code == 202  # a delivered one too: the case system lost it
    twice = client.post(f"{DELIVERIES}/{delivery.id}/redeliver", headers=tenant.headers)
    assert twice.status_code == 409 and "pending" in twice.text
    assert deliver(sender(engine)) == DeliveryReport(delivered=1)
    assert [r.webhook_id for r in receiver.verified] == [event.public_id] * 2


def test_redeliver_waits_for_a_switched_off_subscription(
    client: TestClient,
    engine: Engine,
    session: Session,
    tenant: Tenant,
    subscription: WebhookSubscription,
) -> None:
    delivery = delivery_of(engine, raise_event(session, tenant.jobcentre))
    assert client.delete(f"{SUBSCRIPTIONS}/{subscription.id}", headers=tenant.headers)
    assert fresh(engine, WebhookDelivery, delivery.id).status == DeliveryStatus.DEAD

    refused = client.post(f"{DELIVERIES}/{delivery.id}/redeliver", headers=tenant.headers)
    assert refused.status_code == 409 and "switched off" in refused.text

    client.patch(
        f"{SUBSCRIPTIONS}/{subscription.id}", json={"active": True}, headers=tenant.headers
    )
    accepted = client.post(f"{DELIVERIES}/{delivery.id}/redeliver", headers=tenant.headers)
    assert accepted.status_code == 202


def test_a_subscription_switched_off_mid_flight_dead_letters_a_failed_attempt(
    client: TestClient,
    engine: Engine,
    session: Session,
    tenant: Tenant,
    subscription: WebhookSubscription,
    receiver: WebhookReceiver,
) -> None:
    """DELETE while the request is out: a failure is not retried for a switched-off URL."""
    event = raise_event(session, tenant.jobcentre)
    worker = sender(engine)
    [job] = worker.claim(10)
    assert client.delete(f"{SUBSCRIPTIONS}/{subscription.id}", headers=tenant.headers)
    receiver.script(Answer(500))

    async def send() -> Any:
        async with httpx.AsyncClient() as http:
            return await worker.send(http, job)

    assert worker.settle(job, asyncio.run(send())) == DeliveryStatus.DEAD
    dead = delivery_of(engine, event)
    assert dead.status == DeliveryStatus.DEAD
    assert dead.last_error == (
        "subscription switched off; last error: HTTP 500 Internal Server Error"
    )


def test_another_jobcentres_deliveries_are_404_and_never_redelivered(
    client: TestClient,
    engine: Engine,
    session: Session,
    tenant: Tenant,
    subscription: WebhookSubscription,
) -> None:
    other = make_tenant(session, name="Jobcenter København")
    delivery = delivery_of(engine, raise_event(session, tenant.jobcentre))
    _kill(engine, delivery)

    for method, path in [
        ("GET", f"{DELIVERIES}/{delivery.id}"),
        ("POST", f"{DELIVERIES}/{delivery.id}/redeliver"),
        ("GET", f"{SUBSCRIPTIONS}/{subscription.id}/deliveries"),
    ]:
        response = client.request(method, path, headers=other.headers)
        assert response.status_code == 404, (method, path)
    assert fresh(engine, WebhookDelivery, delivery.id).status == DeliveryStatus.DEAD
    assert client.get(f"{DELIVERIES}/999999", headers=tenant.headers).status_code == 404
