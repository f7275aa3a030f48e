"""The message log, which is also the outbox: every outbound message is a row first."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.db.types import UTCDateTime
from bot.models._base import (
    ChannelKind,
    ParticipantKind,
    created_at_field,
    enum_field,
    instant_field,
    json_field,
)


class Direction(StrEnum):
    """Which way a message travelled."""

    INBOUND = "in"
    OUTBOUND = "out"


class MessageStatus(StrEnum):
    """Lifecycle of a message row."""

    RECEIVED = "received"  # inbound: stored, not yet handled
    HANDLED = "handled"  # inbound: a flow has answered it
    ERROR = "error"  # inbound: handling raised; the text is kept for a person to look at
    PENDING = "pending"  # outbound: waiting for the dispatcher (maybe a retry later)
    SENDING = "sending"  # outbound: claimed by a dispatcher, provider call in flight
    SENT = "sent"  # outbound: the provider accepted it
    DELIVERED = "delivered"  # outbound: the provider reported delivery to the handset
    UNDELIVERED = "undelivered"  # outbound: the provider reported it could not deliver
    FAILED = "failed"  # outbound: gave up after retries, or a permanent provider error
    SUPPRESSED = "suppressed"  # outbound: not sent because the person opted out
    CANCELLED = "cancelled"  # outbound: withdrawn before sending (e.g. interview rescheduled)


class Message(SQLModel, table=True):
    """One message in or out, with its delivery state."""

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("direction", "channel", "provider_id", name="uq_message_provider_id"),
        # Send order (the dispatcher) and every lookup by status.
        Index("ix_message_deadline", "status", "deadline", "id"),
        Index("ix_message_participant", "participant_kind", "participant_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int | None = Field(default=None, foreign_key="jobcentre.id", index=True)
    direction: Direction = enum_field(Direction.OUTBOUND)
    channel: ChannelKind = enum_field(ChannelKind.SMS)
    participant_kind: ParticipantKind = enum_field(ParticipantKind.UNKNOWN)
    participant_id: int | None = None
    address: str = Field(max_length=64)  # E.164 number or Telegram chat id
    kind: str = Field(default="", max_length=64)  # e.g. sick_day.employer_notice
    language: str = Field(default="da", max_length=8)
    body: str = Field(sa_type=Text)
    options: list[dict[str, Any]] = Field(default_factory=list, sa_type=json_field().sa_type)
    status: MessageStatus = enum_field(MessageStatus.PENDING)
    provider_id: str | None = Field(default=None, max_length=64)
    idempotency_key: str | None = Field(default=None, max_length=200, unique=True)
    in_reply_to_id: int | None = Field(default=None, foreign_key="message.id")
    attempts: int = 0
    next_attempt_at: datetime | None = instant_field()
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    sent_at: datetime | None = instant_field()
    escalated_at: datetime | None = instant_field()  # a failed notice was reported to a person
    # When it must be out at the latest; due rows are sent earliest deadline first.
    deadline: datetime | None = instant_field()
    ref: str | None = Field(default=None, max_length=64, index=True)  # e.g. interview:12
    segments: int = 1  # SMS segments the body costs (what the SMS rate limit counts)
    detected_language: str | None = Field(default=None, max_length=8)  # inbound: as written


class RateBucket(SQLModel, table=True):
    """A token bucket shared by every dispatcher process (one row per rate-limited channel)."""

    __tablename__ = "rate_bucket"
    __table_args__ = (UniqueConstraint("name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)  # e.g. sms:+4570000000, telegram
    tokens: float = 0.0
    updated_at: datetime = created_at_field()
