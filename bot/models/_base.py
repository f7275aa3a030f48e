"""Field helpers shared by every table."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, String
from sqlmodel import Field

from bot.clock import utcnow
from bot.db.types import UTCDateTime


def created_at_field() -> Any:
    """When the row was written."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def instant_field(*, index: bool = False) -> Any:
    """An optional moment, stored as UTC."""
    return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)


def required_instant_field() -> Any:
    """A moment every row has, stored as UTC."""
    return Field(sa_type=UTCDateTime, nullable=False)


def json_field() -> Any:
    """A JSON document column (dict)."""
    return Field(default_factory=dict, sa_type=JSON, nullable=False)


def enum_field(default: StrEnum | None = None, *, index: bool = False) -> Any:
    """A string enum kept as plain VARCHAR, so adding a value needs no migration."""
    return Field(default=default, sa_type=String(32), nullable=default is None, index=index)


def chat_id_field() -> Any:
    """Telegram chat ids exceed 32 bits."""
    return Field(default=None, sa_type=BigInteger, nullable=True, index=True)


class ParticipantKind(StrEnum):
    """Who is at the other end of a message or a conversation."""

    CITIZEN = "citizen"  # the person placed in work
    CONTACT = "contact"  # the employer's contact person
    CONSULTANT = "consultant"  # the jobcentre's job consultant
    UNKNOWN = "unknown"  # a number or chat Makker does not know


class ChannelKind(StrEnum):
    """How a person is reached; the dispatcher maps each to a provider or the sandbox."""

    SMS = "sms"
    TELEGRAM = "telegram"
    VOICE = "voice"


__all__ = [
    "ChannelKind",
    "ParticipantKind",
    "chat_id_field",
    "created_at_field",
    "datetime",
    "enum_field",
    "instant_field",
    "json_field",
    "required_instant_field",
]
