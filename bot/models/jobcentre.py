"""The tenant: a jobcentre and the API keys its case systems use."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.models._base import created_at_field, instant_field


class JobcentreBase(SQLModel):
    """Fields a jobcentre is created with."""

    name: str = Field(min_length=1, max_length=200)
    default_language: str = Field(default="da", max_length=8)


class JobcentreHours(SQLModel):
    """When a jobcentre's people may be texted and when its consultants are at work."""

    # Non-urgent messages wait for the end of quiet hours; wake-ups and urgent alerts do not.
    quiet_start: time = Field(default=time(21, 0))
    quiet_end: time = Field(default=time(7, 0))
    # Office hours on working days: the clock an urgent alert's acknowledgement runs on.
    office_open: time = Field(default=time(8, 0))
    office_close: time = Field(default=time(16, 0))
    alert_ack_minutes: int = Field(default=60, ge=5, le=24 * 60)


class Jobcentre(JobcentreHours, JobcentreBase, table=True):
    """A tenant; nothing of one jobcentre is visible to another."""

    __tablename__ = "jobcentre"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = created_at_field()


class ApiKey(SQLModel, table=True):
    """A case-system key; only its SHA-256 is stored, the key itself is shown once."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    name: str = Field(max_length=200)
    key_prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    revoked_at: datetime | None = instant_field()


class ClosureDay(SQLModel, table=True):
    """A day the jobcentre is closed (besides Danish public holidays): no office hours."""

    __tablename__ = "closure_day"
    __table_args__ = (UniqueConstraint("jobcentre_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    day: date
    note: str | None = Field(default=None, max_length=200)
    created_at: datetime = created_at_field()
