"""A morning's ordinary first wake-up texts in bulk: one locking query, one INSERT, one UPDATE.

At 06:30 thousands of wake-ups are due at once and nearly all are plain: a citizen who is
active, not sick, not on leave, reachable, with a placement that runs today. Those are
claimed with what their text needs in one joined query (locked FOR UPDATE OF wake_up SKIP
LOCKED, so two workers never take the same row), their texts are written in one INSERT and
the rows moved on in one UPDATE, without an ORM object per row. Every other due row (a
reminder, a call, a sick morning, a cancellation) is returned for flows/wake_up.py's careful
path, which looks at it again on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, exists, select
from sqlmodel import Session, col

from bot.db.bulk import update_rows
from bot.models import (
    Absence,
    Citizen,
    Employer,
    Leave,
    ParticipantKind,
    Placement,
    WakeUp,
    WakeUpStage,
    WakeUpStatus,
)
from bot.models.placement import runs_on
from bot.outbox import Option, insert_many, outbox_values
from bot.recipients import recipient_from
from flows.engine import render_options
from flows.wake_up_texts import UP_OR_SICK, first_text
from messages import render

FIRST_TEXT = "wake_up.text"
WAKE_UPS: Table = WakeUp.__table__  # type: ignore[attr-defined]
NAME = "\x00"  # stands for the first name in a cached rendering (no name contains NUL)


@dataclass(frozen=True)
class Claimed:
    """What one pass claimed: how many plain texts it wrote, and the rows left to look at."""

    texted: int
    careful: list[int]


def claim_and_text(session: Session, now: datetime, limit: int) -> Claimed:
    """Claim up to `limit` due wake-ups; text the plain ones, return the ids of the rest."""
    rows = session.execute(_due(now, limit)).all()
    texts: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    careful: list[int] = []
    for row in rows:
        values = _plain_text(row, now)
        if values is None:
            careful.append(row.id)
            continue
        texts.append(values)
        reply_by = max(now, row.wake_at) + timedelta(minutes=row.wakeup_reply_minutes)
        moved.append({"id": row.id, "next_step_at": reply_by})
    for update, message_id in zip(moved, insert_many(session, texts), strict=True):
        update["message_id"] = message_id
    update_rows(session, WAKE_UPS, moved, same={"stage": WakeUpStage.TEXTED, "updated_at": now})
    return Claimed(len(moved), careful)


def _due(now: datetime, limit: int) -> Any:
    """Due open wake-ups with their citizen, placement, employer, sickness and leave."""
    sick = exists().where(
        col(Absence.citizen_id) == col(WakeUp.citizen_id), col(Absence.closed_at).is_(None)
    )
    away = exists().where(
        col(Leave.participant_kind) == ParticipantKind.CITIZEN,
        col(Leave.participant_id) == col(WakeUp.citizen_id),
        col(Leave.first_day) <= col(WakeUp.day),
        col(Leave.last_day) >= col(WakeUp.day),
    )
    return (
        select(
            col(WakeUp.id),
            col(WakeUp.citizen_id),
            col(WakeUp.day),
            col(WakeUp.shift_start),
            col(WakeUp.wake_at),
            col(WakeUp.stage),
            col(Citizen.id).label("found_citizen"),
            col(Citizen.jobcentre_id).label("citizen_jobcentre_id"),
            col(Citizen.first_name),
            col(Citizen.active).label("citizen_active"),
            col(Citizen.opted_out_at),
            col(Citizen.phone),
            col(Citizen.telegram_chat_id),
            col(Citizen.preferred_channel),
            col(Citizen.language),
            col(Placement.id).label("found_placement"),
            col(Placement.active).label("placement_active"),
            col(Placement.start_date),
            col(Placement.end_date),
            col(Placement.wakeup_enabled),
            col(Placement.wakeup_reply_minutes),
            col(Placement.workplace_address),
            col(Employer.name).label("employer_name"),
            sick.label("sick"),
            away.label("away"),
        )
        .select_from(WakeUp)
        .outerjoin(Citizen, col(Citizen.id) == col(WakeUp.citizen_id))
        .outerjoin(Placement, col(Placement.id) == col(WakeUp.placement_id))
        .outerjoin(Employer, col(Employer.id) == col(Placement.employer_id))
        .where(
            col(WakeUp.next_step_at).is_not(None),
            col(WakeUp.next_step_at) <= now,
            col(WakeUp.status) == WakeUpStatus.OPEN,
        )
        .order_by(col(WakeUp.next_step_at))  # the order of ix_wake_up_due: no sort
        .limit(limit)
        # Only the wake-up rows are locked; another worker skips them, not the citizens.
        .with_for_update(skip_locked=True, of=WakeUp)
    )


def _plain_text(row: Any, now: datetime) -> dict[str, Any] | None:
    """The outbox row of an ordinary first text, or None when the careful path must decide."""
    if row.stage != WakeUpStage.PLANNED or row.found_citizen is None or row.found_placement is None:
        return None
    if not _wanted(row, now) or row.sick:
        return None
    recipient = recipient_from(
        kind=ParticipantKind.CITIZEN,
        id=row.citizen_id,
        jobcentre_id=row.citizen_jobcentre_id,
        phone=row.phone,
        telegram_chat_id=row.telegram_chat_id,
        preferred_channel=row.preferred_channel,
        language=row.language,
        opted_out=False,
    )
    if recipient is None:
        return None
    place = place_text(
        row.employer_name, row.workplace_address if row.day == row.start_date else None
    )
    body = _body(recipient.language, place, row.shift_start).replace(NAME, row.first_name)
    return outbox_values(
        recipient=recipient,
        body=body,
        kind=FIRST_TEXT,
        options=_options(recipient.language),
        idempotency_key=f"wake_up:{row.id}:{FIRST_TEXT}",
        deadline=row.wake_at,
        ref=f"wake_up:{row.id}",
    )


def _wanted(row: Any, now: datetime) -> bool:
    """flows.wake_up._wanted on columns: active, not opted out, placement runs today, …"""
    day: date = row.day
    return bool(
        row.citizen_active
        and row.opted_out_at is None
        and row.wakeup_enabled
        and runs_on(day, active=row.placement_active, start=row.start_date, end=row.end_date)
        and not row.away
        and now < row.shift_start
    )


def place_text(employer: str | None, address: str | None) -> str:
    """Where the shift is: the employer, and the address when given (the first day)."""
    name = employer or ""
    if address:
        return f"{name}, {address}" if name else address
    return name


@lru_cache(maxsize=4096)
def _body(language: str, place: str, shift_start: datetime) -> str:
    """The rendered first text with NAME for the first name: one rendering per shift and place."""
    return render(first_text(NAME, place, shift_start), language)


@lru_cache(maxsize=64)
def _options(language: str) -> tuple[Option, ...]:
    """The 1 / SYG answers in a language."""
    return tuple(render_options(UP_OR_SICK, language))
