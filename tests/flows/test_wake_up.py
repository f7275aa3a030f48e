"""Wake-ups: planned on work days only, the text → reminder → call → alert ladder, answers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import local
from bot.models import (
    Absence,
    AlertKind,
    AlertSeverity,
    ChannelKind,
    ClosureDay,
    Leave,
    Message,
    MessageStatus,
    ParticipantKind,
    WakeUp,
    WakeUpStage,
    WakeUpStatus,
)
from flows import wake_up
from scheduler import jobs
from tests.factories import ident
from tests.flows.chat import Chat
from tests.flows.checkin_builders import Workplace, alerts, at, events, make_workplace, subscribe

TUESDAY = date(2026, 11, 24)  # the suite's DEFAULT_NOW day


def placed(session: Session, language: str = "en", **placement: Any) -> Workplace:
    """A citizen whose placement starts today, with wake-ups on every working day."""
    values: dict[str, Any] = {"start_date": TUESDAY, "wakeup_days": None, **placement}
    return make_workplace(session, ("Ali",), citizen_language=language, **values)


def tick(engine: Engine) -> None:
    """Plan and step wake-ups once, as the scheduler does."""
    jobs.plan_wake_ups(engine)
    jobs.advance_wake_ups(engine)


def rows(session: Session) -> list[WakeUp]:
    """Every wake-up, oldest first."""
    session.expire_all()
    return list(session.exec(select(WakeUp).order_by(col(WakeUp.id))).all())


def texts(session: Session, kind: str | None = None) -> list[Message]:
    """Every outbound wake-up message, oldest first."""
    session.expire_all()
    query = select(Message).where(col(Message.kind).startswith("wake_up"))
    if kind is not None:
        query = query.where(Message.kind == kind)
    return list(session.exec(query.order_by(col(Message.id))).all())


def citizen_phone(place: Workplace) -> str:
    """The citizen's phone."""
    phone = place.citizens[0].phone
    assert phone is not None
    return phone


def test_first_text_greets_by_first_name_with_place_and_time(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """At shift start minus 90 minutes: "Good morning Ali! Work at … starts at 08:00"."""
    place = placed(session)
    clock.move_to(at(TUESDAY, "05:00"))
    tick(engine)
    (row,) = [r for r in rows(session) if r.day == TUESDAY]
    assert local(row.wake_at).strftime("%H:%M") == "06:30"
    assert texts(session) == []  # planned, not yet due
    clock.move_to(at(TUESDAY, "06:30"))
    tick(engine)
    (text,) = texts(session, wake_up.FIRST_TEXT)
    assert "Good morning Ali!" in text.body
    assert "Torvet 3, 2630 Taastrup" in text.body and place.employer.name in text.body
    assert "08:00" in text.body
    assert [(o["value"], o["label"]) for o in text.options] == [
        ("1", "I'm up"),
        ("2", "I'm sick (SYG)"),
    ]
    clock.move_to(at(TUESDAY + timedelta(days=1), "06:30"))
    tick(engine)
    second = texts(session, wake_up.FIRST_TEXT)[-1]
    assert place.employer.name in second.body and "Torvet" not in second.body  # day 1 only
    assert text.deadline is not None and text.channel == ChannelKind.SMS


def test_answer_1_confirms_and_stops_the_ladder(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """The citizen is up: confirmed, wished a good day; no reminder, call or alert follows."""
    place = placed(session)
    subscribe(session, place.jobcentre)
    clock.move_to(at(TUESDAY, "06:30"))
    tick(engine)
    clock.move_to(at(TUESDAY, "06:35"))
    chat.send(citizen_phone(place), "1")
    assert chat.last(citizen_phone(place)).kind == "wake_up.confirmed"
    for minute in range(40, 120, 5):
        clock.move_to(at(TUESDAY, f"{6 + minute // 60:02d}:{minute % 60:02d}"))
        tick(engine)
    (row,) = [r for r in rows(session) if r.day == TUESDAY]
    assert row.status == WakeUpStatus.CONFIRMED and row.answered_via == "sms"
    assert [m.kind for m in texts(session)] == [wake_up.FIRST_TEXT, "wake_up.confirmed"]
    assert alerts(session) == []
    assert len(events(session, "wakeup.confirmed")) == 1


@pytest.mark.parametrize("answer", ["I'm up", "jeg er vågen", "👍", "ok"])
def test_words_for_being_up_confirm(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat, answer: str
) -> None:
    """People write what they mean rather than the number."""
    place = placed(session)
    clock.move_to(at(TUESDAY, "06:30"))
    tick(engine)
    chat.send(citizen_phone(place), answer)
    (row,) = [r for r in rows(session) if r.day == TUESDAY]
    assert row.status == WakeUpStatus.CONFIRMED


@pytest.mark.parametrize("answer", ["SYG", "2", "hastayım"])
def test_sick_answer_enters_the_sick_day_flow(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat, answer: str
) -> None:
    """SYG (or 2) records the wake-up as sick and the sick-day questions begin."""
    place = placed(session)
    clock.move_to(at(TUESDAY, "06:30"))
    tick(engine)
    chat.send(citizen_phone(place), answer)
    (row,) = [r for r in rows(session) if r.day == TUESDAY]
    assert row.status == WakeUpStatus.SICK
    assert chat.last(citizen_phone(place)).kind == "sick_day.ask_who"


def test_no_answer_reminds_calls_then_alerts_urgently(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """Text at 06:30, reminder 06:50, call 07:10, no answer → urgent alert before 08:00."""
    place = placed(session, language="tr")
    subscribe(session, place.jobcentre)
    clock.move_to(at(TUESDAY, "06:30"))
    tick(engine)
    clock.move_to(at(TUESDAY, "06:50"))
    tick(engine)
    assert [m.kind for m in texts(session)] == [wake_up.FIRST_TEXT, "wake_up.reminder"]
    clock.move_to(at(TUESDAY, "07:10"))
    tick(engine)
    (call,) = texts(session, wake_up.CALL)
    assert call.channel == ChannelKind.VOICE and call.language == "tr"  # Twilio speaks Turkish
    assert texts(session, "wake_up.call_notice") == []
    (row,) = [r for r in rows(session) if r.day == TUESDAY]
    assert row.stage == WakeUpStage.CALLED
    with Session(engine) as s:
        assert wake_up.record_call_status(s, ident(call), "no-answer", call.created_at)
        s.commit()
    (alert,) = alerts(session, AlertKind.WAKEUP_MISSED)
    assert alert.severity == AlertSeverity.URGENT
    assert "08:00" in alert.summary and "nobody answered the call" in alert.summary
    consultant_sms = chat.last(place.consultant.phone or "")
    assert consultant_sms.body.startswith(f"[{alert.ref}] URGENT")
    (row,) = [r for r in rows(session) if r.day == TUESDAY]
    assert row.status == WakeUpStatus.MISSED and row.call_status == "no-answer"
    assert len(events(session, "wakeup.missed")) == 1


def test_no_status_callback_still_alerts(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """A lost callback cannot leave the consultant uninformed: 10 minutes after the call."""
    placed(session)
    for moment in ("06:30", "06:50", "07:10", "07:19"):
        clock.move_to(at(TUESDAY, moment))
        tick(engine)
    assert alerts(session, AlertKind.WAKEUP_MISSED) == []
    clock.move_to(at(TUESDAY, "07:20"))
    tick(engine)
    (alert,) = alerts(session, AlertKind.WAKEUP_MISSED)
    assert "no answer" in alert.summary


def test_late_answer_after_the_alert_tells_the_consultant(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """The citizen overslept but writes at 07:40: confirmed, and the consultant hears."""
    place = placed(session)
    for moment in ("06:30", "06:50", "07:10", "07:20"):
        clock.move_to(at(TUESDAY, moment))
        tick(engine)
    (alert,) = alerts(session, AlertKind.WAKEUP_MISSED)
    clock.move_to(at(TUESDAY, "07:40"))
    chat.send(citizen_phone(place), "1")
    (row,) = [r for r in rows(session) if r.day == TUESDAY]
    assert row.status == WakeUpStatus.CONFIRMED
    update = chat.last(place.consultant.phone or "")
    assert update.kind == "wake_up.late_answer" and alert.ref in update.body


def test_language_without_a_voice_gets_danish_speech_and_a_text(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Somali: Twilio has no voice, so the call is in Danish and a Somali text explains."""
    placed(session, language="so")
    for moment in ("06:30", "06:50", "07:10"):
        clock.move_to(at(TUESDAY, moment))
        tick(engine)
    (call,) = texts(session, wake_up.CALL)
    assert call.language == "da"
    (notice,) = texts(session, "wake_up.call_notice")
    assert notice.language == "so" and notice.channel == ChannelKind.SMS
    clock.move_to(at(TUESDAY, "07:20"))
    tick(engine)
    (alert,) = alerts(session, AlertKind.WAKEUP_MISSED)
    assert "Danish" in alert.summary and "Soomaali" in alert.summary


def test_wake_ups_ignore_quiet_hours(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """A 06:00 shift's text leaves at 04:30, inside the 21:00-07:00 quiet hours."""
    schedule = {d: {"start": "06:00", "end": "14:00"} for d in ("mon", "tue", "wed", "thu", "fri")}
    placed(session, schedule=schedule)
    clock.move_to(at(TUESDAY, "04:00"))
    tick(engine)
    clock.move_to(at(TUESDAY, "04:30"))
    tick(engine)
    (text,) = texts(session, wake_up.FIRST_TEXT)
    assert text.next_attempt_at is not None and local(text.next_attempt_at).hour == 4


def test_no_wake_up_on_holidays_closures_weekends_or_after_day_n(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Christmas Day, a closure day, Saturday, and the fourth working day when N is 3."""
    christmas_week = date(2026, 12, 21)  # Monday
    place = placed(session, start_date=christmas_week, wakeup_days=3)
    session.add(ClosureDay(jobcentre_id=ident(place.jobcentre), day=date(2026, 12, 22)))
    session.commit()
    for offset in range(0, 10):
        day = christmas_week + timedelta(days=offset)
        clock.move_to(at(day, "05:00"))
        tick(engine)
    days = sorted(r.day for r in rows(session) if r.citizen_id == place.citizens[0].id)
    # 21 Mon, (22 closure), 23 Wed = day 3 … 24 Thu is Christmas Eve (a working day in the
    # holidays calendar), 25 and 26 are holidays, 27 Sunday.
    assert days == [date(2026, 12, 21), date(2026, 12, 23), date(2026, 12, 24)]


def test_leave_recorded_through_the_api_cancels_the_wake_up(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """A citizen on leave gets no morning text; the planned row is cancelled."""
    place = placed(session)
    session.add(
        Leave(
            jobcentre_id=ident(place.jobcentre),
            participant_kind=ParticipantKind.CITIZEN,
            participant_id=ident(place.citizens[0]),
            first_day=TUESDAY,
            last_day=TUESDAY,
        )
    )
    session.commit()
    clock.move_to(at(TUESDAY, "06:30"))
    tick(engine)
    assert texts(session) == []
    assert [r.status for r in rows(session) if r.day == TUESDAY] == [WakeUpStatus.CANCELLED]


def _sick_since_yesterday(session: Session, place: Workplace) -> Absence:
    """An open absence reported yesterday."""
    absence = Absence(
        jobcentre_id=ident(place.jobcentre),
        citizen_id=ident(place.citizens[0]),
        first_day=TUESDAY - timedelta(days=1),
        last_reported_day=TUESDAY - timedelta(days=1),
    )
    session.add(absence)
    session.commit()
    return absence


def test_sick_citizen_is_asked_if_still_sick_and_the_employer_hears(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """During an open absence the morning question is "still sick?"; 1 updates it."""
    place = placed(session)
    absence = _sick_since_yesterday(session, place)
    clock.move_to(at(TUESDAY, "06:30"))
    tick(engine)
    (question,) = texts(session)
    assert question.kind == wake_up.STILL_SICK and "still sick" in question.body
    chat.send(citizen_phone(place), "1")
    session.expire_all()
    assert session.get_one(Absence, ident(absence)).last_reported_day == TUESDAY
    notice = chat.last(place.phone)
    assert notice.kind == "wake_up.employer_still_sick" and "Ali Test" in notice.body
    assert chat.last(citizen_phone(place)).kind == "wake_up.still_sick_thanks"
    for moment in ("07:00", "08:00", "09:00"):
        clock.move_to(at(TUESDAY, moment))
        tick(engine)
    assert alerts(session, AlertKind.WAKEUP_MISSED) == []  # no chasing a sick person


def test_still_sick_answer_2_closes_the_absence(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """Answer 2 ("I'm going to work") closes the absence and tells the employer, as RASK does."""
    place = placed(session)
    absence = _sick_since_yesterday(session, place)
    clock.move_to(at(TUESDAY, "06:30"))
    tick(engine)
    chat.send(citizen_phone(place), "2")
    session.expire_all()
    closed = session.get_one(Absence, ident(absence))
    assert closed.closed_at is not None and closed.return_day == TUESDAY
    assert chat.last(place.phone).kind == "back_to_work.employer_notice"


def test_planning_twice_or_in_two_workers_creates_one_row_per_day(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """ON CONFLICT DO NOTHING: the unique (citizen, day) row is planned once."""
    placed(session)
    clock.move_to(at(TUESDAY, "05:00"))
    assert jobs.plan_wake_ups(engine) == 2  # today and tomorrow
    assert jobs.plan_wake_ups(engine) == 0
    assert len(rows(session)) == 2


def test_a_withdrawn_wake_up_text_never_leaves(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """A citizen who answers before the reminder was sent: the pending reminder is cancelled."""
    place = placed(session)
    for moment in ("06:30", "06:50"):
        clock.move_to(at(TUESDAY, moment))
        tick(engine)
    chat.send(citizen_phone(place), "1")
    (reminder,) = texts(session, "wake_up.reminder")
    assert reminder.status == MessageStatus.CANCELLED
