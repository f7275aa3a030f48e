"""Morning wake-ups: one row per citizen and local work day, carrying where the check-in is."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._base import (
    created_at_field,
    enum_field,
    instant_field,
    required_instant_field,
)


class WakeUpStatus(StrEnum):
    """Where one morning's check-in stands."""

    OPEN = "open"  # planned or under way: texts, a reminder, a call
    CONFIRMED = "confirmed"  # the citizen said they are up
    SICK = "sick"  # the citizen answered that they are sick (sick-day flow took over)
    MISSED = "missed"  # nobody answered text or call: the consultant was alerted
    CANCELLED = "cancelled"  # not needed any more (sick absence, leave, placement changed)


class WakeUpStage(StrEnum):
    """The last thing Makker did; `next_step_at` says when the next one is due."""

    PLANNED = "planned"  # first text in the outbox, held until its send time
    TEXTED = "texted"  # first text due; waiting for an answer
    REMINDED = "reminded"  # the second text went out
    CALLED = "called"  # a voice call was placed
    ALERTED = "alerted"  # the consultant was told; nothing more will happen
    DONE = "done"  # answered or cancelled


class WakeUp(SQLModel, table=True):
    """A wake-up check-in for one citizen on one local day (exactly one per day)."""

    __tablename__ = "wake_up"
    __table_args__ = (
        UniqueConstraint("citizen_id", "day", name="uq_wake_up_citizen_day"),
        Index("ix_wake_up_due", "status", "next_step_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    citizen_id: int = Field(foreign_key="citizen.id")  # uq_wake_up_citizen_day indexes it
    placement_id: int = Field(foreign_key="placement.id", index=True)
    day: date  # the Copenhagen calendar day of the shift
    shift_start: datetime = required_instant_field()  # the shift, as an instant
    wake_at: datetime = required_instant_field()  # first text's deadline
    status: WakeUpStatus = enum_field(WakeUpStatus.OPEN)
    stage: WakeUpStage = enum_field(WakeUpStage.PLANNED)
    next_step_at: datetime | None = instant_field()
    message_id: int | None = Field(default=None, foreign_key="message.id")  # the first text
    call_message_id: int | None = Field(default=None, foreign_key="message.id")
    call_status: str | None = Field(default=None, max_length=32)  # Twilio CallStatus
    answered_at: datetime | None = instant_field()
    answered_via: str | None = Field(default=None, max_length=16)  # sms, telegram, voice
    alert_id: int | None = Field(default=None, foreign_key="alert.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
