"""Scheduler ticks: the third-day check runs even when the citizen writes nothing."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.models import Absence, AbsenceReason, Alert, AlertKind, Message
from scheduler.jobs import check_absences
from tests.factories import make_world


def _absence(session: Session, citizen_id: int, jobcentre_id: int, first: date) -> None:
    """An open absence that began on `first`."""
    session.add(
        Absence(
            jobcentre_id=jobcentre_id,
            citizen_id=citizen_id,
            reason=AbsenceReason.OWN_ILLNESS,
            first_day=first,
            last_reported_day=first,
        )
    )
    session.commit()


def test_third_work_day_alert_from_the_tick(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Thu, Fri, (weekend), Mon: the alert comes on Monday, once."""
    world = make_world(session)
    clock.move_to("2026-11-26T07:00:00+00:00")  # Thursday
    _absence(session, world.citizen.id or 0, world.jobcentre.id or 0, date(2026, 11, 26))
    clock.move_to("2026-11-27T07:00:00+00:00")  # Friday: day 2
    assert check_absences(engine) == 0
    clock.move_to("2026-11-28T07:00:00+00:00")  # Saturday: not a work day
    assert check_absences(engine) == 0
    clock.move_to("2026-11-30T07:00:00+00:00")  # Monday: day 3
    assert check_absences(engine) == 1
    assert check_absences(engine) == 0
    alert = session.exec(select(Alert)).one()
    assert alert.kind == AlertKind.SICK_THIRD_DAY and alert.consultant_id == world.consultant.id
    kinds = [m.kind for m in session.exec(select(Message)).all()]
    assert sorted(kinds) == ["alert.sick_third_day", "sick_day.ask_doctor_note"]


def test_holidays_do_not_count(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Christmas Day and Boxing Day are not work days (Danish calendar)."""
    world = make_world(session)
    _absence(session, world.citizen.id or 0, world.jobcentre.id or 0, date(2026, 12, 23))
    clock.move_to("2026-12-24T08:00:00+00:00")  # Thursday, day 2
    assert check_absences(engine) == 0
    clock.move_to("2026-12-28T08:00:00+00:00")  # Monday after Christmas: day 3
    assert check_absences(engine) == 1
