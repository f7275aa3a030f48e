"""Write outbound messages as rows in the caller's transaction; the dispatcher sends them later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlmodel import Session

from bot.clock import utcnow
from bot.db.bulk import insert_rows
from bot.models import ChannelKind, Direction, Message, MessageStatus
from bot.recipients import Recipient
from bot.sms import segments


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
    deadline: datetime | None = None,
    ref: str | None = None,
    allow_opted_out: bool = False,
) -> Message:
    """Add an outbound row; nothing is sent until the surrounding transaction commits.

    `not_before` holds it back (quiet hours, a planned wake-up); `deadline` is when it must
    be out at the latest (the dispatcher sends earliest deadline first; default: when due).
    """
    message = Message(
        **outbox_values(
            recipient=recipient,
            body=body,
            kind=kind,
            options=options,
            idempotency_key=idempotency_key,
            in_reply_to_id=in_reply_to_id,
            not_before=not_before,
            deadline=deadline,
            ref=ref,
            allow_opted_out=allow_opted_out,
        )
    )
    session.add(message)
    return message


def outbox_values(
    *,
    recipient: Recipient,
    body: str,
    kind: str,
    options: Sequence[Option] = (),
    idempotency_key: str | None = None,
    in_reply_to_id: int | None = None,
    not_before: datetime | None = None,
    deadline: datetime | None = None,
    ref: str | None = None,
    allow_opted_out: bool = False,
) -> dict[str, Any]:
    """The column values of one outbound row (shared by enqueue and insert_many)."""
    now = utcnow()
    suppressed = recipient.opted_out and not allow_opted_out
    due = not_before or now
    return {
        "jobcentre_id": recipient.jobcentre_id,
        "direction": Direction.OUTBOUND,
        "channel": recipient.channel,
        "participant_kind": recipient.kind,
        "participant_id": recipient.id,
        "address": recipient.address,
        "kind": kind,
        "language": recipient.language,
        "body": body,
        "options": _stored(tuple(options)),
        "status": MessageStatus.SUPPRESSED if suppressed else MessageStatus.PENDING,
        "idempotency_key": idempotency_key,
        "in_reply_to_id": in_reply_to_id,
        "next_attempt_at": None if suppressed else due,
        "deadline": deadline or due,
        "ref": ref,
        "segments": sms_segments(body, options) if recipient.channel == ChannelKind.SMS else 1,
        "created_at": now,
        "updated_at": now,
    }


@lru_cache(maxsize=1024)
def _stored(options: tuple[Option, ...]) -> list[dict[str, str]]:
    """Options as the column stores them; one list per distinct set, shared (never mutated)."""
    return [{"value": o.value, "label": o.label} for o in options]


def insert_many(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Write many outbound rows in one statement (a morning's wake-ups); returns their ids.

    Same columns as enqueue, without building an ORM object per row, which costs more than
    the INSERT itself for thousands of rows.
    """
    return insert_rows(session, Message.__table__, rows, returning_ids=True)  # type: ignore[attr-defined]


def render_sms(body: str, options: Sequence[Option]) -> str:
    """Plain-text rendering of options, for SMS and the sandbox: one numbered line each."""
    if not options:
        return body
    lines = [f"{o.value} - {o.label}" for o in options]
    return body + "\n\n" + "\n".join(lines)


def sms_segments(body: str, options: Sequence[Option]) -> int:
    """Segments of the text as the SMS channel sends it."""
    return segments(render_sms(body, options))
