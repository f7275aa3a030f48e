"""The delivery log: what was sent to a subscription, every attempt, and redelivery."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlmodel import Session, col, select

from bot.clock import utcnow
from bot.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, fetch_page
from webhooks.api.errors import documented, not_found
from webhooks.api.schemas import (
    DeliveryQuery,
    WebhookAttemptPublic,
    WebhookDeliveriesPublic,
    WebhookDeliveryPublic,
)
from webhooks.api.subscriptions import owned_subscription
from webhooks.deps import SessionDep
from webhooks.outgoing.sender import SUBSCRIPTION_LOCK, redeliver

router = APIRouter(tags=["webhooks"])
MISSING_SUBSCRIPTION = documented(missing="No such webhook subscription in your jobcentre")
MISSING = "No such webhook delivery in your jobcentre"
REDELIVERABLE = (DeliveryStatus.DELIVERED, DeliveryStatus.DEAD)


def owned_delivery(session: Session, delivery_id: int, jobcentre_id: int) -> WebhookDelivery:
    """The delivery if the caller's jobcentre owns it; another's is as absent as none."""
    row = session.get(WebhookDelivery, delivery_id)
    if row is None or row.jobcentre_id != jobcentre_id:
        raise not_found("Webhook delivery")
    return row


def shown(session: Session, deliveries: Sequence[WebhookDelivery]) -> list[WebhookDeliveryPublic]:
    """Deliveries with their events and attempt logs, read in two queries for the page."""
    ids = [d.id for d in deliveries]
    events = {
        e.id: e
        for e in session.exec(
            select(WebhookEvent).where(col(WebhookEvent.id).in_({d.event_id for d in deliveries}))
        )
    }
    attempts: dict[int, list[WebhookAttemptPublic]] = defaultdict(list)
    logged = select(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(ids))
    for attempt in session.exec(
        logged.order_by(col(WebhookAttempt.attempted_at), col(WebhookAttempt.id))
    ):
        attempts[attempt.delivery_id].append(WebhookAttemptPublic.model_validate(attempt))
    result = []
    for delivery in deliveries:
        assert delivery.id is not None
        event = events[delivery.event_id]
        result.append(
            WebhookDeliveryPublic.model_validate(
                delivery,
                update={
                    "event_id": event.public_id,
                    "event_type": event.kind,
                    "payload": event.payload,
                    "attempt_log": attempts[delivery.id],
                },
            )
        )
    return result


@router.get(
    "/webhook-subscriptions/{subscription_id}/deliveries",
    response_model=WebhookDeliveriesPublic,
    responses=MISSING_SUBSCRIPTION,
)
def list_deliveries(
    subscription_id: RowId,
    query: Annotated[DeliveryQuery, Query()],
    session: SessionDep,
    jobcentre_id: JobcentreIdDep,
) -> WebhookDeliveriesPublic:
    """What was sent (or is waiting) for a subscription, newest first, with every attempt."""
    subscription = owned_subscription(session, subscription_id, jobcentre_id)
    statement = select(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription.id,
        WebhookDelivery.jobcentre_id == jobcentre_id,
    )
    if query.status is not None:
        statement = statement.where(WebhookDelivery.status == query.status)
    statement = statement.order_by(
        col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id).desc()
    )
    rows, count = fetch_page(session, statement, query=query)
    return WebhookDeliveriesPublic(data=shown(session, rows), count=count)


@router.get(
    "/webhook-deliveries/{delivery_id}",
    response_model=WebhookDeliveryPublic,
    responses=documented(missing=MISSING),
)
def read_delivery(
    delivery_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> WebhookDeliveryPublic:
    """One delivery with its event and every attempt."""
    return shown(session, [owned_delivery(session, delivery_id, jobcentre_id)])[0]


@router.post(
    "/webhook-deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookDeliveryPublic,
    responses=documented(
        missing=MISSING,
        clash="Still on its way (pending or sending), or the subscription is switched off",
    ),
)
def redeliver_delivery(
    delivery_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> WebhookDeliveryPublic:
    """Send a delivered or dead event again, with the same webhook-id, at the next tick."""
    delivery = owned_delivery(session, delivery_id, jobcentre_id)
    subscription = session.get_one(
        WebhookSubscription, delivery.subscription_id, with_for_update=SUBSCRIPTION_LOCK
    )
    session.refresh(delivery, with_for_update=True)
    if delivery.status not in REDELIVERABLE:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"The delivery is still {delivery.status}"
        )
    if not subscription.active:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail="The subscription is switched off; switch it on first (active: true)",
        )
    redeliver(delivery, utcnow())
    session.add(delivery)
    session.commit()
    return shown(session, [delivery])[0]
