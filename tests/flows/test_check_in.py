"""Monthly check-ins end to end: planned, asked at the right time, answered, reminded, alerted."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import local
from bot.models import (
    Absence,
    AlertKind,
    AlertSeverity,
    CheckInRating,
    CheckInStage,
    ClosureDay,
    Conversation,
    ParticipantKind,
    Placement,
)
from tests.flows.chat import Chat
from tests.flows.checkin_builders import (
    Workplace,
    alerts,
    at,
    check_ins,
    events,
    make_workplace,
    sent_to,
    subscribe,
    tick,
)

TODAY = date(2026, 11, 24)  # Tuesday; the clock fixture starts at 07:30
START = date(2026, 10, 25)  # a Sunday: 30 days on is today


def _workplace(session: Session, names: tuple[str, ...] = ("Ali",), **kw: Any) -> Workplace:
    """A contact with citizens whose first check-in falls due today."""
    return make_workplace(session, names, start_date=START, **kw)


def _citizen_phone(w: Workplace, index: int = 0) -> str:
    """A citizen's phone."""
    phone = w.citizens[index].phone
    assert phone is not None
    return phone


def test_a_period_is_planned_for_both_sides_at_their_times(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """One row per respondent, due at 10:30 (employer) and after the shift (citizen); once."""
    w = _workplace(session)
    assert tick(engine) == (2, 0)
    assert tick(engine) == (0, 0)
    rows = {r.respondent: r for r in check_ins(session)}
    contact, citizen = rows[ParticipantKind.CONTACT], rows[ParticipantKind.CITIZEN]
    assert (contact.number, contact.period_start, contact.stage) == (1, TODAY, "planned")
    assert contact.respondent_id == w.contact.id and citizen.respondent_id == w.citizens[0].id
    assert contact.next_step_at == at(TODAY, "10:30")
    assert citizen.next_step_at == at(TODAY, "16:00")  # the shift ends 15:30


def test_each_side_is_asked_at_its_time(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Nothing before 10:30; the employer is told which citizen; the citizen after work."""
    w = _workplace(session)
    tick(engine)
    clock.move_to(at(TODAY, "10:29"))
    assert tick(engine) == (0, 0)
    clock.move_to(at(TODAY, "10:30"))
    assert tick(engine) == (0, 1)
    (ask,) = sent_to(session, w.phone, "check_in.ask")
    assert "Ali Test" in ask.body and [o["value"] for o in ask.options] == ["1", "2", "3"]
    assert sent_to(session, _citizen_phone(w)) == []
    clock.move_to(at(TODAY, "16:00"))
    assert tick(engine) == (0, 1)
    (question,) = sent_to(session, _citizen_phone(w), "check_in.ask")
    assert "Bageriet Solsikken" in question.body
    flows = {c.participant_kind: c.flow for c in session.exec(select(Conversation)).all()}
    assert flows == {ParticipantKind.CONTACT: "check_in", ParticipantKind.CITIZEN: "check_in"}


def test_a_due_day_on_a_holiday_or_closure_moves_to_the_next_working_day(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Christmas Day moves to Monday 28 December; a closure day to the day after."""
    christmas = make_workplace(session, ("Ali",), start_date=date(2026, 11, 25))
    closed = _workplace(session, ("Sara",))
    session.add(ClosureDay(jobcentre_id=closed.jobcentre.id or 0, day=TODAY))
    session.commit()
    assert tick(engine) == (0, 0)  # today is closed for Sara's jobcentre
    clock.move_to(at(date(2026, 11, 25), "07:00"))
    tick(engine)
    assert {r.period_start for r in check_ins(session)} == {date(2026, 11, 25)}
    clock.move_to(at(date(2026, 12, 25), "09:00"))
    tick(engine)
    assert check_ins(session, placement_id=christmas.placements[0].id) == []
    clock.move_to(at(date(2026, 12, 28), "07:00"))
    tick(engine)
    rows = check_ins(session, placement_id=christmas.placements[0].id)
    assert [(r.number, r.period_start) for r in rows] == [(1, date(2026, 12, 28))] * 2


def test_check_ins_stop_after_the_first_year(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """A placement from 1 November 2025: the 12th period is the last one."""
    w = make_workplace(session, ("Ali",), start_date=date(2025, 11, 1))
    tick(engine)
    assert {r.number for r in check_ins(session)} == {12}
    for day in (date(2026, 11, 30), date(2026, 12, 28), date(2027, 1, 29)):
        clock.move_to(at(day, "07:00"))
        tick(engine)
    assert {r.number for r in check_ins(session, placement_id=w.placements[0].id)} == {12}


def test_disabled_placements_get_no_check_ins(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """checkin_enabled off: nothing planned, nothing sent."""
    w = _workplace(session, checkin_enabled=False)
    clock.move_to(at(TODAY, "16:00"))
    assert tick(engine) == (0, 0)
    assert check_ins(session) == [] and sent_to(session, w.phone) == []


@pytest.mark.parametrize("how", ["ended", "deactivated", "turned_off"])
def test_ending_a_placement_cancels_its_open_check_ins(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat, how: str
) -> None:
    """Open rows are cancelled and the open question is forgotten: "1" is no answer now."""
    w = _workplace(session)
    clock.move_to(at(TODAY, "10:30"))
    tick(engine)
    placement = session.get_one(Placement, w.placements[0].id)
    if how == "ended":
        placement.end_date = date(2026, 11, 23)
    elif how == "deactivated":
        placement.active = False
    else:
        placement.checkin_enabled = False
    session.add(placement)
    session.commit()
    clock.move_to(at(TODAY, "10:35"))
    tick(engine)
    assert {r.stage for r in check_ins(session)} == {CheckInStage.CANCELLED}
    assert all(r.next_step_at is None for r in check_ins(session))
    assert session.exec(select(Conversation)).all() == []
    chat.send(w.phone, "1")
    assert sent_to(session, w.phone)[-1].kind == "help.menu"
    clock.move_to(at(date(2026, 12, 1), "16:00"))
    tick(engine)
    assert alerts(session) == []


def test_citizen_says_bad_and_wants_a_call(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """Bad → concern alert at once; yes → call request; the answers are stored; ids-only event."""
    w = _workplace(session)
    subscribe(session, w.jobcentre)
    clock.move_to(at(TODAY, "16:00"))
    tick(engine)
    phone = _citizen_phone(w)
    chat.send(phone, "3")
    assert sent_to(session, phone)[-1].kind == "check_in.ask_call"
    assert "Mette Jensen" in sent_to(session, phone)[-1].body
    (concern,) = alerts(session, AlertKind.CHECKIN_CONCERN)
    assert concern.severity == AlertSeverity.ATTENTION
    assert sent_to(session, w.consultant.phone, "alert.checkin_concern")
    chat.send(phone, "1")
    (call,) = alerts(session, AlertKind.CHECKIN_CALL_REQUEST)
    assert call.severity == AlertSeverity.ATTENTION and call.placement_id == w.placements[0].id
    assert sent_to(session, phone)[-1].kind == "check_in.thanks"
    assert "Mette Jensen will call you" in sent_to(session, phone)[-1].body
    (row,) = check_ins(session, respondent=ParticipantKind.CITIZEN)
    assert (row.stage, row.rating, row.wants_call) == ("answered", CheckInRating.BAD, True)
    assert row.answered_at == at(TODAY, "16:00") and row.alert_id == concern.id
    assert alerts(session, AlertKind.CHECKIN_ANSWERED) == []
    (event,) = events(session, "checkin.answered")
    assert event.payload["data"] == {
        "check_in_id": row.id,
        "placement_id": row.placement_id,
        "citizen_id": row.citizen_id,
        "respondent": "citizen",
        "number": 1,
        "answered_at": "2026-11-24T15:00:00Z",
    }
    citizens_talks = select(Conversation).where(
        Conversation.participant_kind == ParticipantKind.CITIZEN
    )
    assert session.exec(citizens_talks).all() == []


def test_ordinary_answers_become_an_info_alert_for_the_digest(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """Good/OK and no call; the employer's rating and paid hours ("30,5") — no texts now."""
    w = _workplace(session)
    clock.move_to(at(TODAY, "10:30"))
    tick(engine)
    chat.send(w.phone, "2")
    assert sent_to(session, w.phone)[-1].kind == "check_in.ask_hours"
    assert "paid hours" in sent_to(session, w.phone)[-1].body
    chat.send(w.phone, "ca. 30,5 timer")
    assert sent_to(session, w.phone)[-1].kind == "check_in.thanks"
    clock.move_to(at(TODAY, "16:00"))
    tick(engine)
    chat.send(_citizen_phone(w), "1")
    chat.send(_citizen_phone(w), "nej")
    rows = {r.respondent: r for r in check_ins(session)}
    assert rows[ParticipantKind.CONTACT].paid_hours == 30.5
    assert rows[ParticipantKind.CONTACT].rating == CheckInRating.OK
    assert rows[ParticipantKind.CITIZEN].wants_call is False
    answered = alerts(session, AlertKind.CHECKIN_ANSWERED)
    assert [a.severity for a in answered] == [AlertSeverity.INFO] * 2
    assert (
        "30,5" in answered[0].summary
    )  # en_DK writes a decimal comma and "Lars Holm" in answered[0].summary
    assert "No call wanted" in answered[1].summary
    assert sent_to(session, w.consultant.phone) == []  # info: the daily digest tells


def test_nonsense_hours_are_refused_politely_and_asked_again(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """The word "mange" is not a number: asked again with an example; then "37½" is taken."""
    w = _workplace(session)
    clock.move_to(at(TODAY, "10:30"))
    tick(engine)
    chat.send(w.phone, "1")
    chat.send(w.phone, "mange")
    reprompt = sent_to(session, w.phone)[-1]
    assert reprompt.kind == "check_in.reprompt" and "30,5" in reprompt.body
    chat.send(w.phone, "37½")
    (row,) = check_ins(session, respondent=ParticipantKind.CONTACT)
    assert (row.stage, row.paid_hours) == ("answered", 37.5)


def test_employer_says_bad_raises_a_concern(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """The employer's 3 is an attention alert naming contact, employer and citizen."""
    w = _workplace(session)
    clock.move_to(at(TODAY, "10:30"))
    tick(engine)
    chat.send(w.phone, "3")
    (concern,) = alerts(session, AlertKind.CHECKIN_CONCERN)
    assert "Lars Holm" in concern.summary and "Ali Test" in concern.summary
    chat.send(w.phone, "0")
    (row,) = check_ins(session, respondent=ParticipantKind.CONTACT)
    assert (row.paid_hours, row.alert_id) == (0.0, concern.id)
    assert alerts(session, AlertKind.CHECKIN_ANSWERED) == []


def test_no_answer_one_reminder_then_no_contact_alert(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Tuesday asked; Friday one reminder; Monday "no contact this month" — each once."""
    w = _workplace(session)
    for moment in ("10:30", "16:00"):
        clock.move_to(at(TODAY, moment))
        tick(engine)
    friday, monday = date(2026, 11, 27), date(2026, 11, 30)
    clock.move_to(at(friday, "10:29"))
    assert tick(engine) == (0, 0)
    for moment in ("10:30", "16:00"):
        clock.move_to(at(friday, moment))
        assert tick(engine) == (0, 1)
        assert tick(engine) == (0, 0)
    (reminder,) = sent_to(session, w.phone, "check_in.remind")
    assert reminder.body.startswith("A reminder from Makker") and "Ali Test" in reminder.body
    assert len(sent_to(session, _citizen_phone(w), "check_in.remind")) == 1
    assert {r.stage for r in check_ins(session)} == {CheckInStage.REMINDED}
    assert alerts(session) == []
    for moment in ("10:30", "16:00"):
        clock.move_to(at(monday, moment))
        assert tick(engine) == (0, 1)
        assert tick(engine) == (0, 0)
    missed = alerts(session, AlertKind.CHECKIN_NO_CONTACT)
    assert [a.severity for a in missed] == [AlertSeverity.ATTENTION] * 2
    assert all("No contact this month" in a.summary for a in missed)
    assert {r.stage for r in check_ins(session)} == {CheckInStage.MISSED}
    assert len(sent_to(session, w.consultant.phone, "alert.checkin_no_contact")) == 2
    clock.move_to(at(date(2026, 12, 2), "12:00"))
    tick(engine)
    assert len(alerts(session)) == 2


def test_a_reminder_due_on_a_saturday_waits_for_monday(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Asked on Wednesday: three days on is Saturday, so the reminder comes on Monday."""
    make_workplace(session, ("Ali",), start_date=date(2026, 10, 26))
    clock.move_to(at(date(2026, 11, 25), "10:30"))
    tick(engine)
    (row,) = check_ins(session, respondent=ParticipantKind.CONTACT)
    assert row.stage == CheckInStage.ASKED and row.next_step_at == at(date(2026, 11, 30), "10:30")


def test_a_half_answered_check_in_is_kept_not_missed(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """Rating given, hours never: the reminder asks for the hours; the rating is kept."""
    w = _workplace(session)
    clock.move_to(at(TODAY, "10:30"))
    tick(engine)
    chat.send(w.phone, "1")
    clock.move_to(at(date(2026, 11, 27), "10:30"))
    tick(engine)
    assert "paid hours" in sent_to(session, w.phone, "check_in.remind")[0].body
    clock.move_to(at(date(2026, 11, 30), "10:30"))
    tick(engine)
    (row,) = check_ins(session, respondent=ParticipantKind.CONTACT)
    assert (row.stage, row.rating, row.paid_hours) == ("answered", CheckInRating.GOOD, None)
    assert alerts(session, AlertKind.CHECKIN_NO_CONTACT) == []
    (answered,) = alerts(session, AlertKind.CHECKIN_ANSWERED)
    assert "no answer" in answered.summary


def test_quiet_hours_and_late_ticks_never_send_at_night(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Quiet until 11:00 moves the employer's time; a tick at 22:00 waits for tomorrow."""
    w = _workplace(session, jobcentre={"quiet_end": time(11, 0)})
    tick(engine)
    rows = {r.respondent: r for r in check_ins(session)}
    assert rows[ParticipantKind.CONTACT].next_step_at == at(TODAY, "11:00")
    clock.move_to(at(TODAY, "22:00"))  # the worker was down all day
    assert tick(engine) == (0, 0)
    assert sent_to(session, w.phone) == [] and sent_to(session, _citizen_phone(w)) == []
    rows = {r.respondent: r for r in check_ins(session)}
    wednesday = date(2026, 11, 25)
    assert rows[ParticipantKind.CONTACT].next_step_at == at(wednesday, "11:00")
    assert rows[ParticipantKind.CITIZEN].next_step_at == at(wednesday, "16:00")
    clock.move_to(at(wednesday, "11:00"))
    tick(engine)
    (ask,) = sent_to(session, w.phone, "check_in.ask")
    assert local(ask.next_attempt_at or ask.created_at).time() >= time(11, 0)


def test_someone_in_another_conversation_is_asked_a_little_later(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """The contact opened the HELP menu at 10:25: postponed in 30-minute steps, not cut off."""
    w = _workplace(session)
    tick(engine)
    clock.move_to(at(TODAY, "10:25"))
    chat.send(w.phone, "HELP")
    for moment in ("10:30", "11:00"):
        clock.move_to(at(TODAY, moment))
        assert tick(engine) == (0, 0)
    (row,) = check_ins(session, respondent=ParticipantKind.CONTACT)
    assert row.next_step_at == at(TODAY, "11:30")
    clock.move_to(at(TODAY, "11:30"))
    assert tick(engine) == (0, 1)
    assert session.exec(select(Conversation)).one().flow == "check_in"


def test_a_contact_with_two_citizens_gets_one_check_in_at_a_time(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """The second waits while the first is open and follows right after the answers."""
    w = _workplace(session, ("Ali", "Sara"))
    clock.move_to(at(TODAY, "10:30"))
    assert tick(engine) == (4, 1)
    (first,) = sent_to(session, w.phone, "check_in.ask")
    clock.move_to(at(TODAY, "10:40"))
    chat.send(w.phone, "1")
    chat.send(w.phone, "25")
    clock.move_to(at(TODAY, "10:41"))
    assert tick(engine) == (0, 1)
    second = sent_to(session, w.phone, "check_in.ask")[1]
    named = {name for name in ("Ali", "Sara") for m in (first, second) if name in m.body}
    assert named == {"Ali", "Sara"} and ("Ali" in first.body) != ("Ali" in second.body)
    chat.send(w.phone, "2")
    chat.send(w.phone, "30")
    hours = sorted(r.paid_hours or 0 for r in check_ins(session, respondent="contact"))
    assert hours == [25.0, 30.0]


def test_a_sick_citizen_is_asked_on_the_next_working_day(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """An open absence: no "how is work going?" today; the employer is still asked."""
    w = _workplace(session)
    session.add(
        Absence(jobcentre_id=w.jobcentre.id or 0, citizen_id=w.citizens[0].id or 0, first_day=TODAY)
    )
    session.commit()
    clock.move_to(at(TODAY, "16:00"))
    tick(engine)
    assert sent_to(session, _citizen_phone(w)) == []
    assert len(sent_to(session, w.phone, "check_in.ask")) == 1
    (row,) = check_ins(session, respondent=ParticipantKind.CITIZEN)
    assert (row.stage, row.next_step_at) == ("planned", at(date(2026, 11, 25), "16:00"))


def test_a_citizen_who_wrote_stop_is_a_no_contact_alert_at_once(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Makker cannot ask: the consultant is told to make contact themself."""
    w = _workplace(session)
    w.citizens[0].opted_out_at = w.citizens[0].created_at
    session.add(w.citizens[0])
    session.commit()
    clock.move_to(at(TODAY, "16:00"))
    tick(engine)
    assert sent_to(session, _citizen_phone(w)) == []
    (alert,) = alerts(session, AlertKind.CHECKIN_NO_CONTACT)
    assert "cannot reach Ali Test" in alert.summary
    (row,) = check_ins(session, respondent=ParticipantKind.CITIZEN)
    assert row.stage == CheckInStage.MISSED


def test_a_report_instead_of_an_answer_is_a_report(
    engine: Engine, session: Session, clock: time_machine.Traveller, chat: Chat
) -> None:
    """Asked how Ali does, the employer writes that he did not come: that is a no-show report."""
    w = _workplace(session)
    clock.move_to(at(TODAY, "10:30"))
    tick(engine)
    chat.send(w.phone, "Ali kom ikke i dag")
    assert sent_to(session, w.phone)[-1].kind == "employer_report.confirm"
    assert [a.kind for a in alerts(session)] == [AlertKind.EMPLOYER_REPORT]
    (row,) = check_ins(session, respondent=ParticipantKind.CONTACT)
    assert row.stage == CheckInStage.ASKED and row.rating is None
