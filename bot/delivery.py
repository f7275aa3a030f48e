"""Provider delivery reports onto the message log, which only ever moves forwards."""

from __future__ import annotations

import logging

from sqlmodel import Session, col, select

from bot.clock import utcnow
from bot.models import Direction, Message, MessageStatus

log = logging.getLogger(__name__)

# Twilio's MessageStatus values (SMS and WhatsApp) in our lifecycle. Everything up to "sent"
# means Twilio has it; "canceled" is a scheduled message that was never sent.
TWILIO_STATUS: dict[str, MessageStatus] = {
    "accepted": MessageStatus.SENT,
    "scheduled": MessageStatus.SENT,
    "queued": MessageStatus.SENT,
    "sending": MessageStatus.SENT,
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "read": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.UNDELIVERED,
    "failed": MessageStatus.FAILED,
    "canceled": MessageStatus.FAILED,
}

# How far along a row is; a report never moves a row to a lower rank, and final states stay.
RANK: dict[MessageStatus, int] = {
    MessageStatus.PENDING: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.UNDELIVERED: 3,
    MessageStatus.FAILED: 3,
}


def apply_twilio_status(
    session: Session,
    *,
    message_sid: str,
    status: str,
    error_code: str | None = None,
    outbox_id: int | None = None,
) -> bool:
    """Apply a Twilio status callback; False when the sid is not one of our messages."""
    message = session.exec(
        select(Message).where(
            col(Message.direction) == Direction.OUTBOUND,
            col(Message.provider_id) == message_sid,
        )
    ).first()
    if message is None and outbox_id is not None:
        # The callback came before the dispatcher recorded the sid: claim the row by its id.
        message = session.exec(
            select(Message).where(
                col(Message.id) == outbox_id,
                col(Message.direction) == Direction.OUTBOUND,
                col(Message.provider_id).is_(None),
            )
        ).first()
        if message is not None:
            message.provider_id = message_sid
            message.sent_at = message.sent_at or utcnow()
    if message is None:
        return False
    new = TWILIO_STATUS.get(status.strip().lower())
    if new is None:
        log.warning("unknown Twilio status %r for outbox message %s", status[:32], message.id)
        return True
    current = MessageStatus(message.status)
    if current not in RANK or RANK[new] <= RANK[current]:
        return True  # late or repeated report (e.g. "sent" after "delivered"): keep what we know
    message.status = new
    message.updated_at = utcnow()
    if new in (MessageStatus.UNDELIVERED, MessageStatus.FAILED):
        message.last_error = f"twilio status {status} error {error_code or 'none'}"[:500]
    session.add(message)
    log.info("outbox message %s: %s (twilio %s)", message.id, new, status)
    return True
