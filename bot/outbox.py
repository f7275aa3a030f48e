"""Write outbound messages as rows in the caller's transaction; the dispatcher sends them later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.clock import utcnow
from bot.models import Direction, Message, MessageStatus
from bot.recipients import Recipient


@dataclass(frozen=True)
class Option:
    """A numbered answer; SMS shows "1 - label", Telegram a button, voice a key press."""

    value: str
    label: str


def enqueue(
    session: Session,
    *,
    recipient: Recipient,
    body: str,
    kind: str,
    options: Sequence[Option] = (),
    idempotency_key: str | None = None,
    in_reply_to_id: int | None = None,
    not_before: datetime | None = None,
    allow_opted_out: bool = False,
) -> Message:
    """Add an outbound row; nothing is sent until the surrounding transaction commits."""
    now = utcnow()
    suppressed = recipient.opted_out and not allow_opted_out
    message = Message(
        jobcentre_id=recipient.jobcentre_id,
        direction=Direction.OUTBOUND,
        channel=recipient.channel,
        participant_kind=recipient.kind,
        participant_id=recipient.id,
        address=recipient.address,
        kind=kind,
        language=recipient.language,
        body=body,
        options=[{"value": o.value, "label": o.label} for o in options],
        status=MessageStatus.SUPPRESSED if suppressed else MessageStatus.PENDING,
        idempotency_key=idempotency_key,
        in_reply_to_id=in_reply_to_id,
        next_attempt_at=None if suppressed else (not_before or now),
        created_at=now,
        updated_at=now,
    )
    session.add(message)
    return message
