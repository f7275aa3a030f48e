"""Webhook subscriptions: where a jobcentre's case system wants its signed events.

Makker generates each secret (Standard Webhooks `whsec_…`) and shows it in full only when a
subscription is created or its secret rotated; reads show it masked.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlmodel import Session, col, func, select

from bot.clock import utcnow
from bot.models import WebhookSubscription
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, fetch_page
from webhooks.api.errors import conflict, documented, not_found
from webhooks.api.schemas import (
    ActiveListQuery,
    SecretRotation,
    SubscriptionCreate,
    SubscriptionPublic,
    SubscriptionsPublic,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)
from webhooks.deps import SessionDep
from webhooks.outgoing.dead_letters import DEACTIVATED_REASON, disable_subscription
from webhooks.outgoing.sender import SUBSCRIPTION_LOCK
from webhooks.outgoing.signing import mask, new_secret

router = APIRouter(prefix="/webhook-subscriptions", tags=["webhooks"])
MISSING = "No such webhook subscription in your jobcentre"
MAX_ACTIVE = 10  # each one multiplies every event; more is a mistake, not a need
CLASH = "An active subscription already uses this URL, or the jobcentre has 10 active ones"


def owned_subscription(
    session: Session, subscription_id: int, jobcentre_id: int, *, lock: bool = False
) -> WebhookSubscription:
    """The subscription if the caller's jobcentre owns it; another's is as absent as none."""
    row = session.get(
        WebhookSubscription, subscription_id, with_for_update=SUBSCRIPTION_LOCK if lock else False
    )
    if row is None or row.jobcentre_id != jobcentre_id:
        raise not_found("Webhook subscription")
    return row


def public(subscription: WebhookSubscription) -> SubscriptionPublic:
    """The subscription with its secret masked."""
    return SubscriptionPublic.model_validate(
        subscription, update={"secret": mask(subscription.secret)}
    )


def with_secret(subscription: WebhookSubscription) -> SubscriptionWithSecret:
    """The subscription with its secret in full (create and rotate only)."""
    return SubscriptionWithSecret.model_validate(subscription)


def _check_can_be_active(
    session: Session, *, jobcentre_id: int, url: str, other_than: int | None
) -> None:
    """One active subscription per URL (two would deliver each event twice), at most ten."""
    active = select(WebhookSubscription).where(
        WebhookSubscription.jobcentre_id == jobcentre_id,
        col(WebhookSubscription.active),
        col(WebhookSubscription.id) != (other_than or 0),
    )
    if session.exec(active.where(WebhookSubscription.url == url).limit(1)).first():
        raise conflict("url", "an active subscription already sends events to this URL")
    counted = select(func.count()).select_from(active.subquery())
    if session.exec(counted).one() >= MAX_ACTIVE:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail=f"A jobcentre can have at most {MAX_ACTIVE} active subscriptions",
        )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SubscriptionWithSecret,
    responses=documented(clash=CLASH),
)
def create_subscription(
    body: SubscriptionCreate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> SubscriptionWithSecret:
    """Subscribe a URL to events; the answer holds the signing secret, shown this once."""
    _check_can_be_active(session, jobcentre_id=jobcentre_id, url=body.url, other_than=None)
    subscription = WebhookSubscription(
        jobcentre_id=jobcentre_id,
        url=body.url,
        event_kinds=body.event_kinds,
        description=body.description,
        secret=new_secret(),
        created_at=utcnow(),
    )
    session.add(subscription)
    session.commit()
    return with_secret(subscription)


@router.get("", response_model=SubscriptionsPublic)
def list_subscriptions(
    query: Annotated[ActiveListQuery, Query()], session: SessionDep, jobcentre_id: JobcentreIdDep
) -> SubscriptionsPublic:
    """The jobcentre's subscriptions, oldest first (switched-off ones with include_inactive)."""
    statement = select(WebhookSubscription).where(WebhookSubscription.jobcentre_id == jobcentre_id)
    if not query.include_inactive:
        statement = statement.where(col(WebhookSubscription.active))
    rows, count = fetch_page(session, statement.order_by(col(WebhookSubscription.id)), query=query)
    return SubscriptionsPublic(data=[public(r) for r in rows], count=count)


@router.get(
    "/{subscription_id}", response_model=SubscriptionPublic, responses=documented(missing=MISSING)
)
def read_subscription(
    subscription_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> SubscriptionPublic:
    """One subscription, active or not, with why it was switched off."""
    return public(owned_subscription(session, subscription_id, jobcentre_id))


@router.patch(
    "/{subscription_id}",
    response_model=SubscriptionPublic,
    responses=documented(missing=MISSING, clash=CLASH),
)
def update_subscription(
    subscription_id: RowId,
    body: SubscriptionUpdate,
    session: SessionDep,
    jobcentre_id: JobcentreIdDep,
) -> SubscriptionPublic:
    """Change the fields sent; `active: true` switches it back on (dead deliveries stay dead)."""
    subscription = owned_subscription(session, subscription_id, jobcentre_id, lock=True)
    changes = body.model_dump(exclude_unset=True)
    active = changes.pop("active", subscription.active)
    subscription.sqlmodel_update(changes)
    now = utcnow()
    if active:
        _check_can_be_active(
            session, jobcentre_id=jobcentre_id, url=subscription.url, other_than=subscription.id
        )
        subscription.active = True
        subscription.disabled_at = None
        subscription.disabled_reason = None
    elif subscription.active:
        disable_subscription(session, subscription, reason=DEACTIVATED_REASON, now=now)
    session.add(subscription)
    session.commit()
    return public(subscription)


@router.delete(
    "/{subscription_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=documented(missing=MISSING),
)
def deactivate_subscription(
    subscription_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> None:
    """Switch it off (never delete: the delivery log stays); waiting deliveries go dead."""
    subscription = owned_subscription(session, subscription_id, jobcentre_id, lock=True)
    disable_subscription(session, subscription, reason=DEACTIVATED_REASON, now=utcnow())
    session.commit()


@router.post(
    "/{subscription_id}/rotate-secret",
    response_model=SubscriptionWithSecret,
    responses=documented(missing=MISSING),
)
def rotate_secret(
    subscription_id: RowId,
    session: SessionDep,
    jobcentre_id: JobcentreIdDep,
    body: SecretRotation | None = None,
) -> SubscriptionWithSecret:
    """A new secret, shown this once; the old one keeps signing beside it for a while."""
    subscription = owned_subscription(session, subscription_id, jobcentre_id, lock=True)
    hours = (body or SecretRotation()).keep_previous_hours
    if hours:
        subscription.previous_secret = subscription.secret
        subscription.previous_secret_expires_at = utcnow() + timedelta(hours=hours)
    else:
        subscription.previous_secret = None
        subscription.previous_secret_expires_at = None
    subscription.secret = new_secret()
    session.add(subscription)
    session.commit()
    return with_secret(subscription)
