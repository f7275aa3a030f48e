"""Where each person is in a conversation, kept in the database so any worker can continue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow
from bot.db.types import UTCDateTime
from bot.models._base import ParticipantKind, enum_field, instant_field, json_field


class Conversation(SQLModel, table=True):
    """One open conversation per person: the flow, its step and what it has learnt so far."""

    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("participant_kind", "participant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_kind: ParticipantKind = enum_field(ParticipantKind.CITIZEN)
    participant_id: int
    flow: str = Field(max_length=64)
    step: str = Field(max_length=64)
    context: dict[str, Any] = json_field()
    expires_at: datetime | None = instant_field()
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
