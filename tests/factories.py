"""Builders for test data: sensible defaults, override what the test is about."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlmodel import Session

from bot.models import (
    ApiKey,
    Citizen,
    Consultant,
    Employer,
    EmployerContact,
    Jobcentre,
    Placement,
    PlacementKind,
    Shift,
    WeeklySchedule,
)

_numbers = itertools.count(40_10_00_01)


def ident(row: object) -> int:
    """The id of a flushed row (ids are optional only before the first flush)."""
    value = getattr(row, "id", None)
    assert isinstance(value, int), f"{type(row).__name__} has not been flushed"
    return value


def next_phone() -> str:
    """A fresh valid Danish mobile number in E.164."""
    return f"+45{next(_numbers)}"


def weekday_schedule(start: time = time(8, 0), end: time = time(15, 30)) -> dict[str, Any]:
    """Monday to Friday, same hours every day."""
    shift = Shift(start=start, end=end)
    return WeeklySchedule(mon=shift, tue=shift, wed=shift, thu=shift, fri=shift).to_json()


def make_jobcentre(session: Session, **overrides: Any) -> Jobcentre:
    """A jobcentre (tenant)."""
    jobcentre = Jobcentre(**{"name": "Jobcenter Høje-Taastrup", **overrides})
    session.add(jobcentre)
    session.flush()
    return jobcentre


def make_api_key(session: Session, jobcentre: Jobcentre, key: str | None = None) -> str:
    """Store an API key for the jobcentre and return the plain key."""
    plain = key or f"mk_test_{jobcentre.id}_{next(_numbers)}"
    session.add(
        ApiKey(
            jobcentre_id=ident(jobcentre),
            name="tests",
            key_prefix=plain[:12],
            key_hash=hashlib.sha256(plain.encode()).hexdigest(),
        )
    )
    session.flush()
    return plain


def make_consultant(session: Session, jobcentre: Jobcentre, **overrides: Any) -> Consultant:
    """A job consultant reachable by SMS, reading Danish."""
    values = {"name": "Mette Jensen", "phone": next_phone(), "language": "da", **overrides}
    consultant = Consultant(jobcentre_id=ident(jobcentre), **values)
    session.add(consultant)
    session.flush()
    return consultant


def make_employer(session: Session, jobcentre: Jobcentre, **overrides: Any) -> Employer:
    """A company."""
    values = {"name": "Bageriet Solsikken ApS", "address": "Torvet 3, 2630 Taastrup", **overrides}
    employer = Employer(jobcentre_id=ident(jobcentre), **values)
    session.add(employer)
    session.flush()
    return employer


def make_contact(session: Session, employer: Employer, **overrides: Any) -> EmployerContact:
    """The employer's contact person, reading Danish."""
    values = {"name": "Lars Holm", "phone": next_phone(), "language": "da", **overrides}
    contact = EmployerContact(
        jobcentre_id=employer.jobcentre_id, employer_id=ident(employer), **values
    )
    session.add(contact)
    session.flush()
    return contact


def make_citizen(
    session: Session, jobcentre: Jobcentre, consultant: Consultant | None = None, **overrides: Any
) -> Citizen:
    """A citizen reachable by SMS."""
    values = {
        "first_name": "Ayşe",
        "last_name": "Yılmaz",
        "phone": next_phone(),
        "language": "tr",
        **overrides,
    }
    citizen = Citizen(
        jobcentre_id=ident(jobcentre), consultant_id=consultant.id if consultant else None, **values
    )
    session.add(citizen)
    session.flush()
    return citizen


def make_placement(
    session: Session, citizen: Citizen, contact: EmployerContact, **overrides: Any
) -> Placement:
    """An internship that started last month, Monday to Friday 08:00-15:30."""
    values = {
        "kind": PlacementKind.VIRKSOMHEDSPRAKTIK,
        "start_date": date(2026, 10, 1),
        "end_date": None,
        "workplace_address": "Torvet 3, 2630 Taastrup",
        "schedule": weekday_schedule(),
        **overrides,
    }
    placement = Placement(
        jobcentre_id=citizen.jobcentre_id,
        citizen_id=ident(citizen),
        contact_id=ident(contact),
        employer_id=contact.employer_id,
        **values,
    )
    session.add(placement)
    session.flush()
    return placement


@dataclass
class World:
    """A small jobcentre: a consultant, an employer with a contact, a placed citizen."""

    jobcentre: Jobcentre
    consultant: Consultant
    employer: Employer
    contact: EmployerContact
    citizen: Citizen
    placement: Placement


def make_world(session: Session, **citizen_overrides: Any) -> World:
    """Build and commit the usual cast of a test."""
    jobcentre = make_jobcentre(session)
    consultant = make_consultant(session, jobcentre)
    employer = make_employer(session, jobcentre)
    contact = make_contact(session, employer)
    citizen = make_citizen(session, jobcentre, consultant, **citizen_overrides)
    placement = make_placement(session, citizen, contact)
    session.commit()
    return World(jobcentre, consultant, employer, contact, citizen, placement)
