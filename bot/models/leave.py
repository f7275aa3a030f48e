"""Leave (ferie, orlov): days a citizen is not expected at work or a consultant is away."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bot.models._base import ParticipantKind, created_at_field, enum_field


class Leave(SQLModel, table=True):
    """A span of days, both included, recorded through the API; never a reason, only dates."""

    __tablename__ = "leave"
    __table_args__ = (
        Index("ix_leave_person_days", "participant_kind", "participant_id", "first_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    participant_kind: ParticipantKind = enum_field(ParticipantKind.CITIZEN)  # citizen/consultant
    participant_id: int
    first_day: date
    last_day: date
    created_at: datetime = created_at_field()

    def covers(self, day: date) -> bool:
        """Whether the leave includes the day."""
        return self.first_day <= day <= self.last_day
