"""Interview reminders end to end: each stage on time, answers, alerts, changes, quiet hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import at_local, local
from bot.hours import DEFAULT_HOURS, is_quiet
from bot.models import (
    AlertKind,
    AlertSeverity,
    Attendance,
    Conversation,
    Interview,
    InterviewFeedback,
    InterviewOutcome,
    InterviewStatus,
    Leave,
    Message,
    MessageStatus,
    ParticipantKind,
)
from bot.models.jobcentre import JobcentreHours
from flows import interview as flow
from tests.flows.chat import Chat
from tests.flows.checkin_builders import alerts, at, events, subscribe
from tests.flows.interview_builders import (
    Booking,
    book,
    fresh,
    kinds,
    make_booking,
    mark_sent,
    outbound,
    run_through,
    tick,
)

TODAY = date(2026, 11, 24)  # Tuesday; the clock fixture starts at 07:30
THURSDAY = date(2026, 11, 26)
STARTS = at(THURSDAY, "10:00")


def _booked(session: Session, starts_at: datetime = STARTS) -> Booking:
    """People with an interview on Thursday at 10:00, booked now."""
    people = make_booking(session)
    book(session, people, starts_at)
    return people


def _confirm_asked(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> tuple[Booking, int]:
    """Booked, tips sent, and the confirm question asked on Wednesday at 18:00."""
    people = make_booking(session)
    row = book(session, people, STARTS)
    clock.move_to(at(TODAY, "18:00"))
    tick(engine)
    clock.move_to(at(date(2026, 11, 25), "18:00"))
    tick(engine)
    assert kinds(session, people.phone)[-1] == "interview.confirm"
    return people, row.id or 0


# -- booking and the stages ------------------------------------------------------------------


def test_booking_tells_the_citizen_at_once_and_plans_the_tips(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """When, where, whom to ask for, in the citizen's language; the tips come two days before."""
    people = make_booking(session)
    subscribe(session, people.jobcentre)
    row = book(session, people, STARTS)
    (booked,) = outbound(session, people.phone)
    assert booked.kind == "interview.booked" and booked.ref == f"interview:{row.id}"
    assert "Bageriet Solsikken ApS" in booked.body
    assert "Thursday 26 November 10:00" in booked.body
    assert "Torvet 3, 2630 Taastrup" in booked.body and "Ask for Lars Holm" in booked.body
    assert booked.next_attempt_at == at(TODAY, "07:30")
    stored = fresh(session, row)
    assert (stored.stage, stored.due_at, stored.version) == ("tips", at(TODAY, "18:00"), 1)
    (event,) = events(session, "interview.scheduled")
    assert event.payload["data"] == {
        "interview_id": row.id,
        "citizen_id": people.citizen.id,
        "employer_id": people.employer.id,
        "starts_at": "2026-11-26T09:00:00Z",
    }


def test_the_booking_message_is_in_the_citizens_language(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """A Danish reader gets the day and time the Danish way (Babel)."""
    people = make_booking(session, language="da")
    book(session, people, STARTS)
    (booked,) = outbound(session, people.phone)
    assert "torsdag 26. november 10:00" in booked.body


def test_each_stage_fires_at_its_local_time(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Tips Tue 18:00, confirm Wed 18:00, deadline 20:00, leave Thu 08:00, after Thu 13:00."""
    people = make_booking(session)
    row = book(session, people, STARTS)
    expected = [
        (at(TODAY, "18:00"), "interview.tips"),
        (at(date(2026, 11, 25), "18:00"), "interview.confirm"),
        (at(date(2026, 11, 25), "20:00"), None),  # the deadline: alerts, sends nothing
        (at(THURSDAY, "08:00"), "interview.leave"),
        (at(THURSDAY, "13:00"), "interview.feedback"),
    ]
    for moment, kind in expected:
        assert fresh(session, row).due_at == moment
        clock.move_to(moment - timedelta(minutes=1))
        before = kinds(session, people.phone)
        tick(engine)
        assert kinds(session, people.phone) == before  # not a minute early
        clock.move_to(moment)
        tick(engine)
        if kind is not None:
            assert kinds(session, people.phone)[-1] == kind
            assert outbound(session, people.phone)[-1].next_attempt_at == moment
    stored = fresh(session, row)
    assert (stored.stage, stored.due_at, stored.status) == ("done", None, InterviewStatus.HELD)
    assert kinds(session, people.contact_phone) == ["interview.outcome"]


def test_the_texts_say_what_to_do(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Tips (one idea a line), the confirm question with 1/2, and time to leave with the address."""
    people = make_booking(session)
    row = book(session, people, STARTS)
    run_through(engine, session, row, clock)
    tips = outbound(session, people.phone, "interview.tips")[0].body
    assert "Thursday 26 November 10:00" in tips
    for hint in ("clothes", "CV", "your name", "question"):
        assert hint in tips
    assert len(tips.splitlines()) == 8
    confirm = outbound(session, people.phone, "interview.confirm")[0]
    assert "tomorrow at 10:00" in confirm.body
    assert [o["value"] for o in confirm.options] == ["1", "2"]
    assert [o["label"] for o in confirm.options] == ["I'll be there", "I can't come"]
    leave = outbound(session, people.phone, "interview.leave")[0].body
    assert "time to leave" in leave and "10:00" in leave and "Torvet 3" in leave
    feedback = outbound(session, people.phone, "interview.feedback")[0]
    assert "Bageriet Solsikken ApS" in feedback.body
    assert [o["value"] for o in feedback.options] == ["1", "2", "3"]
    outcome = outbound(session, people.contact_phone, "interview.outcome")[0]
    assert "Ali Test" in outcome.body and "Thursday 26 November 10:00" in outcome.body
    assert [o["label"] for o in outcome.options] == ["Hired", "Not hired", "Not decided yet"]


# -- confirming --------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["1", "ja", "yes"])
def test_confirming_records_it_and_no_alert_follows(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat, answer: str
) -> None:
    """A 1 or a yes: confirmed, good luck, an event; nothing at the 20:00 deadline."""
    people, interview_id = _confirm_asked(engine, session, clock)
    subscribe(session, people.jobcentre)
    chat.send(people.phone, answer)
    assert chat.last(people.phone).kind == "interview.confirmed"
    row = flow_row(session, interview_id)
    assert row.attendance == Attendance.CONFIRMED
    assert [e.payload["data"]["interview_id"] for e in events(session, "interview.confirmed")] == [
        interview_id
    ]
    clock.move_to(at(date(2026, 11, 25), "20:00"))
    tick(engine)
    assert alerts(session) == []
    assert fresh(session, row).stage == "leave"


@pytest.mark.parametrize("answer", ["2", "nej", "I can't come", "kan ikke komme"])
def test_i_cant_come_alerts_the_consultant_at_once(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat, answer: str
) -> None:
    """Declined: an attention alert now, the citizen thanked; no "time to leave", no questions."""
    people, interview_id = _confirm_asked(engine, session, clock)
    chat.send(people.phone, answer)
    reply = chat.last(people.phone)
    assert reply.kind == "interview.declined" and "Mette Jensen will contact you" in reply.body
    (alert,) = alerts(session, AlertKind.INTERVIEW_DECLINED)
    assert alert.severity == AlertSeverity.ATTENTION
    assert "Ali Test cannot come" in alert.summary and "Bageriet Solsikken ApS" in alert.summary
    assert outbound(session, people.consultant.phone, "alert.interview_declined")
    row = flow_row(session, interview_id)
    assert row.attendance == Attendance.DECLINED
    run_through(engine, session, row, clock)
    assert "interview.leave" not in kinds(session, people.phone)
    assert "interview.feedback" not in kinds(session, people.phone)
    assert kinds(session, people.contact_phone) == []
    assert alerts(session, AlertKind.INTERVIEW_UNCONFIRMED) == []
    assert fresh(session, row).status == InterviewStatus.HELD


def test_no_confirmation_by_20_alerts_the_consultant(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """Nothing at 19:59; at 20:00 an attention alert; a late "1" still counts."""
    people, interview_id = _confirm_asked(engine, session, clock)
    clock.move_to(at(date(2026, 11, 25), "19:59"))
    tick(engine)
    assert alerts(session) == []
    clock.move_to(at(date(2026, 11, 25), "20:00"))
    tick(engine)
    (alert,) = alerts(session, AlertKind.INTERVIEW_UNCONFIRMED)
    assert alert.severity == AlertSeverity.ATTENTION and "not confirmed" in alert.summary
    assert flow_row(session, interview_id).attendance == Attendance.NO_ANSWER
    assert outbound(session, people.consultant.phone, "alert.interview_unconfirmed")
    clock.move_to(at(date(2026, 11, 25), "20:30"))
    chat.send(people.phone, "1")
    assert flow_row(session, interview_id).attendance == Attendance.CONFIRMED


def test_sick_during_the_confirm_question_reaches_the_sick_day_flow(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """SYG is not an answer to "can you come?": the sick-day flow takes it."""
    people, interview_id = _confirm_asked(engine, session, clock)
    chat.send(people.phone, "SYG")
    assert chat.last(people.phone).kind == "sick_day.ask_who"
    assert flow_row(session, interview_id).attendance == Attendance.UNKNOWN


def test_an_unclear_answer_is_asked_again_once(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """A "maybe" gets "please answer 1 or 2" with the options; then "1" is taken."""
    people, interview_id = _confirm_asked(engine, session, clock)
    chat.send(people.phone, "maybe")
    reprompt = chat.last(people.phone)
    assert reprompt.kind == "interview.reprompt" and len(reprompt.options) == 2
    chat.send(people.phone, "1")
    assert flow_row(session, interview_id).attendance == Attendance.CONFIRMED


def test_the_question_waits_while_the_citizen_is_in_another_conversation(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """In the middle of a sick report at 17:50: asked at 19:00 instead; the deadline is 20:00."""
    people = make_booking(session)
    row = book(session, people, STARTS)
    clock.move_to(at(date(2026, 11, 25), "17:50"))
    chat.send(people.phone, "syg")
    for moment in ("18:00", "18:30"):
        clock.move_to(at(date(2026, 11, 25), moment))
        tick(engine)
        assert "interview.confirm" not in kinds(session, people.phone)
    clock.move_to(at(date(2026, 11, 25), "19:00"))
    tick(engine)
    assert kinds(session, people.phone)[-1] == "interview.confirm"
    stored = fresh(session, row)
    assert (stored.stage, stored.due_at) == ("confirm_deadline", at(date(2026, 11, 25), "20:00"))


# -- after the interview ---------------------------------------------------------------------


def _after_asked(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> tuple[Booking, int]:
    """Everything up to the after-questions (Thursday 13:00)."""
    people = make_booking(session)
    row = book(session, people, STARTS)
    run_through(engine, session, row, clock)
    return people, row.id or 0


@pytest.mark.parametrize(
    ("answer", "feedback", "severity"),
    [
        ("1", InterviewFeedback.GOOD, AlertSeverity.INFO),
        ("2", InterviewFeedback.OK, AlertSeverity.INFO),
        ("3", InterviewFeedback.BAD, AlertSeverity.ATTENTION),
    ],
)
def test_how_it_went_is_stored_and_passed_on(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    chat: Chat,
    answer: str,
    feedback: InterviewFeedback,
    severity: AlertSeverity,
) -> None:
    """Good and OK go to the digest (info); bad is texted to the consultant (attention)."""
    people, interview_id = _after_asked(engine, session, clock)
    chat.send(people.phone, answer)
    assert flow_row(session, interview_id).feedback == feedback
    (alert,) = alerts(session, AlertKind.INTERVIEW_OUTCOME)
    assert alert.severity == severity and "Ali Test says it went" in alert.summary
    texted = outbound(session, people.consultant.phone, "alert.interview_outcome")
    assert bool(texted) == (severity == AlertSeverity.ATTENTION)
    assert chat.last(people.phone).kind == "interview.thanks"


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ("1", InterviewOutcome.HIRED),
        ("2", InterviewOutcome.NOT_HIRED),
        ("3", InterviewOutcome.UNDECIDED),
        ("ja", InterviewOutcome.HIRED),
    ],
)
def test_the_employer_gives_the_outcome(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    chat: Chat,
    answer: str,
    outcome: InterviewOutcome,
) -> None:
    """Stored with its time, an info alert for the consultant, an ids-only event."""
    people, interview_id = _after_asked(engine, session, clock)
    subscribe(session, people.jobcentre)
    clock.move_to(at(THURSDAY, "14:00"))
    chat.send(people.contact_phone, answer)
    row = flow_row(session, interview_id)
    assert (row.outcome, row.outcome_at) == (outcome, at(THURSDAY, "14:00"))
    (alert,) = alerts(session, AlertKind.INTERVIEW_OUTCOME)
    assert alert.severity == AlertSeverity.INFO and "Lars Holm" in alert.summary
    assert "Mette Jensen" in chat.last(people.contact_phone).body
    (event,) = events(session, "interview.outcome")
    assert event.payload["data"]["outcome"] == outcome.value
    assert set(event.payload["data"]) == {
        "interview_id",
        "citizen_id",
        "employer_id",
        "starts_at",
        "outcome",
        "outcome_at",
    }


def test_without_a_contact_only_the_citizen_is_asked(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """No contact_id: nobody at the employer is asked."""
    people = make_booking(session)
    row = book(session, people, STARTS, contact=False)
    run_through(engine, session, row, clock)
    assert kinds(session, people.contact_phone) == []
    assert kinds(session, people.phone)[-1] == "interview.feedback"


# -- rescheduling and cancelling ---------------------------------------------------------------


def test_rescheduling_withdraws_old_reminders_and_plans_new_ones(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """A held-back text is cancelled, the old question is no longer taken, new times apply."""
    people, interview_id = _confirm_asked(engine, session, clock)
    mark_sent(session, people.phone)
    clock.move_to(at(date(2026, 11, 25), "22:00"))  # quiet hours: the new text waits
    row = flow_row(session, interview_id)
    row.starts_at = at(date(2026, 11, 30), "09:00")
    flow.reschedule(session, row, at(date(2026, 11, 25), "22:00"))
    session.commit()
    moved = outbound(session, people.phone, "interview.rescheduled")
    assert len(moved) == 1 and "Monday 30 November 09:00" in moved[0].body
    assert moved[0].next_attempt_at == at(date(2026, 11, 26), "07:00")
    stored = fresh(session, row)
    assert (stored.version, stored.stage, stored.due_at) == (
        2,
        "tips",
        at(date(2026, 11, 28), "18:00"),
    )
    assert session.exec(select(Conversation)).all() == []
    chat.send(people.phone, "1")  # an answer to the old question is not an answer now
    assert chat.last(people.phone).kind == "help.menu"
    assert fresh(session, row).attendance == Attendance.UNKNOWN
    # a second reschedule before the first text went out cancels it
    clock.move_to(at(date(2026, 11, 25), "23:00"))
    row = fresh(session, row)
    row.starts_at = at(date(2026, 12, 1), "09:00")
    flow.reschedule(session, row, at(date(2026, 11, 25), "23:00"))
    session.commit()
    session.expire_all()
    cancelled = session.exec(select(Message).where(Message.status == MessageStatus.CANCELLED)).all()
    assert [m.kind for m in cancelled] == ["interview.rescheduled"]
    # the old Thursday times never fire
    run_through(engine, session, row, clock)
    assert kinds(session, people.phone).count("interview.confirm") == 2
    confirm = outbound(session, people.phone, "interview.confirm")[-1]
    assert local(confirm.next_attempt_at or confirm.created_at).date() == date(2026, 11, 30)


def test_rescheduling_before_anything_was_sent_reads_as_a_booking(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """The citizen never saw the first time: they get one booking message with the new one."""
    people = make_booking(session)
    row = book(session, people, STARTS)
    row.starts_at = at(THURSDAY, "13:00")
    flow.reschedule(session, row, at(TODAY, "07:30"))
    session.commit()
    assert kinds(session, people.phone) == ["interview.rescheduled"]
    (message,) = outbound(session, people.phone)
    assert "You have a job interview" in message.body and "13:00" in message.body


def test_cancelling_tells_the_citizen_and_drops_the_reminders(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """Cancelled: the citizen is told, nothing else goes out, the question is forgotten."""
    people, interview_id = _confirm_asked(engine, session, clock)
    mark_sent(session, people.phone)
    subscribe(session, people.jobcentre)
    row = flow_row(session, interview_id)
    flow.cancel(session, row, at(date(2026, 11, 25), "18:05"))
    session.commit()
    assert kinds(session, people.phone)[-1] == "interview.cancelled"
    assert "is cancelled" in outbound(session, people.phone)[-1].body
    stored = fresh(session, row)
    assert (stored.status, stored.due_at) == (InterviewStatus.CANCELLED, None)
    assert len(events(session, "interview.cancelled")) == 1
    before = kinds(session, people.phone)
    for moment in (at(date(2026, 11, 25), "20:00"), at(THURSDAY, "08:00"), at(THURSDAY, "13:00")):
        clock.move_to(moment)
        tick(engine)
    assert kinds(session, people.phone) == before and alerts(session) == []
    chat.send(people.phone, "1")
    assert chat.last(people.phone).kind == "help.menu"


def test_cancelling_before_the_booking_went_out_sends_nothing(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Booked at 22:00 (held till 07:00) and cancelled at 22:10: the citizen hears nothing."""
    clock.move_to(at(TODAY, "22:00"))
    people = make_booking(session)
    row = book(session, people, STARTS)
    flow.cancel(session, row, at(TODAY, "22:10"))
    session.commit()
    assert kinds(session, people.phone) == []


# -- quiet hours, late bookings, unreachable citizens ---------------------------------------


def test_a_booking_in_quiet_hours_waits_until_morning(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Booked at 22:00: the message is held until 07:00."""
    clock.move_to(at(TODAY, "22:00"))
    people = _booked(session)
    (booked,) = outbound(session, people.phone)
    assert booked.next_attempt_at == at(date(2026, 11, 25), "07:00")


def test_time_to_leave_in_quiet_hours_moves_to_the_end_of_them(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """An 08:00 interview: "time to leave" at 06:00 is quiet, so it goes at 07:00."""
    people = make_booking(session)
    row = book(session, people, at(THURSDAY, "08:00"))
    run_through(engine, session, row, clock)
    (leave,) = outbound(session, people.phone, "interview.leave")
    assert leave.next_attempt_at == at(THURSDAY, "07:00")


def test_time_to_leave_is_dropped_when_the_morning_is_too_late(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """A 07:10 interview: 07:00 would be too late to be any help, so nothing is sent."""
    people = make_booking(session)
    row = book(session, people, at(THURSDAY, "07:10"))
    run_through(engine, session, row, clock)
    assert "interview.leave" not in kinds(session, people.phone)


def test_a_jobcentre_with_long_quiet_hours(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Quiet 17:00-08:00: tips and the question move to 08:00 the next morning."""
    people = make_booking(session, jobcentre={"quiet_start": time(17, 0), "quiet_end": time(8, 0)})
    row = book(session, people, at(THURSDAY, "13:00"))
    run_through(engine, session, row, clock)
    sent = {m.kind: m.next_attempt_at for m in outbound(session, people.phone)}
    assert sent["interview.tips"] == at(date(2026, 11, 25), "08:00")
    assert sent["interview.confirm"] == at(THURSDAY, "08:00")
    assert sent["interview.leave"] == at(THURSDAY, "11:00")


def test_booking_an_hour_before_sends_the_booking_and_time_to_leave(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """No tips and no confirm question that late; "time to leave" at once is still useful."""
    clock.move_to(at(THURSDAY, "09:00"))
    people = make_booking(session)
    row = book(session, people, STARTS)
    run_through(engine, session, row, clock)
    assert kinds(session, people.phone) == [
        "interview.booked",
        "interview.leave",
        "interview.feedback",
    ]
    assert alerts(session) == []


def test_a_missed_tick_sends_a_late_reminder_after_quiet_hours_or_not_at_all(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """The scheduler was down at 18:00: at 21:30 the question waits for 07:00, still in time."""
    people = make_booking(session)
    row = book(session, people, STARTS)
    clock.move_to(at(TODAY, "18:00"))
    tick(engine)
    clock.move_to(at(date(2026, 11, 25), "21:30"))
    tick(engine)
    stored = fresh(session, row)
    assert (stored.stage, stored.due_at) == ("confirm", at(THURSDAY, "07:00"))
    assert kinds(session, people.phone) == ["interview.booked", "interview.tips"]
    clock.move_to(at(THURSDAY, "07:00"))
    tick(engine)
    confirm = outbound(session, people.phone, "interview.confirm")[0]
    assert "today at 10:00" in confirm.body
    assert fresh(session, row).due_at == at(THURSDAY, "08:00")  # deadline: an hour to answer


def test_an_opted_out_citizen_gets_nothing_and_the_consultant_hears_once(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """No texts to the citizen; one attention alert; the employer is still asked."""
    people = make_booking(session, opted_out_at=at(date(2026, 11, 1), "12:00"))
    row = book(session, people, STARTS)
    run_through(engine, session, row, clock)
    assert outbound(session, people.phone) == []
    (alert,) = alerts(session, AlertKind.INTERVIEW_UNREACHABLE)
    assert alert.severity == AlertSeverity.ATTENTION and "cannot remind" in alert.summary
    assert len(alerts(session)) == 1
    assert kinds(session, people.contact_phone) == ["interview.outcome"]


def test_a_citizen_on_leave_gets_no_reminders(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Leave Tuesday to Thursday: the booking only, no reminders, no deadline alert."""
    people = make_booking(session)
    session.add(
        Leave(
            jobcentre_id=people.jobcentre.id or 0,
            participant_kind=ParticipantKind.CITIZEN,
            participant_id=people.citizen.id or 0,
            first_day=TODAY,
            last_day=THURSDAY,
        )
    )
    session.commit()
    row = book(session, people, STARTS)
    run_through(engine, session, row, clock)
    assert kinds(session, people.phone) == ["interview.booked"]
    assert alerts(session) == []


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25), date(2026, 3, 30)])
def test_daylight_saving_change_days_keep_wall_clock_times(
    engine: Engine, session: Session, clock: time_machine.Traveller, day: date
) -> None:
    """Interviews on (or the day after) a clock change: every text at its usual local time."""
    clock.move_to(at(day - timedelta(days=9), "09:00"))
    people = make_booking(session)
    row = book(session, people, at(day, "10:00"))
    run_through(engine, session, row, clock)
    sent = {
        m.kind: local(m.next_attempt_at or m.created_at) for m in outbound(session, people.phone)
    }
    assert (sent["interview.tips"].date(), sent["interview.tips"].time()) == (
        day - timedelta(days=2),
        time(18, 0),
    )
    assert (sent["interview.confirm"].date(), sent["interview.confirm"].time()) == (
        day - timedelta(days=1),
        time(18, 0),
    )
    assert sent["interview.leave"].time() == time(8, 0)
    assert sent["interview.feedback"].time() == time(13, 0)


def flow_row(session: Session, interview_id: int) -> Interview:
    """The interview by id, as stored now."""
    session.expire_all()
    return session.get_one(Interview, interview_id)


def test_plan_matches_the_tick(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """The pure plan lists the same stages and times the tick runs."""
    people = make_booking(session)
    row = book(session, people, STARTS)
    planned = list(flow.plan(STARTS, at(TODAY, "07:30"), DEFAULT_HOURS))
    assert run_through(engine, session, row, clock) == [moment for _, moment in planned]
    assert [stage for stage, _ in planned] == [
        "tips",
        "confirm",
        "confirm_deadline",
        "leave",
        "after",
    ]
    assert at_local(THURSDAY, time(13, 0)) == planned[-1][1]


# -- the quiet-hours guarantee, over random days 2025-2035 ----------------------------------


def _last_sunday(year: int, month: int) -> date:
    """The last Sunday of a month: when Denmark changes its clocks (March, October)."""
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


CHANGE_DAYS = [_last_sunday(y, m) for y in range(2025, 2036) for m in (3, 10)]
AROUND_CHANGES = [d + timedelta(days=k) for d in CHANGE_DAYS for k in range(-1, 4)]
HOURS = [
    DEFAULT_HOURS,
    JobcentreHours(quiet_start=time(17, 0), quiet_end=time(8, 0)),
    JobcentreHours(quiet_start=time(22, 30), quiet_end=time(6, 15)),
    JobcentreHours(quiet_start=time(0, 0), quiet_end=time(5, 0)),  # quiet after midnight only
    JobcentreHours(quiet_start=time(20, 0), quiet_end=time(20, 0)),  # no quiet hours
]
interview_days = st.one_of(
    st.sampled_from(AROUND_CHANGES), st.dates(date(2025, 1, 1), date(2035, 12, 31))
)
minutes_of_day = st.integers(0, 24 * 60 - 1)
booking_leads = st.one_of(st.integers(1, 6 * 60), st.integers(1, 20 * 24 * 60))


def _interview_at(day: date, minute: int) -> datetime:
    """A wall-clock start on a day (a time skipped in spring reads as the hour after)."""
    return at_local(day, time(minute // 60, minute % 60))


def _check_schedule(
    hours: JobcentreHours,
    starts_at: datetime,
    booked_at: datetime,
    sent: list[tuple[str, datetime]],
) -> None:
    """No citizen text in quiet hours; none after the start but the after-questions."""
    for stage, moment in sent:
        assert moment >= booked_at, stage
        assert not is_quiet(hours, moment), (stage, local(moment))
        if stage == "feedback":
            assert moment >= starts_at + flow.AFTER_START, stage
        else:
            assert moment < starts_at, (stage, local(moment), local(starts_at))


@given(
    day=interview_days,
    minute=minutes_of_day,
    lead=booking_leads,
    hours=st.sampled_from(HOURS),
)
@settings(max_examples=1500, deadline=None)
def test_no_interview_text_in_quiet_hours_or_after_the_start(
    day: date, minute: int, lead: int, hours: JobcentreHours
) -> None:
    """The plan, for any booking and interview time, keeps both promises (DST days included)."""
    starts_at = _interview_at(day, minute)
    booked_at = starts_at - timedelta(minutes=lead)
    assume(flow.booking_time(hours, booked_at) < starts_at)  # the API refuses the rest
    planned = list(flow.plan(starts_at, booked_at, hours))
    stages = [stage for stage, _ in planned]
    assert stages == sorted(stages, key=flow.STAGES.index) and len(set(stages)) == len(stages)
    times = [moment for _, moment in planned]
    assert times == sorted(times)
    texts = [("booked", flow.booking_time(hours, booked_at))]
    texts += [
        ("feedback" if stage == "after" else stage, moment)
        for stage, moment in planned
        if stage != "confirm_deadline"  # alerts the consultant only
    ]
    _check_schedule(hours, starts_at, booked_at, texts)
    if "confirm_deadline" in stages:
        asked = dict(planned)["confirm"]
        deadline = dict(planned)["confirm_deadline"]
        assert asked + flow.MIN_ANSWER_TIME <= deadline < starts_at
    if "after" in stages:
        assert dict(planned)["after"] >= starts_at + flow.AFTER_START


@given(
    day=interview_days,
    minute=minutes_of_day,
    lead=booking_leads,
    hours=st.sampled_from(HOURS),
)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_the_tick_keeps_the_promises_too(
    engine: Engine, day: date, minute: int, lead: int, hours: JobcentreHours
) -> None:
    """Through the real tick and outbox: what would be sent to the citizen, and when."""
    starts_at = _interview_at(day, minute)
    booked_at = starts_at - timedelta(minutes=lead)
    assume(flow.booking_time(hours, booked_at) < starts_at)
    with (
        Session(engine, expire_on_commit=False) as session,
        time_machine.travel(booked_at, tick=False) as traveller,
    ):
        people = make_booking(session, jobcentre=hours.model_dump())
        row = book(session, people, starts_at)
        run_through(engine, session, row, traveller)
        sent = [
            (m.kind.removeprefix("interview."), m.next_attempt_at or m.created_at)
            for m in outbound(session, people.phone)
        ]
    assert sent[0][0] == "booked"
    _check_schedule(hours, starts_at, booked_at, sent)


def test_two_workers_never_run_the_same_interview(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """PostgreSQL: a due interview one worker holds is skipped by the other; sent once."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row-level locking is PostgreSQL's; SQLite serialises claimers instead")
    people = make_booking(session)
    book(session, people, STARTS)
    clock.move_to(at(TODAY, "18:00"))
    now = at(TODAY, "18:00")
    with Session(engine) as first, Session(engine) as second:
        assert flow.advance_interviews(first, now) == 1
        assert flow.advance_interviews(second, now) == 0  # the row is locked: skipped
        first.commit()
        second.commit()
    with Session(engine) as third:
        assert flow.advance_interviews(third, now) == 0  # no longer due
        third.commit()
    assert kinds(session, people.phone) == ["interview.booked", "interview.tips"]
