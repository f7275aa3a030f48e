"""A number or chat Makker does not know gets one short, bilingual reply that reveals nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from bot.clock import utcnow
from bot.models import ChannelKind, Direction, Message, ParticipantKind
from bot.outbox import enqueue
from bot.recipients import Recipient
from messages import T, render

QUIET_PERIOD = timedelta(hours=24)  # one answer a day, so two bots cannot talk forever


def reply(session: Session, inbound: Message) -> None:
    """Say, in Danish and English, that this number is not registered."""
    since = utcnow() - QUIET_PERIOD
    recent = session.exec(
        select(Message.id).where(
            Message.direction == Direction.OUTBOUND,
            Message.channel == inbound.channel,
            Message.address == inbound.address,
            Message.kind == "unknown_sender",
            col(Message.created_at) >= since,
        )
    ).first()
    if recent is not None:
        return
    text = T(
        "This number is not registered with a jobcentre in Makker. Please contact your jobcentre."
    )
    if inbound.channel == ChannelKind.TELEGRAM:
        text = T(
            "This chat is not registered with a jobcentre in Makker. If your jobcentre "
            "registered your phone number, share your contact with this bot to connect."
        )
    body = f"{render(text, 'da')}\n\n{render(text, 'en')}"
    enqueue(
        session,
        recipient=Recipient(
            kind=ParticipantKind.UNKNOWN,
            id=None,
            channel=ChannelKind(inbound.channel),
            address=inbound.address,
            language="da",
            jobcentre_id=None,
        ),
        body=body,
        kind="unknown_sender",
        idempotency_key=f"in{inbound.id}:unknown_sender",
        in_reply_to_id=inbound.id,
    )
