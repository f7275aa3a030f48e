"""An employer notice that never arrived is reported to the consultant, once."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.clock import utcnow
from bot.models import Alert, AlertKind, AlertSeverity, Message, MessageStatus
from flows.delivery_watch import alert_undelivered_notices
from tests.factories import World
from tests.flows.chat import Chat


def _report_sick(chat: Chat, world: World) -> Message:
    """A full sick report; returns the employer notice row."""
    for text in ("syg", "1", "1"):
        chat.send(world.citizen.phone or "", text)
    (notice,) = chat.outbound(world.contact.phone, "sick_day.employer_notice")
    return notice


def test_failed_notice_alerts_the_consultant_once(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """The citizen was told the employer knows; when that is not true, a person must act."""
    notice = _report_sick(chat, world)
    stored = session.get_one(Message, notice.id)
    stored.status = MessageStatus.UNDELIVERED
    session.add(stored)
    session.commit()

    assert alert_undelivered_notices(session, utcnow()) == 1
    session.commit()
    assert alert_undelivered_notices(session, utcnow()) == 0

    alert = session.exec(select(Alert)).one()
    assert alert.kind == AlertKind.NOTICE_NOT_DELIVERED
    assert alert.severity == AlertSeverity.URGENT
    assert alert.citizen_id == world.citizen.id
    text = chat.last(world.consultant.phone or "")
    assert text.kind == "alert.notice_not_delivered" and "Lars Holm" in text.body


def test_delivered_notices_are_left_alone(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """Pending, sent and delivered notices raise nothing."""
    _report_sick(chat, world)
    assert alert_undelivered_notices(session, utcnow()) == 0
    assert session.exec(select(Alert)).all() == []
