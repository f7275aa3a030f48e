"""Store an inbound message once (dedupe by provider id), then let the router answer it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.clock import utcnow
from bot.db.engine import session_scope
from bot.models import ChannelKind, Direction, Message, MessageStatus, ParticipantKind

log = logging.getLogger(__name__)

MAX_STORED_TEXT = 4000  # longer texts are cut; SMS concatenation tops out far below


@dataclass(frozen=True)
class Inbound:
    """One message as a provider delivered it, already authenticated by the webhook."""

    channel: ChannelKind
    address: str  # E.164 sender number, or the Telegram chat id as text
    text: str
    provider_id: str  # Twilio MessageSid, or "update:<update_id>" for Telegram
    shared_phone: str | None = None  # Telegram: a phone number the user shared as a contact


class Outcome(StrEnum):
    """What became of an inbound message."""

    HANDLED = "handled"
    DUPLICATE = "duplicate"  # the provider delivered it before; nothing done twice
    ERROR = "error"  # stored, but the flow failed; kept for a person to look at


def receive(engine: Engine, inbound: Inbound) -> Outcome:
    """Store, then handle, an inbound message; never loses what was stored."""
    message_id = _store(engine, inbound)
    if message_id is None:
        return Outcome.DUPLICATE
    from flows.router import route  # late import: the router pulls in every flow

    try:
        with session_scope(engine) as session:
            message = session.get_one(Message, message_id)
            route(session, message, inbound)
            message.status = MessageStatus.HANDLED
            message.updated_at = utcnow()
    except Exception:
        log.exception("inbound message %s could not be handled", message_id)
        _mark_error(engine, message_id)
        return Outcome.ERROR
    return Outcome.HANDLED


def _store(engine: Engine, inbound: Inbound) -> int | None:
    """Insert the inbound row in its own transaction; None if the provider id was seen."""
    now = utcnow()
    row = Message(
        direction=Direction.INBOUND,
        channel=inbound.channel,
        participant_kind=ParticipantKind.UNKNOWN,
        address=inbound.address.replace("\x00", "")[:64],
        body=inbound.text.replace("\x00", "")[:MAX_STORED_TEXT],  # PostgreSQL text has no NUL
        status=MessageStatus.RECEIVED,
        provider_id=inbound.provider_id.replace("\x00", "")[:64],
        created_at=now,
        updated_at=now,
    )
    try:
        with Session(engine, expire_on_commit=False) as session:
            session.add(row)
            session.commit()
    except IntegrityError:
        return None  # uq_message_provider_id: the provider delivered this one before
    assert row.id is not None
    return row.id


def _mark_error(engine: Engine, message_id: int) -> None:
    """Record that handling failed, without touching the stored text."""
    with session_scope(engine) as session:
        message = session.get_one(Message, message_id)
        message.status = MessageStatus.ERROR
        message.updated_at = utcnow()
