"""The sick-day relay: one text from the citizen reaches employer and consultant."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlmodel import Session, select

from bot.models import (
    Absence,
    AbsenceReason,
    Alert,
    AlertKind,
    ExpectedReturn,
    MessageStatus,
)
from tests.factories import World, make_contact, make_employer, make_placement
from tests.flows.chat import Chat


def report_sick(chat: Chat, phone: str, *answers: str, first: str = "syg") -> None:
    """Walk the citizen through the whole report."""
    chat.send(phone, first)
    for answer in answers:
        chat.send(phone, answer)


def test_citizen_is_asked_who_then_when(chat: Chat, world: World, clock: object) -> None:
    """Writing "syg" asks "you or your child?", then "when back?"."""
    phone = world.citizen.phone
    assert phone
    chat.send(phone, "syg")
    assert chat.last(phone).kind == "sick_day.ask_who"
    assert [o["value"] for o in chat.last(phone).options] == ["1", "2"]
    chat.send(phone, "1")
    assert chat.last(phone).kind == "sick_day.ask_return"
    assert [o["value"] for o in chat.last(phone).options] == ["1", "2", "3"]


def test_report_tells_employer_and_consultant_each_in_their_language(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """The Turkish citizen's report reaches the Danish employer and consultant."""
    report_sick(chat, world.citizen.phone or "", "1", "1", first="hastayım")
    employer = chat.outbound(world.contact.phone, "sick_day.employer_notice")
    consultant = chat.outbound(world.consultant.phone, "sick_day.consultant_notice")
    assert len(employer) == 1 and len(consultant) == 1
    assert employer[0].language == "da" and consultant[0].language == "da"
    assert "Ayşe Yılmaz" in employer[0].body
    assert "tirsdag 24. november" in employer[0].body  # weekday and date, Danish
    assert "onsdag 25. november" in employer[0].body  # expected back: next work day
    confirm = chat.last(world.citizen.phone or "")
    assert confirm.kind == "sick_day.confirm" and confirm.language == "tr"
    assert "Lars Holm" in confirm.body and "Mette Jensen" in confirm.body
    absence = session.exec(select(Absence)).one()
    assert absence.first_day == date(2026, 11, 24)
    assert absence.reason == AbsenceReason.OWN_ILLNESS
    assert absence.expected_return == ExpectedReturn.TOMORROW
    assert absence.expected_return_date == date(2026, 11, 25)
    assert absence.reported_after_shift_start is False


def test_employer_never_learns_the_reason(chat: Chat, world: World, clock: object) -> None:
    """Child's illness and the citizen's own words go to the consultant only."""
    world_phone = world.citizen.phone or ""
    chat.send(world_phone, "min søn har feber og kaster op hele natten")
    chat.send(world_phone, "3")
    employer = chat.outbound(world.contact.phone, "sick_day.employer_notice")[0].body
    consultant = chat.outbound(world.consultant.phone, "sick_day.consultant_notice")[0].body
    for secret in ("feber", "kaster", "søn", "barn", "syg", "child", "sick"):
        assert secret not in employer.lower()
    assert "feber og kaster op" in consultant
    assert "barn" in consultant.lower()  # "Årsag: barns sygdom"


def test_consultant_notice_has_the_facts(chat: Chat, world: World, clock: object) -> None:
    """Own/child, day count, episodes in 30 days, before/after shift start, expected return."""
    report_sick(chat, world.citizen.phone or "", "1", "2")
    body = chat.outbound(world.consultant.phone, "sick_day.consultant_notice")[0].body
    assert "Ayşe Yılmaz" in body
    assert "Dag 1" in body
    assert "1 fravær" in body
    assert "før" in body  # reported before the shift started (07:30 local, shift at 08:00)
    assert "om nogle dage" in body


def test_report_after_shift_start_alerts(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """A report at 09:15 for an 08:00 shift is flagged to the consultant."""
    clock.move_to("2026-11-24T08:15:00+00:00")
    report_sick(chat, world.citizen.phone or "", "1", "1")
    absence = session.exec(select(Absence)).one()
    assert absence.reported_after_shift_start is True
    alert = session.exec(select(Alert)).one()
    assert alert.kind == AlertKind.SICK_AFTER_SHIFT_START
    assert alert.consultant_id == world.consultant.id
    body = chat.outbound(world.consultant.phone, "sick_day.consultant_notice")[0].body
    assert "efter" in body


def test_evening_report_is_for_the_next_work_day(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """After today's shift has ended, a report is about the next shift (Friday → Monday)."""
    clock.move_to("2026-11-27T19:00:00+00:00")  # Friday 20:00 in Copenhagen
    report_sick(chat, world.citizen.phone or "", "1", "3")
    absence = session.exec(select(Absence)).one()
    assert absence.first_day == date(2026, 11, 30)  # Monday
    assert absence.reported_after_shift_start is False
    assert "mandag 30. november" in chat.outbound(world.contact.phone)[0].body


def test_second_report_same_day_changes_nothing(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """Writing SYG twice does not tell the employer twice."""
    report_sick(chat, world.citizen.phone or "", "1", "1")
    chat.send(world.citizen.phone or "", "syg")
    assert chat.last(world.citizen.phone or "").kind == "sick_day.already_reported"
    assert len(chat.outbound(world.contact.phone)) == 1
    assert len(session.exec(select(Absence)).all()) == 1


def test_still_sick_next_day_continues_the_episode(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """A report on day two updates the same absence and tells the employer again."""
    phone = world.citizen.phone or ""
    report_sick(chat, phone, "1", "1")
    clock.move_to("2026-11-25T06:00:00+00:00")
    report_sick(chat, phone, "1", "2")
    absences = session.exec(select(Absence)).all()
    assert len(absences) == 1
    assert absences[0].expected_return == ExpectedReturn.FEW_DAYS
    notices = chat.outbound(world.contact.phone, "sick_day.employer_notice")
    assert len(notices) == 2 and "stadig" in notices[1].body
    assert "Dag 2" in chat.outbound(world.consultant.phone, "sick_day.consultant_notice")[1].body


def test_third_work_day_alerts_and_asks_for_doctors_note(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """Day three (Fri→Mon→Tue skips the weekend) alerts the consultant and asks the citizen."""
    phone = world.citizen.phone or ""
    clock.move_to("2026-11-27T06:00:00+00:00")  # Friday
    report_sick(chat, phone, "1", "3")
    clock.move_to("2026-11-30T06:00:00+00:00")  # Monday: day 2
    report_sick(chat, phone, "1", "3")
    assert not session.exec(select(Alert).where(Alert.kind == AlertKind.SICK_THIRD_DAY)).all()
    clock.move_to("2026-12-01T06:00:00+00:00")  # Tuesday: day 3
    report_sick(chat, phone, "1", "3")
    alert = session.exec(select(Alert).where(Alert.kind == AlertKind.SICK_THIRD_DAY)).one()
    assert alert.consultant_id == world.consultant.id
    assert chat.last(phone).kind == "sick_day.ask_doctor_note"
    chat.send(phone, "evet")
    session.expire_all()
    assert session.exec(select(Absence)).one().doctor_note is True
    assert chat.last(world.consultant.phone or "").kind == "sick_day.doctor_note"


def test_three_episodes_in_thirty_days_alert(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """The third separate episode within 30 days is flagged."""
    phone = world.citizen.phone or ""
    for day in ("2026-11-03", "2026-11-10", "2026-11-24"):
        clock.move_to(f"{day}T06:00:00+00:00")
        report_sick(chat, phone, "1", "1")
        clock.move_to(f"{day}T10:00:00+00:00")
        chat.send(phone, "rask")
        chat.send(phone, "2")
    alerts = session.exec(select(Alert).where(Alert.kind == AlertKind.SICK_REPEATED)).all()
    assert len(alerts) == 1
    assert alerts[0].details == {"episodes_30_days": 3}


def test_two_active_placements_both_employers_told(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """A citizen with two jobs: both contacts hear, each once."""
    other = make_contact(session, make_employer(session, world.jobcentre, name="Netto Taastrup"))
    make_placement(session, world.citizen, other)
    session.commit()
    report_sick(chat, world.citizen.phone or "", "1", "1")
    assert len(chat.outbound(world.contact.phone, "sick_day.employer_notice")) == 1
    assert len(chat.outbound(other.phone, "sick_day.employer_notice")) == 1
    assert "Netto Taastrup" in chat.last(world.citizen.phone or "").body


def test_ended_placement_is_not_told(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """A former employer hears nothing."""
    world.placement.end_date = date(2026, 11, 1)
    session.add(world.placement)
    session.commit()
    report_sick(chat, world.citizen.phone or "", "1", "1")
    assert chat.outbound(world.contact.phone) == []
    assert len(chat.outbound(world.consultant.phone)) == 1


def test_opted_out_employer_is_not_named_as_told(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """The citizen is told exactly who was informed: not a contact who opted out."""
    world.contact.opted_out_at = world.contact.created_at
    session.add(world.contact)
    session.commit()
    report_sick(chat, world.citizen.phone or "", "1", "1")
    notice = chat.outbound(world.contact.phone)[0]
    assert notice.status == MessageStatus.SUPPRESSED
    assert "Lars Holm" not in chat.last(world.citizen.phone or "").body


def test_unclear_answer_is_asked_again_then_menu(chat: Chat, world: World, clock: object) -> None:
    """One re-ask, then the help menu: never silence."""
    phone = world.citizen.phone or ""
    chat.send(phone, "syg")
    chat.send(phone, "hmm")
    assert chat.last(phone).kind == "sick_day.reprompt"
    chat.send(phone, "what?")
    assert chat.last(phone).kind == "help.menu"
