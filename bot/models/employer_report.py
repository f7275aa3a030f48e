"""What an employer contact reported about a citizen placed with them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from bot.models._base import created_at_field, enum_field, instant_field


class ReportCategory(StrEnum):
    """What the employer said happened; each maps to an alert severity."""

    NO_SHOW = "no_show"  # did not turn up
    LATE = "late"
    CONDUCT = "conduct"  # conflict or behaviour
    LANGUAGE = "language"  # language or instructions not understood
    SAFETY = "safety"
    OTHER = "other"
    GOOD_NEWS = "good_news"
    STARTED = "started"  # the citizen has started as planned
    END_REQUEST = "end_request"  # the employer asks to end the placement


class EmployerReport(SQLModel, table=True):
    """One report; the employer's own words go to the consultant only."""

    __tablename__ = "employer_report"

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    contact_id: int = Field(foreign_key="employer_contact.id", index=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    placement_id: int | None = Field(default=None, foreign_key="placement.id")
    category: ReportCategory = enum_field(ReportCategory.OTHER)
    text: str | None = Field(default=None, sa_type=Text)
    inbound_id: int | None = Field(default=None, foreign_key="message.id")
    alert_id: int | None = Field(default=None, foreign_key="alert.id")
    citizen_reply: str | None = Field(default=None, sa_type=Text)  # to "are you all right?"
    citizen_replied_at: datetime | None = instant_field()
    created_at: datetime = created_at_field()
