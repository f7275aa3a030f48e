"""Edge cases found in review: when a report is made, which employer, which episode."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlmodel import Session, col, select

from bot.clock import utcnow
from bot.models import Absence, AbsenceReason, Alert, AlertKind, ExpectedReturn
from flows.sick_day import check_open_absences, complete_stalled
from tests.factories import (
    World,
    make_contact,
    make_employer,
    make_placement,
    weekday_schedule,
)
from tests.flows.chat import Chat


def test_facts_are_those_of_the_first_message(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """A report begun at 07:50 and answered after 08:00 is not late, and is for today."""
    phone = world.citizen.phone or ""
    clock.move_to("2026-11-24T06:50:00+00:00")  # 07:50, shift at 08:00
    chat.send(phone, "syg")
    clock.move_to("2026-11-24T07:20:00+00:00")  # 08:20
    chat.send(phone, "1")
    chat.send(phone, "3")
    absence = session.exec(select(Absence)).one()
    assert absence.reported_after_shift_start is False
    assert absence.first_day == date(2026, 11, 24)
    assert absence.reported_at.hour == 6 and absence.reported_at.minute == 50
    assert session.exec(select(Alert)).all() == []


def test_only_the_employer_expecting_the_citizen_that_day_is_told(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """Mon–Wed at one employer, Thu–Fri at another: a Tuesday report reaches only the first."""
    world.placement.schedule = {
        k: v for k, v in weekday_schedule().items() if k in {"mon", "tue", "wed"}
    }
    session.add(world.placement)
    other = make_contact(session, make_employer(session, world.jobcentre, name="Kantinen"))
    schedule = {k: v for k, v in weekday_schedule().items() if k in {"thu", "fri"}}
    make_placement(session, world.citizen, other, schedule=schedule)
    session.commit()
    for text in ("syg", "1", "1"):
        chat.send(world.citizen.phone or "", text)
    assert len(chat.outbound(world.contact.phone, "sick_day.employer_notice")) == 1
    assert chat.outbound(other.phone) == []


def test_report_before_a_placement_starts_reaches_that_employer(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """Sunday evening, placement starting Monday: Monday's employer is told."""
    world.placement.start_date = date(2026, 11, 30)
    session.add(world.placement)
    session.commit()
    clock.move_to("2026-11-29T18:00:00+00:00")  # Sunday 19:00
    for text in ("syg", "1", "1"):
        chat.send(world.citizen.phone or "", text)
    notice = chat.outbound(world.contact.phone, "sick_day.employer_notice")
    assert len(notice) == 1 and "mandag 30. november" in notice[0].body


def test_a_new_report_weeks_later_is_a_new_episode(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """Never writing RASK must not turn a sick day next month into "day 16"."""
    phone = world.citizen.phone or ""
    for text in ("syg", "1", "2"):
        chat.send(phone, text)
    clock.move_to("2026-12-15T06:00:00+00:00")
    for text in ("syg", "1", "2"):
        chat.send(phone, text)
    absences = session.exec(select(Absence).order_by(col(Absence.id))).all()
    assert len(absences) == 2
    assert absences[0].closed_at is not None and absences[1].closed_at is None
    notices = chat.outbound(world.contact.phone, "sick_day.employer_notice")
    assert "stadig" not in notices[1].body
    assert "Dag 1 " in chat.outbound(world.consultant.phone, "sick_day.consultant_notice")[1].body


def test_back_tomorrow_closes_by_itself_and_never_alerts_day_three(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """Answering "tomorrow" and then silence: presumed back, no false third-day alert."""
    for text in ("syg", "1", "1"):
        chat.send(world.citizen.phone or "", text)
    for moment in ("2026-11-25T10:00:00+00:00", "2026-11-26T10:00:00+00:00"):
        clock.move_to(moment)
        check_open_absences(session, utcnow())
        session.commit()
    absence = session.exec(select(Absence)).one()
    assert absence.closed_at is not None and absence.return_day == date(2026, 11, 25)
    assert session.exec(select(Alert).where(Alert.kind == AlertKind.SICK_THIRD_DAY)).all() == []


def test_day_three_is_not_judged_at_midnight(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """No SMS at 00:05: the third day begins when the shift does."""
    for text in ("syg", "1", "3"):
        chat.send(world.citizen.phone or "", text)
    clock.move_to("2026-11-25T23:05:00+00:00")  # Thursday 00:05: Tue, Wed, Thu is day 3
    assert check_open_absences(session, utcnow()) == 0
    clock.move_to("2026-11-26T07:01:00+00:00")  # Thursday 08:01, after the 08:00 shift start
    assert check_open_absences(session, utcnow()) == 1


def test_a_number_inside_a_sentence_is_not_a_menu_answer(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """The answer "I'm sick for 2 days" to "you or your child?" means me, not option 2."""
    phone = world.citizen.phone or ""
    chat.send(phone, "syg")
    chat.send(phone, "jeg er syg i 2 dage")
    chat.send(phone, "2.")

    assert session.exec(select(Absence)).one().reason == AbsenceReason.OWN_ILLNESS


def test_back_on_friday_does_not_drop_the_report(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """A "recovered"-sounding answer to "when back?" is asked again, never taken as RASK."""
    phone = world.citizen.phone or ""
    chat.send(phone, "syg")
    chat.send(phone, "1")
    chat.send(phone, "Jeg er tilbage på fredag")
    assert chat.last(phone).kind == "sick_day.reprompt"
    chat.send(phone, "2")
    assert session.exec(select(Absence)).one().closed_at is None
    assert chat.outbound(world.contact.phone, "back_to_work.employer_notice") == []


def test_a_lone_syg_reaches_employer_and_consultant_after_ten_minutes(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """Many readers send one word and stop: the report is passed on with what is known."""
    phone = world.citizen.phone or ""
    chat.send(phone, "syg")
    clock.shift(60 * 9)
    assert complete_stalled(session, utcnow()) == 0
    clock.shift(60 * 2)
    assert complete_stalled(session, utcnow()) == 1
    session.commit()
    absence = session.exec(select(Absence)).one()
    assert absence.reason == AbsenceReason.NOT_GIVEN
    assert absence.reported_at.minute == 30  # the time of the SYG, not of the tick
    assert len(chat.outbound(world.contact.phone, "sick_day.employer_notice")) == 1
    notice = chat.outbound(world.consultant.phone, "sick_day.consultant_notice")[0].body
    assert "ikke oplyst" in notice
    assert chat.last(phone).kind == "sick_day.confirm"
    assert complete_stalled(session, utcnow()) == 0  # done once


def test_a_half_answered_report_keeps_the_answer(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """Answered "my child", never "when back": child's illness, return not known."""
    phone = world.citizen.phone or ""
    chat.send(phone, "syg")
    chat.send(phone, "2")
    clock.shift(60 * 11)
    assert complete_stalled(session, utcnow()) == 1
    session.commit()
    absence = session.exec(select(Absence)).one()
    assert absence.reason == AbsenceReason.CHILD_ILLNESS
    assert absence.expected_return == ExpectedReturn.UNKNOWN
