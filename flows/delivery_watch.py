"""Notices the employer never got: the citizen was told "we have told Lars", so a person must know.

```mermaid
flowchart LR
    F["employer notice failed / undelivered"] --> A["urgent alert to the consultant (once)"]
```
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.models import (
    AlertKind,
    AlertSeverity,
    Citizen,
    Direction,
    EmployerContact,
    Message,
    MessageStatus,
    ParticipantKind,
)
from flows.alerts import raise_alert
from messages import T

WATCHED_KINDS = ("sick_day.employer_notice", "back_to_work.employer_notice")
UNDELIVERED = (MessageStatus.FAILED, MessageStatus.UNDELIVERED)


def alert_undelivered_notices(session: Session, now: datetime) -> int:
    """Alert each failed employer notice's consultant once; returns how many."""
    query = (
        select(Message)
        .where(
            Message.direction == Direction.OUTBOUND,
            col(Message.kind).in_(WATCHED_KINDS),
            col(Message.status).in_(UNDELIVERED),
            col(Message.escalated_at).is_(None),
        )
        .with_for_update(skip_locked=True)
    )
    alerted = 0
    for notice in session.exec(query).all():
        notice.escalated_at = now
        session.add(notice)
        citizen = _citizen_behind(session, notice)
        contact = session.get(EmployerContact, notice.participant_id or 0)
        if citizen is None or contact is None:
            continue
        raise_alert(
            session,
            citizen=citizen,
            kind=AlertKind.NOTICE_NOT_DELIVERED,
            severity=AlertSeverity.URGENT,
            summary=T(
                "The message to {contact} about {name}'s absence could not be delivered. "
                "Please tell the employer yourself.",
                contact=contact.name,
                name=citizen.full_name,
            ),
            key=f"undelivered:{notice.id}",
            details={"message_id": notice.id, "status": str(notice.status)},
        )
        alerted += 1
    return alerted


def _citizen_behind(session: Session, notice: Message) -> Citizen | None:
    """The citizen whose message caused the notice."""
    cause = session.get(Message, notice.in_reply_to_id or 0)
    if cause is None or cause.participant_kind != ParticipantKind.CITIZEN:
        return None
    return session.get(Citizen, cause.participant_id or 0)
