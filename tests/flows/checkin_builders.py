"""Builders for check-in and employer-report tests: a workplace with several citizens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import COPENHAGEN
from bot.models import (
    Alert,
    AlertKind,
    CheckIn,
    Citizen,
    Consultant,
    Direction,
    Employer,
    EmployerContact,
    EmployerReport,
    Jobcentre,
    Message,
    Placement,
    WebhookEvent,
    WebhookSubscription,
)
from scheduler import jobs
from tests.factories import (
    ident,
    make_citizen,
    make_consultant,
    make_contact,
    make_employer,
    make_jobcentre,
    make_placement,
)


@dataclass
class Workplace:
    """One employer contact with citizens placed with them, and a neighbour employer."""

    jobcentre: Jobcentre
    consultant: Consultant
    employer: Employer
    contact: EmployerContact
    citizens: list[Citizen]
    placements: list[Placement]
    other_contact: EmployerContact  # another employer's contact in the same jobcentre
    other_citizen: Citizen  # placed with the other contact only
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def phone(self) -> str:
        """The contact's phone."""
        assert self.contact.phone is not None
        return self.contact.phone


def make_workplace(
    session: Session,
    first_names: tuple[str, ...] = ("Ali",),
    *,
    contact_language: str = "en",
    citizen_language: str = "en",
    jobcentre: dict[str, Any] | None = None,
    **placement: Any,
) -> Workplace:
    """A contact (reading English, so texts are stable before translation) with citizens."""
    centre = make_jobcentre(session, **(jobcentre or {}))
    consultant = make_consultant(session, centre, language="en")
    employer = make_employer(session, centre)
    contact = make_contact(session, employer, language=contact_language)
    citizens = [
        make_citizen(
            session,
            centre,
            consultant,
            first_name=name,
            last_name="Test",
            language=citizen_language,
        )
        for name in first_names
    ]
    placements = [make_placement(session, c, contact, **placement) for c in citizens]
    other_employer = make_employer(session, centre, name="Cafe Nord")
    other_contact = make_contact(session, other_employer, name="Nina Berg", language="en")
    other_citizen = make_citizen(session, centre, consultant, first_name="Ayşe", language="tr")
    make_placement(session, other_citizen, other_contact, checkin_enabled=False)
    session.commit()
    return Workplace(
        centre, consultant, employer, contact, citizens, placements, other_contact, other_citizen
    )


def subscribe(session: Session, jobcentre: Jobcentre) -> None:
    """A webhook subscription, so events are written."""
    session.add(
        WebhookSubscription(
            jobcentre_id=ident(jobcentre), url="https://case.example.org/hook", secret="whsec_x"
        )
    )
    session.commit()


def tick(engine: Engine) -> tuple[int, int]:
    """Plan and advance check-ins once, through the scheduler's own jobs."""
    return jobs.plan_check_ins(engine), jobs.advance_check_ins(engine)


def at(day: date, clock_time: str) -> datetime:
    """A Copenhagen wall-clock moment (for clock.move_to)."""
    hour, minute = (int(x) for x in clock_time.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=COPENHAGEN)


def check_ins(session: Session, **where: Any) -> list[CheckIn]:
    """Check-in rows, oldest first, optionally filtered by column values."""
    session.expire_all()
    query = select(CheckIn).order_by(col(CheckIn.id))
    for name, value in where.items():
        query = query.where(getattr(CheckIn, name) == value)
    return list(session.exec(query).all())


def alerts(session: Session, kind: AlertKind | None = None) -> list[Alert]:
    """Alerts, oldest first."""
    session.expire_all()
    query = select(Alert).order_by(col(Alert.id))
    if kind is not None:
        query = query.where(Alert.kind == kind)
    return list(session.exec(query).all())


def reports(session: Session) -> list[EmployerReport]:
    """Employer reports, oldest first."""
    session.expire_all()
    return list(session.exec(select(EmployerReport).order_by(col(EmployerReport.id))).all())


def events(session: Session, kind: str) -> list[WebhookEvent]:
    """Webhook events of one kind."""
    session.expire_all()
    query = select(WebhookEvent).where(WebhookEvent.kind == kind).order_by(col(WebhookEvent.id))
    return list(session.exec(query).all())


def sent_to(session: Session, address: str | None, kind: str | None = None) -> list[Message]:
    """Outbound messages to an address, oldest first."""
    session.expire_all()
    query = select(Message).where(
        Message.address == address, Message.direction == Direction.OUTBOUND
    )
    if kind is not None:
        query = query.where(Message.kind == kind)
    return list(session.exec(query.order_by(col(Message.id))).all())
