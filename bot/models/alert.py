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
    # Employers
    EMPLOYER_REPORT = "employer_report"  # did not turn up, late, conduct, language, safety …
    EMPLOYER_GOOD_NEWS = "employer_good_news"
    PLACEMENT_STARTED = "placement_started"  # the employer confirmed the citizen began
    END_REQUESTED = "end_requested"  # the employer asks to end the placement
    CITIZEN_REPLY = "citizen_reply"  # what the citizen answered after a no-show report
    # Wake-ups
    WAKEUP_MISSED = "wakeup_missed"  # no answer to texts and call before the shift
    CAPACITY_SHORTFALL = "capacity_shortfall"  # wake-ups cannot all go out in time
    # Interviews
    INTERVIEW_DECLINED = "interview_declined"  # "I can't come"
    INTERVIEW_UNCONFIRMED = "interview_unconfirmed"  # no confirmation by 20:00 the day before
    INTERVIEW_OUTCOME = "interview_outcome"  # how it went, and the employer's decision
    INTERVIEW_UNREACHABLE = "interview_unreachable"  # opted out: cannot be reminded
    # Check-ins
    CHECKIN_CONCERN = "checkin_concern"  # a bad answer from citizen or employer
    CHECKIN_CALL_REQUEST = "checkin_call_request"  # the citizen wants their consultant to call
    CHECKIN_NO_CONTACT = "checkin_no_contact"  # no answer this period, even after a reminder
    CHECKIN_ANSWERED = "checkin_answered"  # answers for the timeline and the digest
    # Case systems
    WEBHOOK_DEAD_LETTER = "webhook_dead_letter"  # an event could not be delivered in 3 days


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
    resolved_by: str | None = Field(default=None, max_length=200)
    resolution_note: str | None = Field(default=None, sa_type=Text)
    # Delivery to people: who was told and when; an unacknowledged urgent alert moves on.
    notified_consultant_id: int | None = Field(default=None, foreign_key="consultant.id")
    notified_at: datetime | None = instant_field()
    escalate_at: datetime | None = instant_field(index=True)
    escalated_at: datetime | None = instant_field()
    digested_at: datetime | None = instant_field()  # info alerts: sent in a daily digest
    # Raising the same alert twice (a tick that runs again) finds the first one.
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)

    @property
    def ref(self) -> str:
        """The short reference people type to acknowledge it: A12."""
        return f"A{self.id}"
