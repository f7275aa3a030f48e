"""A placement joins a citizen, an employer contact and a weekly schedule."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from sqlalchemy import Integer
from sqlmodel import Field, SQLModel

from bot.models._base import created_at_field, enum_field, instant_field, json_field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class PlacementKind(StrEnum):
    """The Danish placement types a jobcentre uses."""

    VIRKSOMHEDSPRAKTIK = "virksomhedspraktik"  # unpaid internship, benefits continue
    LOENTILSKUD = "loentilskud"  # wage-subsidy job
    ORDINAERT_JOB = "ordinaert_job"  # ordinary job
    FRITIDSJOB = "fritidsjob"  # spare-time job


class Shift(BaseModel):
    """Start and end of the working day on one weekday, Danish wall-clock time."""

    model_config = ConfigDict(extra="forbid")

    start: time
    end: time

    @field_validator("start", "end", mode="after")
    @classmethod
    def _wall_clock(cls, value: time) -> time:
        """Shifts are Danish wall-clock times; a zone would make DST and comparisons wrong."""
        if value.tzinfo is not None:
            raise ValueError("give a local time without a time zone, e.g. 08:00")
        return value

    @model_validator(mode="after")
    def _end_after_start(self) -> Shift:
        """A shift ends after it starts (night shifts are not supported yet)."""
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class WeeklySchedule(BaseModel):
    """Which weekdays are worked and when; a missing day is a day off."""

    model_config = ConfigDict(extra="forbid")

    mon: Shift | None = None
    tue: Shift | None = None
    wed: Shift | None = None
    thu: Shift | None = None
    fri: Shift | None = None
    sat: Shift | None = None
    sun: Shift | None = None

    def shift_on(self, day: date) -> Shift | None:
        """The shift on a calendar date, if that weekday is worked."""
        shift: Shift | None = getattr(self, WEEKDAYS[day.weekday()])
        return shift

    def to_json(self) -> dict[str, Any]:
        """The form stored in the placement row."""
        return self.model_dump(mode="json", exclude_none=True)


class PlacementFollowUp(SQLModel):
    """How Makker follows the placement: morning wake-ups and regular check-ins."""

    wakeup_enabled: bool = Field(default=True, description="Text the citizen on work mornings")
    wakeup_days: int | None = Field(
        default=5,
        ge=1,
        le=366,
        # evaluates_none: a None written by the code is NULL ("every day"), not the default 5
        sa_type=Integer().evaluates_none(),
        nullable=True,
        description="Wake-ups on the first N working days of the placement; null: every one",
    )
    wakeup_lead_minutes: int = Field(
        default=90, ge=15, le=240, description="Minutes before the shift starts"
    )
    wakeup_reply_minutes: int = Field(
        default=20, ge=5, le=60, description="Minutes to answer before the next try"
    )
    checkin_enabled: bool = Field(
        default=True, description="Ask citizen and employer how it goes, during the first year"
    )
    checkin_interval_days: int = Field(
        default=30, ge=7, le=92, description="Days between check-ins (30: monthly)"
    )


class PlacementBase(PlacementFollowUp):
    """A placement as the API creates one."""

    kind: PlacementKind = enum_field(PlacementKind.VIRKSOMHEDSPRAKTIK)
    start_date: date
    end_date: date | None = None
    workplace_address: str | None = Field(default=None, max_length=300)


class Placement(PlacementBase, table=True):
    """A citizen's placement with one employer contact."""

    __tablename__ = "placement"

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    contact_id: int = Field(foreign_key="employer_contact.id", index=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    schedule: dict[str, Any] = json_field()
    active: bool = Field(default=True)
    created_at: datetime = created_at_field()
    started_confirmed_at: datetime | None = instant_field()  # the employer said they began
    end_requested_at: datetime | None = instant_field()  # the employer asked to end it

    @property
    def weekly_schedule(self) -> WeeklySchedule:
        """The stored schedule, parsed."""
        return WeeklySchedule.model_validate(self.schedule or {})

    def is_current(self, day: date) -> bool:
        """Whether the placement runs on that date."""
        return runs_on(day, active=self.active, start=self.start_date, end=self.end_date)


def runs_on(day: date, *, active: bool, start: date, end: date | None) -> bool:
    """Whether a placement with these dates runs on a day (also for rows read as columns)."""
    return active and start <= day and (end is None or day <= end)
