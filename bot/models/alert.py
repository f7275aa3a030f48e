"""Alerts: what a consultant must hear about, from any flow."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from bot.models._base import created_at_field, enum_field, instant_field, json_field


class AlertSeverity(StrEnum):
    """How fast the consultant should react."""

    INFO = "info"  # read in the daily overview
    ATTENTION = "attention"  # look at it today
    URGENT = "urgent"  # act now


class AlertKind(StrEnum):
    """What happened; each kind has its own consultant message."""

    SICK_REPORTED = "sick_reported"
    SICK_AFTER_SHIFT_START = "sick_after_shift_start"
    SICK_THIRD_DAY = "sick_third_day"
    SICK_REPEATED = "sick_repeated"
    BACK_TO_WORK = "back_to_work"
    OPTED_OUT = "opted_out"
    OPTED_IN = "opted_in"
    ABSENCE_WHILE_OPTED_OUT = "absence_while_opted_out"
    NOTICE_NOT_DELIVERED = "notice_not_delivered"


class Alert(SQLModel, table=True):
    """One escalation to a consultant, acknowledged and resolved by people."""

    __tablename__ = "alert"

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    consultant_id: int | None = Field(default=None, foreign_key="consultant.id", index=True)
    citizen_id: int | None = Field(default=None, foreign_key="citizen.id", index=True)
    placement_id: int | None = Field(default=None, foreign_key="placement.id")
    absence_id: int | None = Field(default=None, foreign_key="absence.id")
    kind: AlertKind = enum_field(AlertKind.SICK_REPORTED, index=True)
    severity: AlertSeverity = enum_field(AlertSeverity.INFO)
    summary: str = Field(sa_type=Text)
    details: dict[str, Any] = json_field()
    created_at: datetime = created_at_field()
    acknowledged_at: datetime | None = instant_field()
    acknowledged_by: str | None = Field(default=None, max_length=200)
    resolved_at: datetime | None = instant_field()
    resolution_note: str | None = Field(default=None, sa_type=Text)
