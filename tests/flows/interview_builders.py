"""Builders for interview tests: a citizen, an employer with a contact, a booked interview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import utcnow
from bot.models import (
    Citizen,
    Consultant,
    Direction,
    Employer,
    EmployerContact,
    Interview,
    Jobcentre,
    Message,
    MessageStatus,
)
from flows import interview as flow
from scheduler import jobs
from tests.factories import (
    ident,
    make_citizen,
    make_consultant,
    make_contact,
    make_employer,
    make_jobcentre,
)

MAX_STEPS = 50  # a guard: no interview has more stages than this


@dataclass
class Booking:
    """A jobcentre with a consultant, a citizen and an employer contact, reading English."""

    jobcentre: Jobcentre
    consultant: Consultant
    citizen: Citizen
    employer: Employer
    contact: EmployerContact

    @property
    def phone(self) -> str:
        """The citizen's phone."""
        assert self.citizen.phone is not None
        return self.citizen.phone

    @property
    def contact_phone(self) -> str:
        """The employer contact's phone."""
        assert self.contact.phone is not None
        return self.contact.phone


def make_booking(
    session: Session, *, jobcentre: dict[str, Any] | None = None, **citizen: Any
) -> Booking:
    """People for one interview (English texts are stable before translation)."""
    centre = make_jobcentre(session, **(jobcentre or {}))
    consultant = make_consultant(session, centre, language="en")
    employer = make_employer(session, centre)
    contact = make_contact(session, employer, language="en")
    values = {"first_name": "Ali", "last_name": "Test", "language": "en", **citizen}
    person = make_citizen(session, centre, consultant, **values)
    session.commit()
    return Booking(centre, consultant, person, employer, contact)


def book(
    session: Session, people: Booking, starts_at: datetime, *, contact: bool = True, **values: Any
) -> Interview:
    """Book an interview now (as the API does) and commit."""
    now = utcnow()
    row = Interview(
        jobcentre_id=ident(people.jobcentre),
        citizen_id=ident(people.citizen),
        employer_id=ident(people.employer),
        contact_id=ident(people.contact) if contact else None,
        starts_at=starts_at,
        address=values.pop("address", "Torvet 3, 2630 Taastrup"),
        contact_name=values.pop("contact_name", "Lars Holm"),
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(row)
    session.flush()
    flow.book(session, row, now)
    session.commit()
    return row


def fresh(session: Session, row: Interview) -> Interview:
    """The interview as stored now."""
    session.expire_all()
    return session.get_one(Interview, row.id)


def tick(engine: Engine) -> int:
    """One pass of the scheduler's interview job."""
    return jobs.advance_interviews(engine)


def run_through(
    engine: Engine, session: Session, row: Interview, clock: time_machine.Traveller
) -> list[datetime]:
    """Move the clock to each due time and tick until nothing is due; the times ticked."""
    ticked: list[datetime] = []
    for _ in range(MAX_STEPS):
        due = fresh(session, row).due_at
        if due is None:
            return ticked
        clock.move_to(due)
        tick(engine)
        ticked.append(due)
    raise AssertionError("the interview never finished")


def outbound(session: Session, address: str | None, kind: str | None = None) -> list[Message]:
    """Messages to an address that are (or will be) sent, oldest first."""
    session.expire_all()
    query = select(Message).where(
        Message.address == address,
        Message.direction == Direction.OUTBOUND,
        Message.status != MessageStatus.CANCELLED,
    )
    if kind is not None:
        query = query.where(Message.kind == kind)
    return list(session.exec(query.order_by(col(Message.id))).all())


def kinds(session: Session, address: str | None) -> list[str]:
    """The kinds of what goes to an address, oldest first."""
    return [m.kind for m in outbound(session, address)]


def mark_sent(session: Session, address: str | None) -> None:
    """Pretend the dispatcher sent everything pending to the address."""
    for message in outbound(session, address):
        if message.status == MessageStatus.PENDING:
            message.status = MessageStatus.SENT
            message.sent_at = utcnow()
            session.add(message)
    session.commit()
