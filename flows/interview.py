"""Interview reminders: booked, tips, confirm, a deadline, time to leave, and how it went.

```mermaid
stateDiagram-v2
    [*] --> booked: the consultant books (API): the citizen is told at once (held in quiet hours)
    booked --> tips: two days before, 18:00 — how to prepare
    tips --> confirm: the evening before, 18:00 — 1 = I'll be there · 2 = I can't come
    confirm --> confirm_deadline: 20:00 the evening before (at least an hour to answer)
    confirm_deadline --> leave: no answer: consultant alert (attention)
    leave --> after: two hours before — time to leave, with the address
    after --> done: 3 hours after the start — the citizen: how did it go? the employer: outcome
    booked --> done: cancelled (the citizen is told; pending reminders are withdrawn)
```

Every reminder has a wanted time and a latest useful time. A reminder that falls in the
jobcentre's quiet hours (default 21:00-07:00), or whose time has passed, is moved to the
first moment after quiet hours; if that is later than its latest useful time it is dropped.
So nothing is ever sent in quiet hours and nothing but the after-questions after the start.
A reschedule bumps the interview's version: pending texts of the old time are cancelled and
answers to them are no longer taken. A citizen who opted out gets nothing; their consultant
hears once that the citizen cannot be reminded. A citizen on leave gets no reminders.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from sqlmodel import Session, col, select

from bot.clock import at_local, local
from bot.db.claim import StepFailed, claim_due, isolated
from bot.events import emit, iso_utc
from bot.hours import after_quiet, jobcentre_hours, on_leave
from bot.models import (
    AlertKind,
    AlertSeverity,
    Attendance,
    Citizen,
    Conversation,
    Employer,
    EmployerContact,
    Interview,
    InterviewFeedback,
    InterviewOutcome,
    InterviewStatus,
    Message,
    MessageStatus,
    ParticipantKind,
)
from bot.models.jobcentre import JobcentreHours
from bot.recipients import Person, recipient_for
from flows.alerts import raise_alert
from flows.answers import pick
from flows.engine import Choice, Turn, load_conversation, save_conversation, say
from flows.people import consultant_of
from messages import T, Text, lines
from messages.lexicon import Intent, classify

Locked = TypeVar("Locked", Citizen, EmployerContact)

FLOW = "interview"

# The stages in order; `Interview.stage` names the next one to run.
BOOKED = "booked"
TIPS = "tips"
CONFIRM = "confirm"
CONFIRM_DEADLINE = "confirm_deadline"
LEAVE = "leave"
AFTER = "after"
DONE = "done"
STAGES = (BOOKED, TIPS, CONFIRM, CONFIRM_DEADLINE, LEAVE, AFTER, DONE)
CITIZEN_REMINDERS = frozenset({TIPS, CONFIRM, LEAVE})  # texts to the citizen before the start

EVENING = time(18, 0)  # tips two days before, the confirm question the evening before
DEADLINE = time(20, 0)  # no answer by then: the consultant is told
TIPS_LATEST = time(16, 0)  # tips later than this the day before would crowd the reminder
MIN_ANSWER_TIME = timedelta(hours=1)  # a confirm question gets at least this long
CONFIRM_BEFORE = timedelta(hours=3)  # asking later than this before the start is too late
LEAVE_BEFORE = timedelta(hours=2)
LEAVE_LATEST = timedelta(minutes=15)  # "time to leave" later than this is no help
AFTER_START = timedelta(hours=3)  # the interview is surely over
AFTER_LATEST = timedelta(days=3)
ANSWER_WINDOW = timedelta(days=3)  # the after-questions stay open this long
POSTPONE = timedelta(minutes=30)  # the person is in the middle of another conversation
BUSY_WINDOW = timedelta(hours=1)
LOCKED_RETRY = timedelta(minutes=5)
FAILED_RETRY = timedelta(minutes=15)
MAX_AHEAD = timedelta(days=366)  # the API books at most a year ahead

CONFIRM_CHOICES = (Choice("1", T("I'll be there")), Choice("2", T("I can't come")))
FEEDBACK = {"1": InterviewFeedback.GOOD, "2": InterviewFeedback.OK, "3": InterviewFeedback.BAD}
FEEDBACK_CHOICES = (Choice("1", T("Good")), Choice("2", T("OK")), Choice("3", T("Bad")))
FEEDBACK_WORDS = {
    InterviewFeedback.GOOD: T("good"),
    InterviewFeedback.OK: T("OK"),
    InterviewFeedback.BAD: T("bad"),
}
OUTCOMES = {
    "1": InterviewOutcome.HIRED,
    "2": InterviewOutcome.NOT_HIRED,
    "3": InterviewOutcome.UNDECIDED,
}
OUTCOME_CHOICES = (
    Choice("1", T("Hired")),
    Choice("2", T("Not hired")),
    Choice("3", T("Not decided yet")),
)
OUTCOME_WORDS = {
    InterviewOutcome.HIRED: T("hired"),
    InterviewOutcome.NOT_HIRED: T("not hired"),
    InterviewOutcome.UNDECIDED: T("not decided yet"),
}
# A fresh message with one of these intents ("syg" …) is not an answer: it starts over.
YIELDS_TO = frozenset(Intent) - {Intent.UNKNOWN, Intent.YES, Intent.NO, Intent.CANNOT_ATTEND}
SENT = (MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED)


# -- when each reminder goes ------------------------------------------------------------------


def _day(starts_at: datetime, days_before: int) -> date:
    """The local date `days_before` days before the interview's day."""
    return local(starts_at).date() - timedelta(days=days_before)


def window(stage: str, starts_at: datetime, asked_at: datetime) -> tuple[datetime, datetime]:
    """The wanted time of a stage and the latest time it is still useful.

    `asked_at` is when the confirm question went out: the deadline gives it time to answer.
    """
    if stage == TIPS:
        return at_local(_day(starts_at, 2), EVENING), at_local(_day(starts_at, 1), TIPS_LATEST)
    if stage == CONFIRM:
        return at_local(_day(starts_at, 1), EVENING), starts_at - CONFIRM_BEFORE
    if stage == CONFIRM_DEADLINE:
        wanted = max(at_local(_day(starts_at, 1), DEADLINE), asked_at + MIN_ANSWER_TIME)
        return min(wanted, starts_at - LEAVE_LATEST), starts_at
    if stage == LEAVE:
        return starts_at - LEAVE_BEFORE, starts_at - LEAVE_LATEST
    if stage == AFTER:
        return starts_at + AFTER_START, starts_at + AFTER_LATEST
    raise ValueError(f"stage {stage!r} has no time")


def slot(
    stage: str,
    starts_at: datetime,
    now: datetime,
    hours: JobcentreHours,
    asked_at: datetime | None = None,
) -> datetime | None:
    """When the stage runs: its time, or now if that passed, moved out of quiet hours; or None.

    None means the stage is dropped: moved out of quiet hours it would be later than useful.
    The deadline only alerts the consultant, so quiet hours do not move it.
    """
    wanted, latest = window(stage, starts_at, asked_at or now)
    moment = max(wanted, now)
    if stage != CONFIRM_DEADLINE:
        moment = after_quiet(hours, moment)
    return moment if moment <= latest else None


def next_stage(
    done: str, starts_at: datetime, now: datetime, hours: JobcentreHours
) -> tuple[str, datetime | None]:
    """The first stage after `done` that is still worth running, and when (DONE, None: none).

    The deadline follows only a confirm question that was asked (`done` is CONFIRM).
    """
    for stage in STAGES[STAGES.index(done) + 1 :]:
        if stage == DONE:
            break
        if stage == CONFIRM_DEADLINE and done != CONFIRM:
            continue
        moment = slot(stage, starts_at, now, hours, asked_at=now)
        if moment is not None:
            return stage, moment
    return DONE, None


def plan(
    starts_at: datetime, booked_at: datetime, hours: JobcentreHours
) -> Iterator[tuple[str, datetime]]:
    """Every stage and its time, as the tick would run them (for tests and the README)."""
    done, now = BOOKED, booked_at
    while True:
        stage, moment = next_stage(done, starts_at, now, hours)
        if moment is None:
            return
        yield stage, moment
        done, now = stage, moment


def booking_time(hours: JobcentreHours, now: datetime) -> datetime:
    """When the booking message can go: now, or when quiet hours end."""
    return after_quiet(hours, now)


def _advance(row: Interview, done: str, now: datetime, hours: JobcentreHours) -> None:
    """Point the row at its next stage."""
    row.stage, row.due_at = next_stage(done, row.starts_at, now, hours)


# -- booking, rescheduling, cancelling (called by the API) ------------------------------------


def book(session: Session, row: Interview, now: datetime) -> None:
    """Tell the citizen (held in quiet hours) and plan the reminders of a new interview."""
    assert row.id is not None
    hours = jobcentre_hours(session, row.jobcentre_id)
    citizen = session.get_one(Citizen, row.citizen_id)
    if _reachable(citizen):
        _tell(session, row, citizen, _booked_text(session, row, citizen), stage=BOOKED)
    else:
        _alert_unreachable(session, row, citizen, now)
    _advance(row, BOOKED, now, hours)
    row.updated_at = now
    session.add(row)
    emit(
        session, jobcentre_id=row.jobcentre_id, kind="interview.scheduled", data=_data(row), now=now
    )


def reschedule(session: Session, row: Interview, now: datetime) -> None:
    """A new time or address: withdraw what was planned, tell the citizen, plan again."""
    assert row.id is not None
    told = _told(session, row)
    _withdraw(session, row)
    row.version += 1
    row.attendance = Attendance.UNKNOWN
    hours = jobcentre_hours(session, row.jobcentre_id)
    citizen = session.get_one(Citizen, row.citizen_id)
    if _reachable(citizen):
        text = (
            _rescheduled_text(session, row, citizen)
            if told
            else _booked_text(session, row, citizen)
        )
        _tell(session, row, citizen, text, stage="rescheduled")
    else:
        _alert_unreachable(session, row, citizen, now)
    _advance(row, BOOKED, now, hours)
    row.updated_at = now
    session.add(row)
    emit(
        session,
        jobcentre_id=row.jobcentre_id,
        kind="interview.rescheduled",
        data={**_data(row), "version": row.version},
        now=now,
    )


def cancel(session: Session, row: Interview, now: datetime) -> None:
    """Call it off: pending reminders are withdrawn; a citizen who knew of it is told."""
    assert row.id is not None
    told = _told(session, row)
    _withdraw(session, row)
    row.status = InterviewStatus.CANCELLED
    row.cancelled_at = now
    row.stage, row.due_at = DONE, None
    row.updated_at = now
    session.add(row)
    citizen = session.get_one(Citizen, row.citizen_id)
    if told and _reachable(citizen):
        text = lines(
            T("Hi {name}.", name=citizen.first_name),
            T("Your job interview on {when} is cancelled.", when=row.starts_at),
            _consultant_will_contact(session, citizen),
        )
        _tell(session, row, citizen, text, stage="cancelled")
    emit(
        session, jobcentre_id=row.jobcentre_id, kind="interview.cancelled", data=_data(row), now=now
    )


def _withdraw(session: Session, row: Interview) -> None:
    """Cancel the interview's texts still waiting in the outbox; forget its open questions."""
    query = select(Message).where(Message.ref == _ref(row), Message.status == MessageStatus.PENDING)
    for message in session.exec(query).all():
        message.status = MessageStatus.CANCELLED
        message.next_attempt_at = None
        session.add(message)
    _end_conversations(session, row)


def _told(session: Session, row: Interview) -> bool:
    """Whether the citizen has been sent anything about this interview yet."""
    query = select(Message.id).where(
        Message.ref == _ref(row),
        Message.participant_kind == ParticipantKind.CITIZEN,
        col(Message.status).in_(SENT),
    )
    return session.exec(query).first() is not None


# -- the tick ---------------------------------------------------------------------------------


def advance_interviews(session: Session, now: datetime) -> int:
    """Run every due reminder stage; each row in its own savepoint. Returns texts sent/alerts."""
    due = claim_due(
        session,
        Interview,
        Interview.due_at,
        now,
        col(Interview.status).in_((InterviewStatus.SCHEDULED, InterviewStatus.HELD)),
    )
    done = 0
    for row in due:
        try:
            with isolated(session, f"interview {row.id}"):
                done += _step(session, row, now)
        except StepFailed:
            row.due_at = now + FAILED_RETRY
            row.updated_at = now
            session.add(row)
    return done


def _step(session: Session, row: Interview, now: datetime) -> int:
    """One due stage of one interview; 1 when something was sent or raised, else 0."""
    hours = jobcentre_hours(session, row.jobcentre_id)
    stage = row.stage
    if stage not in STAGES or stage in (BOOKED, DONE):
        _advance(row, BOOKED if stage not in STAGES else stage, now, hours)
        return 0
    # The deadline was fixed when the question went out; the others are checked again now.
    moment = (
        (now if now < row.starts_at else None)
        if stage == CONFIRM_DEADLINE
        else slot(stage, row.starts_at, now, hours)
    )
    if moment is None:  # too late now, or moved out of quiet hours it would be
        if stage == AFTER:
            row.status = InterviewStatus.HELD
        _advance(row, CONFIRM_DEADLINE if stage == CONFIRM else stage, now, hours)
        return 0
    if moment > now:  # quiet hours: later
        row.due_at = moment
        return 0
    citizen = _lock(session, Citizen, row.citizen_id)
    if citizen is None:
        row.due_at = now + LOCKED_RETRY
        return 0
    row.updated_at = now
    if stage == CONFIRM_DEADLINE:
        return _deadline(session, row, citizen, now, hours)
    if stage == AFTER:
        return _after(session, row, citizen, now, hours)
    if row.attendance == Attendance.DECLINED or not _may_remind(session, row, citizen, now):
        _advance(row, CONFIRM_DEADLINE if stage == CONFIRM else stage, now, hours)
        return 0
    if stage == CONFIRM:
        if _busy(session, citizen, row, now):
            row.due_at = now + POSTPONE
            return 0
        _ask_confirm(session, row, citizen, now)
    elif stage == TIPS:
        _tell(session, row, citizen, _tips_text(row, citizen), stage=TIPS)
    else:
        _tell(session, row, citizen, _leave_text(row), stage=LEAVE)
    _advance(row, stage, now, hours)
    return 1


def _may_remind(session: Session, row: Interview, citizen: Citizen, now: datetime) -> bool:
    """Reachable and not on leave; an unreachable citizen's consultant hears it (once)."""
    if not _reachable(citizen):
        if citizen.active:
            _alert_unreachable(session, row, citizen, now)
        return False
    return on_leave(session, ParticipantKind.CITIZEN, citizen.id, local(now).date()) is None


def _ask_confirm(session: Session, row: Interview, citizen: Citizen, now: datetime) -> None:
    """The evening before: will you be there? The answer is taken until the start."""
    text = lines(
        T("Hi {name}.", name=citizen.first_name),
        T("Remember your job interview {when}.", when=_relative(row.starts_at, now)),
        T("Address: {address}.", address=row.address),
        T("Can you come?"),
    )
    _tell(session, row, citizen, text, stage=CONFIRM, choices=CONFIRM_CHOICES)
    ttl = max(row.starts_at - now, MIN_ANSWER_TIME)
    save_conversation(session, citizen, FLOW, "confirm", now, ttl, _context(row))


def _deadline(
    session: Session, row: Interview, citizen: Citizen, now: datetime, hours: JobcentreHours
) -> int:
    """No answer to the confirm question in time: the consultant hears it."""
    raised = 0
    if row.attendance == Attendance.UNKNOWN:
        row.attendance = Attendance.NO_ANSWER
        raise_alert(
            session,
            citizen=citizen,
            kind=AlertKind.INTERVIEW_UNCONFIRMED,
            severity=AlertSeverity.ATTENTION,
            summary=T(
                "Interview: {name} has not confirmed the job interview on {when} at {place}.",
                name=citizen.full_name,
                when=row.starts_at,
                place=_place(session, row),
            ),
            key=f"{_ref(row)}:v{row.version}:unconfirmed",
            details=_details(row),
            now=now,
        )
        raised = 1
    _advance(row, CONFIRM_DEADLINE, now, hours)
    return raised


def _after(
    session: Session, row: Interview, citizen: Citizen, now: datetime, hours: JobcentreHours
) -> int:
    """The interview is over: ask the citizen how it went and the employer what they decided."""
    contact = _lock(session, EmployerContact, row.contact_id) if row.contact_id else None
    if row.contact_id is not None and contact is None:
        row.due_at = now + LOCKED_RETRY
        return 0
    declined = row.attendance == Attendance.DECLINED
    ask_citizen = not declined and _may_remind(session, row, citizen, now)
    ask_contact = not declined and contact is not None and _reachable(contact)
    if (ask_citizen and _busy(session, citizen, row, now)) or (
        ask_contact and contact is not None and _busy(session, contact, row, now)
    ):
        row.due_at = now + POSTPONE
        return 0
    row.status = InterviewStatus.HELD
    asked = 0
    if ask_citizen:
        employer = _employer_name(session, row)
        text = (
            T(
                "Hi {name}. How did your job interview at {employer} go?",
                name=citizen.first_name,
                employer=employer,
            )
            if employer
            else T("Hi {name}. How did your job interview go?", name=citizen.first_name)
        )
        _tell(session, row, citizen, text, stage="feedback", choices=FEEDBACK_CHOICES)
        save_conversation(session, citizen, FLOW, "feedback", now, ANSWER_WINDOW, _context(row))
        asked = 1
    if ask_contact and contact is not None:
        text = lines(
            T(
                "Hello {contact}. {name} had a job interview with you on {when}.",
                contact=contact.name,
                name=citizen.full_name,
                when=row.starts_at,
            ),
            T("What did you decide?"),
        )
        _tell(session, row, contact, text, stage="outcome", choices=OUTCOME_CHOICES)
        save_conversation(session, contact, FLOW, "outcome", now, ANSWER_WINDOW, _context(row))
        asked = 1
    _advance(row, AFTER, now, hours)
    return asked


# -- answers ----------------------------------------------------------------------------------


def handle(turn: Turn, step: str) -> bool:
    """An answer to an open interview question; False when it is not one."""
    row = _open_row(turn, step)
    if row is None:
        turn.finish()
        return False
    citizen = turn.session.get_one(Citizen, row.citizen_id)
    if step == "confirm":
        value = pick(turn.text, {"1": 1, "2": 2}, {"1": Intent.YES, "2": Intent.NO})
        if value is None and classify(turn.text) == Intent.CANNOT_ATTEND:
            value = "2"
        if value is None:
            return False
        turn.finish()
        if value == "1":
            _confirmed(turn, row)
        else:
            _declined(turn, row, citizen)
        return True
    if step == "feedback":
        value = pick(turn.text, FEEDBACK)
        if value is None:
            return False
        turn.finish()
        _feedback(turn, row, citizen, FEEDBACK[value])
        return True
    value = pick(turn.text, OUTCOMES, {"1": Intent.YES, "2": Intent.NO})
    if value is None:
        return False
    turn.finish()
    _outcome(turn, row, citizen, OUTCOMES[value])
    return True


def reprompt(turn: Turn, step: str) -> None:
    """Ask again, politely, with the same options."""
    if step == "confirm":
        turn.reply(T("Please answer 1 or 2."), kind="interview.reprompt", choices=CONFIRM_CHOICES)
    elif step == "feedback":
        turn.reply(
            T("Please answer 1, 2 or 3."), kind="interview.reprompt", choices=FEEDBACK_CHOICES
        )
    else:
        turn.reply(
            T("Please answer 1, 2 or 3."), kind="interview.reprompt", choices=OUTCOME_CHOICES
        )


def _confirmed(turn: Turn, row: Interview) -> None:
    """The citizen will be there: recorded, and good luck."""
    row.attendance = Attendance.CONFIRMED
    _touch(turn.session, row, turn.now)
    turn.reply(T("Thank you. Good luck at the interview!"), kind="interview.confirmed")
    emit(
        turn.session,
        jobcentre_id=row.jobcentre_id,
        kind="interview.confirmed",
        data={**_data(row), "confirmed_at": iso_utc(turn.now)},
        now=turn.now,
    )


def _declined(turn: Turn, row: Interview, citizen: Citizen) -> None:
    """The citizen cannot come: the consultant hears it now; no more reminders for this time."""
    session, now = turn.session, turn.now
    row.attendance = Attendance.DECLINED
    _touch(session, row, now)
    raise_alert(
        session,
        citizen=citizen,
        kind=AlertKind.INTERVIEW_DECLINED,
        severity=AlertSeverity.ATTENTION,
        summary=T(
            "Interview: {name} cannot come to the job interview on {when} at {place}.",
            name=citizen.full_name,
            when=row.starts_at,
            place=_place(session, row),
        ),
        key=f"{_ref(row)}:v{row.version}:declined",
        details=_details(row),
        now=now,
    )
    turn.reply(
        lines(T("Thank you for telling us."), _consultant_will_contact(session, citizen)),
        kind="interview.declined",
    )
    emit(
        session,
        jobcentre_id=row.jobcentre_id,
        kind="interview.declined",
        data={**_data(row), "declined_at": iso_utc(now)},
        now=now,
    )


def _feedback(turn: Turn, row: Interview, citizen: Citizen, feedback: InterviewFeedback) -> None:
    """How the citizen felt it went: stored, and passed on (attention when it went badly)."""
    session, now = turn.session, turn.now
    row.feedback = feedback
    _touch(session, row, now)
    bad = feedback == InterviewFeedback.BAD
    raise_alert(
        session,
        citizen=citizen,
        kind=AlertKind.INTERVIEW_OUTCOME,
        severity=AlertSeverity.ATTENTION if bad else AlertSeverity.INFO,
        summary=T(
            "Interview on {when} at {place}: {name} says it went {rating}.",
            when=row.starts_at,
            place=_place(session, row),
            name=citizen.full_name,
            rating=FEEDBACK_WORDS[feedback],
        ),
        key=f"{_ref(row)}:v{row.version}:feedback",
        details={**_details(row), "feedback": str(feedback)},
        now=now,
    )
    turn.reply(
        T("Thank you for telling us. We will tell your job consultant.")
        if bad
        else T("Thank you for your answer. Good luck!"),
        kind="interview.thanks",
    )


def _outcome(turn: Turn, row: Interview, citizen: Citizen, outcome: InterviewOutcome) -> None:
    """What the employer decided: stored, passed on, and an event for the case system."""
    session, now = turn.session, turn.now
    row.outcome = outcome
    row.outcome_at = now
    _touch(session, row, now)
    contact = turn.person
    assert isinstance(contact, EmployerContact)  # checked by _open_row
    raise_alert(
        session,
        citizen=citizen,
        kind=AlertKind.INTERVIEW_OUTCOME,
        severity=AlertSeverity.INFO,
        summary=T(
            "Interview on {when}: {contact} at {place} says {name} is {outcome}.",
            when=row.starts_at,
            contact=contact.name,
            place=_place(session, row),
            name=citizen.full_name,
            outcome=OUTCOME_WORDS[outcome],
        ),
        key=f"{_ref(row)}:v{row.version}:outcome",
        details={**_details(row), "outcome": str(outcome)},
        now=now,
    )
    consultant = consultant_of(session, citizen)
    turn.reply(
        T("Thank you. We have passed your answer on to {name}.", name=consultant.name)
        if consultant is not None
        else T("Thank you for your answer."),
        kind="interview.thanks",
    )
    emit(
        session,
        jobcentre_id=row.jobcentre_id,
        kind="interview.outcome",
        data={**_data(row), "outcome": str(outcome), "outcome_at": iso_utc(now)},
        now=now,
    )


def _open_row(turn: Turn, step: str) -> Interview | None:
    """The interview this conversation is about, if it is still the same time and the sender's."""
    data = turn.data
    row_id = int(data.get("interview_id") or 0)
    row = turn.session.get(Interview, row_id, with_for_update=True) if row_id else None
    if row is None or row.version != data.get("version"):
        return None
    if row.status == InterviewStatus.CANCELLED:
        return None
    if step == "outcome":
        person_ok = isinstance(turn.person, EmployerContact) and turn.person.id == row.contact_id
    else:
        person_ok = isinstance(turn.person, Citizen) and turn.person.id == row.citizen_id
    return row if person_ok else None


# -- alerts -----------------------------------------------------------------------------------


def _alert_unreachable(session: Session, row: Interview, citizen: Citizen, now: datetime) -> None:
    """The citizen cannot get texts (opted out, no phone): the consultant must tell them (once)."""
    raise_alert(
        session,
        citizen=citizen,
        kind=AlertKind.INTERVIEW_UNREACHABLE,
        severity=AlertSeverity.ATTENTION,
        summary=T(
            "Interview: Makker cannot remind {name} of the job interview on {when} at {place} "
            "(the citizen gets no messages). Please tell them yourself.",
            name=citizen.full_name,
            when=row.starts_at,
            place=_place(session, row),
        ),
        key=f"{_ref(row)}:unreachable",
        details=_details(row),
        now=now,
    )


# -- texts ------------------------------------------------------------------------------------


def _booked_text(session: Session, row: Interview, citizen: Citizen) -> Text:
    """The booking message: when, where, whom to ask for."""
    employer = _employer_name(session, row)
    return lines(
        T(
            "Hi {name}. You have a job interview at {employer}.",
            name=citizen.first_name,
            employer=employer,
        )
        if employer
        else T("Hi {name}. You have a job interview.", name=citizen.first_name),
        T("When: {when}.", when=row.starts_at),
        T("Where: {address}.", address=row.address),
        T("Ask for {contact}.", contact=row.contact_name) if row.contact_name else None,
        T("Makker will remind you before the interview."),
    )


def _rescheduled_text(session: Session, row: Interview, citizen: Citizen) -> Text:
    """The interview moved: the new time and place."""
    employer = _employer_name(session, row)
    return lines(
        T(
            "Hi {name}. Your job interview at {employer} has a new time.",
            name=citizen.first_name,
            employer=employer,
        )
        if employer
        else T("Hi {name}. Your job interview has a new time.", name=citizen.first_name),
        T("New time: {when}.", when=row.starts_at),
        T("Where: {address}.", address=row.address),
        T("Ask for {contact}.", contact=row.contact_name) if row.contact_name else None,
    )


def _tips_text(row: Interview, citizen: Citizen) -> Text:
    """Two days before: short tips (after the Jobexpres leaflet), one idea per line."""
    return lines(
        T(
            "Hi {name}. Your job interview is on {when}. Some tips:",
            name=citizen.first_name,
            when=row.starts_at,
        ),
        T("Wear clean and tidy clothes."),
        T("Bring your CV and your ID card."),
        T("Come 10 minutes early."),
        T("Say hello and say your name."),
        T("Look at the person when you talk."),
        T("Ask one question about the job."),
        T("It is OK to be nervous. Good luck!"),
    )


def _leave_text(row: Interview) -> Text:
    """Two hours before: time to go, with the time and the address."""
    return lines(
        T("It is time to leave for your job interview."),
        T("It starts at {time}.", time=local(row.starts_at).time()),
        T("Address: {address}.", address=row.address),
        T("Ask for {contact}.", contact=row.contact_name) if row.contact_name else None,
        T("Good luck!"),
    )


def _relative(starts_at: datetime, now: datetime) -> Text:
    """When, as the citizen reads it: today at 10:00, tomorrow at 10:00, or day and time."""
    day, today = local(starts_at).date(), local(now).date()
    clock = local(starts_at).time()
    if day == today:
        return T("today at {time}", time=clock)
    if day == today + timedelta(days=1):
        return T("tomorrow at {time}", time=clock)
    return T("on {day} at {time}", day=day, time=clock)


def _employer_name(session: Session, row: Interview) -> str | None:
    """The employer's name, if the interview names one."""
    employer = session.get(Employer, row.employer_id) if row.employer_id else None
    return employer.name if employer else None


def _place(session: Session, row: Interview) -> str:
    """The employer's name, else the address (for the consultant's summaries)."""
    return _employer_name(session, row) or row.address


def _consultant_will_contact(session: Session, citizen: Citizen) -> Text:
    """Who will be in touch."""
    consultant = consultant_of(session, citizen)
    if consultant is None:
        return T("Your job consultant will contact you.")
    return T("{name} will contact you.", name=consultant.name)


# -- helpers ----------------------------------------------------------------------------------


def _ref(row: Interview) -> str:
    """What every message about the interview carries, so a reschedule finds them."""
    return f"interview:{row.id}"


def _context(row: Interview) -> dict[str, int]:
    """What an open question remembers: the interview and the version it was asked for."""
    return {"interview_id": row.id or 0, "version": row.version}


def _data(row: Interview) -> dict[str, object]:
    """An event's payload: ids and times only."""
    return {
        "interview_id": row.id,
        "citizen_id": row.citizen_id,
        "employer_id": row.employer_id,
        "starts_at": iso_utc(row.starts_at),
    }


def _details(row: Interview) -> dict[str, object]:
    """An alert's details."""
    return {"interview_id": row.id, "version": row.version, "starts_at": iso_utc(row.starts_at)}


def _tell(
    session: Session,
    row: Interview,
    person: Person,
    text: Text,
    *,
    stage: str,
    choices: tuple[Choice, ...] = (),
) -> None:
    """Queue a text about the interview (held in quiet hours), once per version and stage."""
    recipient = recipient_for(person)
    if recipient is None:
        return
    say(
        session,
        recipient,
        text,
        kind=f"interview.{stage}",
        choices=choices,
        key=f"{_ref(row)}:v{row.version}:{stage}",
        ref=_ref(row),
        quiet=True,
    )


def _touch(session: Session, row: Interview, now: datetime) -> None:
    """Record that the row changed."""
    row.updated_at = now
    session.add(row)


def _lock(session: Session, table: type[Locked], person_id: int | None) -> Locked | None:
    """The person, locked like the router locks a sender; None while another holds them.

    The router locks the person first and the interview after; a tick that holds interviews
    must therefore never wait for a person, or the two could deadlock.
    """
    query = select(table).where(table.id == person_id).with_for_update(skip_locked=True)
    return session.exec(query).first()


def _reachable(person: Person) -> bool:
    """Whether a text can reach the person at all."""
    return person.active and person.opted_out_at is None and recipient_for(person) is not None


def _busy(session: Session, person: Person, row: Interview, now: datetime) -> bool:
    """Whether the person is in the middle of another conversation (one that moved lately)."""
    conversation = load_conversation(session, person, now)
    if conversation is None:
        return False
    if conversation.flow == FLOW and conversation.context.get("interview_id") == row.id:
        return False
    return now - conversation.updated_at < BUSY_WINDOW


def _end_conversations(session: Session, row: Interview) -> None:
    """Forget open questions about this interview (citizen's and contact's)."""
    query = select(Conversation).where(Conversation.flow == FLOW)
    for conversation in session.exec(query).all():
        if conversation.context.get("interview_id") == row.id:
            session.delete(conversation)
    session.flush()
