"""Follow-up check-ins: every interval in a placement's first year, citizen and employer."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._base import ParticipantKind, created_at_field, enum_field, instant_field


class CheckInStage(StrEnum):
    """Where one respondent's check-in stands."""

    PLANNED = "planned"  # due at `next_step_at`
    ASKED = "asked"  # first question sent; waiting up to 3 days
    REMINDED = "reminded"  # one reminder sent; waiting 3 more days
    ANSWERED = "answered"  # all questions answered
    MISSED = "missed"  # no answer after the reminder: the consultant was alerted
    CANCELLED = "cancelled"  # the placement ended or was deactivated


class CheckInRating(StrEnum):
    """1 good / 2 OK / 3 bad, from either side."""

    GOOD = "good"
    OK = "ok"
    BAD = "bad"


class CheckIn(SQLModel, table=True):
    """One respondent's answers for one period of one placement (a series per placement)."""

    __tablename__ = "check_in"
    __table_args__ = (
        UniqueConstraint("placement_id", "number", "respondent", name="uq_check_in_period"),
        Index("ix_check_in_due", "stage", "next_step_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    number: int  # 1 for the first interval after the start, 2 for the next …
    period_start: date  # the day this period's check-in fell due
    respondent: ParticipantKind = enum_field(ParticipantKind.CITIZEN)  # citizen or contact
    respondent_id: int  # the citizen's or the employer contact's id
    stage: CheckInStage = enum_field(CheckInStage.PLANNED)
    next_step_at: datetime | None = instant_field()
    rating: CheckInRating | None = enum_field(None)
    wants_call: bool | None = None  # citizen: asked their consultant to call
    paid_hours: float | None = None  # employer: paid hours worked last week
    answered_at: datetime | None = instant_field()
    alert_id: int | None = Field(default=None, foreign_key="alert.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
