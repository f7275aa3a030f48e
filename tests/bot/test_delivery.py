"""Twilio delivery reports move outbox rows forwards only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import utcnow
from bot.delivery import apply_twilio_status
from bot.models import ChannelKind, Direction, Message, MessageStatus

SID = "SM" + "a" * 32


def sent_row(session: Session, status: MessageStatus = MessageStatus.SENT, sid: str = SID) -> int:
    """An outbound SMS the provider has accepted."""
    message = Message(
        direction=Direction.OUTBOUND,
        channel=ChannelKind.SMS,
        address="+4520123456",
        body="Hej",
        status=status,
        provider_id=sid,
        attempts=1,
    )
    session.add(message)
    session.commit()
    assert message.id is not None
    return message.id


def report(engine: Engine, status: str, error_code: str | None = None, sid: str = SID) -> bool:
    """Apply one report in its own transaction, as the webhook does."""
    with Session(engine) as s:
        known = apply_twilio_status(s, message_sid=sid, status=status, error_code=error_code)
        s.commit()
    return known


def status_of(engine: Engine, message_id: int) -> MessageStatus:
    """The row's status as stored."""
    with Session(engine) as s:
        return MessageStatus(s.get_one(Message, message_id).status)


@pytest.mark.parametrize(
    ("twilio_status", "expected"),
    [
        ("queued", MessageStatus.SENT),
        ("accepted", MessageStatus.SENT),
        ("sending", MessageStatus.SENT),
        ("sent", MessageStatus.SENT),
        ("delivered", MessageStatus.DELIVERED),
        ("read", MessageStatus.DELIVERED),
        ("undelivered", MessageStatus.UNDELIVERED),
        ("failed", MessageStatus.FAILED),
        ("canceled", MessageStatus.FAILED),
    ],
)
def test_twilio_statuses_map_onto_the_lifecycle(
    engine: Engine, session: Session, twilio_status: str, expected: MessageStatus
) -> None:
    """Each documented Twilio status lands on one of ours."""
    message_id = sent_row(session, status=MessageStatus.SENDING)
    assert report(engine, twilio_status)
    assert status_of(engine, message_id) == expected


def test_a_late_sent_does_not_overwrite_delivered(engine: Engine, session: Session) -> None:
    """Callbacks arrive out of order; the row never moves backwards."""
    message_id = sent_row(session)
    assert report(engine, "delivered")
    assert report(engine, "sent")
    assert report(engine, "queued")
    assert status_of(engine, message_id) == MessageStatus.DELIVERED


def test_a_final_state_stays_final(engine: Engine, session: Session) -> None:
    """Once undelivered, a stray "failed" or "delivered" does not flip it."""
    message_id = sent_row(session)
    assert report(engine, "undelivered", error_code="30003")
    assert report(engine, "delivered")
    assert status_of(engine, message_id) == MessageStatus.UNDELIVERED


def test_undelivered_keeps_the_error_code_and_touches_updated_at(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """The consultant's timeline can show why a text did not arrive."""
    message_id = sent_row(session)
    clock.shift(timedelta(minutes=2))
    assert report(engine, "undelivered", error_code="30006")
    with Session(engine) as s:
        stored = s.get_one(Message, message_id)
    assert stored.last_error == "twilio status undelivered error 30006"
    assert stored.updated_at == utcnow()


def test_unknown_sid_is_reported_as_unknown(engine: Engine, session: Session) -> None:
    """Not ours (or not recorded yet): False, nothing changes."""
    message_id = sent_row(session)
    assert not report(engine, "delivered", sid="SM" + "b" * 32)
    assert status_of(engine, message_id) == MessageStatus.SENT


def test_unknown_status_is_ignored(engine: Engine, session: Session) -> None:
    """A status Twilio adds later does not break the callback."""
    message_id = sent_row(session)
    assert report(engine, "partially_delivered")
    assert status_of(engine, message_id) == MessageStatus.SENT


def test_inbound_rows_with_the_same_sid_are_not_touched(engine: Engine, session: Session) -> None:
    """Only outbound rows take delivery reports."""
    inbound = Message(
        direction=Direction.INBOUND,
        channel=ChannelKind.SMS,
        address="+4520123456",
        body="syg",
        status=MessageStatus.HANDLED,
        provider_id=SID,
    )
    session.add(inbound)
    session.commit()
    assert not report(engine, "delivered")
    assert inbound.id is not None
    assert status_of(engine, inbound.id) == MessageStatus.HANDLED
