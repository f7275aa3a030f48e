"""The people Makker talks to: consultants, employers' contact persons and citizens."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bot.models._base import (
    ChannelKind,
    chat_id_field,
    created_at_field,
    enum_field,
    instant_field,
)


class ReachableBase(SQLModel):
    """How to reach a person and in which language."""

    phone: str | None = Field(default=None, max_length=20, index=True)
    telegram_chat_id: int | None = chat_id_field()
    language: str = Field(default="da", max_length=8)
    preferred_channel: ChannelKind = enum_field(ChannelKind.SMS)


class Reachable(ReachableBase):
    """Columns every reachable person's table carries."""

    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    active: bool = Field(default=True)
    opted_out_at: datetime | None = instant_field()
    created_at: datetime = created_at_field()
    # Offered once to switch to the language they keep writing in (never asked twice).
    language_offered_at: datetime | None = instant_field()


class ConsultantBase(ReachableBase):
    """A job consultant as the API creates one."""

    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)


class Consultant(Reachable, ConsultantBase, table=True):
    """The jobcentre's job consultant who follows the citizen."""

    __tablename__ = "consultant"

    id: int | None = Field(default=None, primary_key=True)
    # Who hears an urgent alert nobody acknowledged, and every alert while this one is on leave.
    backup_id: int | None = Field(default=None, foreign_key="consultant.id")


class EmployerBase(SQLModel):
    """A company as the API creates one."""

    name: str = Field(min_length=1, max_length=200)
    cvr: str | None = Field(default=None, max_length=8)
    address: str | None = Field(default=None, max_length=300)


class Employer(EmployerBase, table=True):
    """A company that has taken on one or more citizens."""

    __tablename__ = "employer"

    id: int | None = Field(default=None, primary_key=True)
    jobcentre_id: int = Field(foreign_key="jobcentre.id", index=True)
    active: bool = Field(default=True)
    created_at: datetime = created_at_field()


class EmployerContactBase(ReachableBase):
    """A contact person as the API creates one."""

    name: str = Field(min_length=1, max_length=200)


class EmployerContact(Reachable, EmployerContactBase, table=True):
    """The person at the workplace who hears about absences and can report problems."""

    __tablename__ = "employer_contact"

    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)


class CitizenBase(ReachableBase):
    """A citizen as the API creates one."""

    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(default="", max_length=100)


class Citizen(Reachable, CitizenBase, table=True):
    """A person on social assistance placed in a job or internship."""

    __tablename__ = "citizen"

    id: int | None = Field(default=None, primary_key=True)
    consultant_id: int | None = Field(default=None, foreign_key="consultant.id", index=True)

    @property
    def full_name(self) -> str:
        """First and last name as people write them."""
        return f"{self.first_name} {self.last_name}".strip()
