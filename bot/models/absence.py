"""Sick absences: the citizen's own illness or a child's."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, Text, text
from sqlmodel import Field, SQLModel

from bot.models._base import created_at_field, enum_field, instant_field


class AbsenceReason(StrEnum):
    """Why the citizen is away; never told to the employer."""

    OWN_ILLNESS = "own_illness"
    CHILD_ILLNESS = "child_illness"  # barns sygdom
    NOT_GIVEN = "not_given"  # the citizen wrote SYG and did not answer the question


class ExpectedReturn(StrEnum):
    """What the citizen answered about coming back."""

    TOMORROW = "tomorrow"
    FEW_DAYS = "few_days"
    UNKNOWN = "unknown"


class Absence(SQLModel, table=True):
    """One sick episode, from the first day until the citizen is back."""

    __tablename__ = "absence"
    __table_args__ = (
        # At most one open episode per citizen, whatever races the application loses.
        Index(
            "uq_absence_open_per_citizen",
            "citizen_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    reason: AbsenceReason = enum_field(AbsenceReason.OWN_ILLNESS)
    first_day: date
    expected_return: ExpectedReturn = enum_field(ExpectedReturn.UNKNOWN)
    expected_return_date: date | None = None
    reported_at: datetime = created_at_field()
    last_reported_day: date | None = None  # the day the latest report was about
    reported_after_shift_start: bool = False
    citizen_note: str | None = Field(default=None, sa_type=Text)  # health data: consultant only
    doctor_note: bool | None = None  # lægeerklæring, asked on the third working day
    third_day_alerted: bool = False
    closed_at: datetime | None = instant_field()
    return_day: date | None = None
