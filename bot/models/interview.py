"""Job interviews a consultant books for a citizen, with what happened at each reminder."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from bot.models._base import (
    created_at_field,
    enum_field,
    instant_field,
    required_instant_field,
)


class InterviewStatus(StrEnum):
    """The interview's lifecycle."""

    SCHEDULED = "scheduled"  # booked; reminders run
    CANCELLED = "cancelled"  # called off by the consultant; the citizen was told
    HELD = "held"  # its time has passed; follow-up questions asked


class Attendance(StrEnum):
    """What the citizen answered to "will you be there?"."""

    UNKNOWN = "unknown"  # not asked or not answered yet
    CONFIRMED = "confirmed"  # "1 = I'll be there"
    DECLINED = "declined"  # "2 = I can't come": the consultant is alerted
    NO_ANSWER = "no_answer"  # no confirmation by 20:00 the evening before: alerted


class InterviewFeedback(StrEnum):
    """How the citizen felt it went."""

    GOOD = "good"
    OK = "ok"
    BAD = "bad"


class InterviewOutcome(StrEnum):
    """What the employer decided."""

    HIRED = "hired"
    NOT_HIRED = "not_hired"
    UNDECIDED = "undecided"


class InterviewBase(SQLModel):
    """An interview as the API books one."""

    starts_at: datetime = required_instant_field()
    address: str = Field(min_length=1, max_length=300)
    contact_name: str | None = Field(default=None, max_length=200)  # who to ask for
    notes: str | None = Field(default=None, sa_type=Text)  # for the consultant, never sent


class Interview(InterviewBase, table=True):
    """One interview; `stage` and `due_at` say which reminder comes next and when."""

    __tablename__ = "interview"
    __table_args__ = (Index("ix_interview_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="employer_contact.id")
    status: InterviewStatus = enum_field(InterviewStatus.SCHEDULED)
    attendance: Attendance = enum_field(Attendance.UNKNOWN)
    stage: str = Field(default="booked", max_length=32)  # the next reminder to run
    due_at: datetime | None = instant_field()
    version: int = 1  # bumped on reschedule, so reminders of the old time are told apart
    feedback: InterviewFeedback | None = enum_field(None)
    outcome: InterviewOutcome | None = enum_field(None)
    outcome_at: datetime | None = instant_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    cancelled_at: datetime | None = instant_field()
