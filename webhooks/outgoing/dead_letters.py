"""Giving up loudly: dead-lettered deliveries, switched-off subscriptions, and their alert."""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.clock import local
from bot.models import (
    AlertKind,
    AlertSeverity,
    DeliveryStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from flows.alerts import raise_alert
from messages import T

log = logging.getLogger(__name__)

GONE_REASON = "the receiver answered 410 Gone"
DEACTIVATED_REASON = "deactivated through the API"


def disable_subscription(
    session: Session, subscription: WebhookSubscription, *, reason: str, now: datetime
) -> int:
    """Switch a subscription off and dead-letter what still waits for it; returns how many."""
    if subscription.active:
        subscription.active = False
        subscription.disabled_at = now
        subscription.disabled_reason = reason[:200]
        session.add(subscription)
    result = session.execute(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.subscription_id) == subscription.id,
            col(WebhookDelivery.status) == DeliveryStatus.PENDING,
        )
        .values(
            status=DeliveryStatus.DEAD,
            next_attempt_at=None,
            last_error=f"subscription switched off: {reason}"[:500],
            updated_at=now,
        )
    )
    dead = int(result.rowcount)  # type: ignore[attr-defined]
    log.warning(
        "webhook subscription %s switched off (%s); %s pending deliveries dead-lettered",
        subscription.id,
        reason,
        dead,
    )
    return dead


def alert_dead_letter(
    session: Session, subscription: WebhookSubscription, *, gone: bool, now: datetime
) -> None:
    """Tell the jobcentre, at most once a day per subscription, that events did not arrive.

    No consultant may be set up to read it; the alert then waits in the API.
    """
    assert subscription.id is not None
    day = local(now).date().isoformat()
    host = urlsplit(subscription.url).hostname or "?"
    if gone:
        summary = T(
            "Webhook {id} ({host}) was switched off: the case system answered 410 Gone. "
            "Ask IT to check it.",
            id=subscription.id,
            host=host,
        )
    else:
        summary = T(
            "Webhook {id} ({host}): events could not be delivered for 3 days. "
            "Ask IT to check the case system.",
            id=subscription.id,
            host=host,
        )
    savepoint = session.begin_nested()
    try:
        raise_alert(
            session,
            citizen=None,
            kind=AlertKind.WEBHOOK_DEAD_LETTER,
            severity=AlertSeverity.ATTENTION,
            summary=summary,
            key=f"webhook_dead_letter:{subscription.id}:{day}",
            jobcentre_id=subscription.jobcentre_id,
            details={"subscription_id": subscription.id, "gone": gone},
            now=now,
        )
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()  # another worker raised today's alert a moment ago
