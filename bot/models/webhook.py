"""Outgoing webhooks for case systems: subscriptions, events (an outbox) and their deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._base import created_at_field, enum_field, instant_field, json_field


class WebhookSubscriptionBase(SQLModel):
    """A subscription as the API creates one (the secret is generated, never sent in)."""

    url: str = Field(min_length=1, max_length=2000)
    event_kinds: list[str] = Field(default_factory=list, sa_type=JSON)  # empty: every kind
    description: str | None = Field(default=None, max_length=200)


class WebhookSubscription(WebhookSubscriptionBase, table=True):
    """Where a jobcentre's case system wants its events, and the secret that signs them."""

    __tablename__ = "webhook_subscription"

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    secret: str = Field(max_length=100)  # whsec_<base64>; needed in clear text to sign
    # After a rotation the old secret signs too (a second signature) until this moment, so
    # the receiver can switch secrets without refusing a single event.
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_expires_at: datetime | None = instant_field()
    active: bool = Field(default=True)
    disabled_at: datetime | None = instant_field()
    disabled_reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = created_at_field()


class WebhookEvent(SQLModel, table=True):
    """One event, written in the transaction that caused it; its payload is thin by design."""

    __tablename__ = "webhook_event"

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=40, unique=True)  # the webhook-id header: msg_…
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    kind: str = Field(max_length=64, index=True)  # e.g. alert.created
    payload: dict[str, Any] = json_field()  # ids, kind, severity, time; never health details
    created_at: datetime = created_at_field()


class DeliveryStatus(StrEnum):
    """Lifecycle of one event's delivery to one subscription."""

    PENDING = "pending"  # waiting for its (next) attempt
    SENDING = "sending"  # claimed by a worker, request in flight
    DELIVERED = "delivered"  # the receiver answered 2xx
    DEAD = "dead"  # gave up after the last retry (or the subscription was disabled)


class WebhookDelivery(SQLModel, table=True):
    """One event on its way to one subscription, retried with backoff for about three days."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id", name="uq_webhook_delivery"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    event_id: int = Field(foreign_key="webhook_event.id", index=True)
    subscription_id: int = Field(foreign_key="webhook_subscription.id", index=True)
    status: DeliveryStatus = enum_field(DeliveryStatus.PENDING)
    attempts: int = 0
    next_attempt_at: datetime | None = instant_field()
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = instant_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class WebhookAttempt(SQLModel, table=True):
    """One HTTP attempt of a delivery, for the delivery log."""

    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="webhook_delivery.id", index=True)
    attempted_at: datetime = created_at_field()
    status_code: int | None = None  # None: no HTTP answer (timeout, refused)
    error: str | None = Field(default=None, sa_type=Text)
    duration_ms: int = 0
