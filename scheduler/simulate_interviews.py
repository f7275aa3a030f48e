"""Interviews for `makker simulate`: each day a few citizens get one booked a few days ahead."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import at_local, local
from bot.db.engine import write_scope
from bot.models import EmployerContact, Interview, ParticipantKind
from bot.workdays import is_working_day, next_working_day
from flows import interview
from scheduler.simulate import Cohort

SHARE_PER_DAY = 0.03  # of the cohort; about one interview per citizen a month
START_TIMES = (time(8, 0), time(9, 30), time(10, 0), time(11, 0), time(13, 0), time(14, 30))


def book_interviews(engine: Engine, cohort: Cohort, now: datetime, rng: random.Random) -> int:
    """Book interviews with a random employer 2-7 days ahead, as a consultant would (API)."""
    contact_ids = sorted(p.id for p in cohort.people.values() if p.kind == ParticipantKind.CONTACT)
    if not contact_ids:
        return 0
    booked = 0
    with write_scope(engine) as session:
        for citizen_id in cohort.citizen_ids:
            if rng.random() >= SHARE_PER_DAY:
                continue
            contact = session.get_one(EmployerContact, rng.choice(contact_ids))
            _book(session, citizen_id, contact, now, rng)
            booked += 1
    return booked


def _book(
    session: Session, citizen_id: int, contact: EmployerContact, now: datetime, rng: random.Random
) -> None:
    """One interview on a working day, at an ordinary time, with the contact's employer."""
    day = local(now).date() + timedelta(days=rng.randint(2, 7))
    if not is_working_day(day):
        day = next_working_day(day)
    row = Interview(
        jobcentre_id=contact.jobcentre_id,
        citizen_id=citizen_id,
        employer_id=contact.employer_id,
        contact_id=contact.id,
        starts_at=at_local(day, rng.choice(START_TIMES)),
        address=f"Industrivej {rng.randint(1, 99)}",
        contact_name=contact.name,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    interview.book(session, row, now)
