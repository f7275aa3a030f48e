"""Builders for the outgoing-webhook tests: subscriptions, events, a sender, a pass."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.events import emit
from bot.models import (
    Jobcentre,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from tests.factories import ident
from tests.fakes.webhook_receiver import WebhookReceiver
from webhooks.outgoing.sender import DeliveryReport, WebhookSender
from webhooks.outgoing.signing import new_secret

ALERT_DATA: dict[str, Any] = {"alert_id": 7, "kind": "sick_reported", "severity": "urgent"}


class MidpointRng(random.Random):
    """Jitter factor exactly 1.0, so retry times in tests are the plain schedule."""

    def uniform(self, a: float, b: float) -> float:
        """The middle of the range."""
        return (a + b) / 2


@contextmanager
def running_receiver() -> Iterator[WebhookReceiver]:
    """A started receiver (its secret is set once a subscription exists)."""
    receiver = WebhookReceiver(secret=new_secret()).start()
    try:
        yield receiver
    finally:
        receiver.stop()


def subscribe(
    session: Session,
    jobcentre: Jobcentre,
    *,
    url: str,
    receiver: WebhookReceiver | None = None,
    kinds: list[str] | None = None,
) -> WebhookSubscription:
    """A committed subscription; the receiver learns its secret, as a case system would."""
    subscription = WebhookSubscription(
        jobcentre_id=ident(jobcentre), url=url, event_kinds=kinds or [], secret=new_secret()
    )
    session.add(subscription)
    session.commit()
    if receiver is not None:
        receiver.secret = subscription.secret
    return subscription


def raise_event(
    session: Session,
    jobcentre: Jobcentre,
    kind: str = "alert.created",
    data: dict[str, Any] | None = None,
) -> WebhookEvent:
    """Emit and commit one event, as a flow would inside its own transaction."""
    event = emit(session, jobcentre_id=ident(jobcentre), kind=kind, data=data or ALERT_DATA)
    assert event is not None, "no subscription wants this kind"
    session.commit()
    return event


def sender(engine: Engine, **overrides: Any) -> WebhookSender:
    """A sender with the schedule's exact delays (jitter pinned to 1.0)."""
    options: dict[str, Any] = {"rng": MidpointRng()}
    return WebhookSender(engine, **(options | overrides))


def deliver(worker: WebhookSender) -> DeliveryReport:
    """One pass on its own event loop, as the scheduler's thread runs it."""
    return asyncio.run(worker.deliver_due())


def delivery_of(engine: Engine, event: WebhookEvent) -> WebhookDelivery:
    """The (single) delivery of an event, fresh from the database."""
    with Session(engine) as session:
        return session.exec(
            select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
        ).one()


def attempts_of(engine: Engine, delivery: WebhookDelivery) -> list[WebhookAttempt]:
    """A delivery's attempt log, oldest first."""
    with Session(engine) as session:
        return list(
            session.exec(
                select(WebhookAttempt)
                .where(WebhookAttempt.delivery_id == delivery.id)
                .order_by(col(WebhookAttempt.id))
            ).all()
        )


def fresh(engine: Engine, model: Any, row_id: int | None) -> Any:
    """A row as the database has it now."""
    with Session(engine) as session:
        return session.get_one(model, row_id)


def impatient_sender(engine: Engine) -> WebhookSender:
    """A sender that gives up on a silent receiver after a fraction of a second."""
    return sender(engine, timeout=httpx.Timeout(0.3), deadline_seconds=1.0)
