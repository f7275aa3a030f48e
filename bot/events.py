"""Events for case systems, written as outbox rows in the transaction that caused them.

A payload is thin on purpose: ids, kind, severity and time — never health details or
anybody's words. The receiver fetches what it may see through the REST API with its key.
Delivery (signing, retries, dead letters) is `webhooks.outgoing`'s job.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.clock import utcnow
from bot.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription

# Every kind an event can have; subscriptions name the ones they want (none: all of them).
EVENT_KINDS: tuple[str, ...] = (
    "alert.created",
    "alert.acknowledged",
    "alert.escalated",
    "alert.resolved",
    "absence.reported",
    "absence.closed",
    "wakeup.confirmed",
    "wakeup.missed",
    "interview.scheduled",
    "interview.rescheduled",
    "interview.cancelled",
    "interview.confirmed",
    "interview.declined",
    "interview.outcome",
    "checkin.answered",
    "employer_report.created",
)


def new_event_id() -> str:
    """The webhook-id of one event: the same on every retry, unique across events."""
    return f"msg_{uuid.uuid4().hex}"


def wants(subscription: WebhookSubscription, kind: str) -> bool:
    """Whether a subscription asked for this kind (an empty list means every kind)."""
    return not subscription.event_kinds or kind in subscription.event_kinds


def emit(
    session: Session,
    *,
    jobcentre_id: int,
    kind: str,
    data: dict[str, Any],
    now: datetime | None = None,
) -> WebhookEvent | None:
    """Record an event and one pending delivery per subscription that wants it.

    Nothing is written when no active subscription wants the kind. Values in `data` must be
    ids, kinds, severities or times (JSON-serialisable); never text a person wrote.
    """
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    subscriptions = [
        s
        for s in session.exec(
            select(WebhookSubscription).where(
                WebhookSubscription.jobcentre_id == jobcentre_id,
                col(WebhookSubscription.active),
            )
        ).all()
        if wants(s, kind)
    ]
    if not subscriptions:
        return None
    moment = now or utcnow()
    event = WebhookEvent(
        public_id=new_event_id(),
        jobcentre_id=jobcentre_id,
        kind=kind,
        payload={"type": kind, "timestamp": iso_utc(moment), "data": data},
        created_at=moment,
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    for subscription in subscriptions:
        assert subscription.id is not None
        session.add(
            WebhookDelivery(
                jobcentre_id=jobcentre_id,
                event_id=event.id,
                subscription_id=subscription.id,
                status=DeliveryStatus.PENDING,
                next_attempt_at=moment,
                created_at=moment,
                updated_at=moment,
            )
        )
    return event


def iso_utc(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z (2026-11-24T06:30:00Z), as Standard Webhooks writes times."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
