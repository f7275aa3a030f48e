"""Follow-up check-ins: every interval of a placement's first year, citizen and employer.

```mermaid
stateDiagram-v2
    [*] --> planned: plan_check_ins (start + n x interval, moved to a working day)
    planned --> asked: at the respondent's time (busy in another talk: 30 min later)
    asked --> answered: all questions answered
    asked --> reminded: no answer in 3 days (one reminder)
    reminded --> answered: answered
    reminded --> missed: 3 more days: consultant alert "no contact this month"
    planned --> missed: cannot be reached (STOP, no phone): consultant alert
    planned --> cancelled: placement ended, deactivated or check-ins turned off
    asked --> cancelled
    reminded --> cancelled
```

Citizen: "how is work going? 1 good · 2 OK · 3 bad", then "do you want your consultant to
call? 1 yes · 2 no". Employer contact: "how is <name> doing? 1-3", then "how many paid
hours did <name> work last week?". A bad answer or a call request alerts the consultant at
once (attention); ordinary answers become an info alert for the daily digest.

When: the employer contact at 10:30; the citizen 30 minutes after that day's shift ends
(16:30 without a shift that day; 11:00 before a shift that ends after 19:00). Never in quiet
hours, never after 19:30, reminders and the final alert on working days. Someone in the
middle of another conversation (one that moved in the last hour) is asked 30 minutes later;
an employer contact with several citizens gets one check-in conversation at a time, and the
next one starts as soon as the first is answered. A citizen who is sick or on leave is
asked on the next working day instead.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from babel.numbers import format_decimal
from sqlmodel import Session, col, func, or_, select

from bot.clock import at_local, local
from bot.db.claim import StepFailed, claim_due, isolated
from bot.events import emit, iso_utc
from bot.hours import after_quiet, closure_days, is_quiet, jobcentre_hours, on_leave
from bot.models import (
    AlertKind,
    AlertSeverity,
    CheckIn,
    CheckInRating,
    CheckInStage,
    Citizen,
    Conversation,
    Employer,
    EmployerContact,
    ParticipantKind,
    Placement,
)
from bot.models.jobcentre import JobcentreHours
from bot.recipients import Person, participant_kind, recipient_for
from bot.workdays import is_working_day, next_working_day
from flows import employer_report, global_commands, sick_day
from flows.alerts import available_consultant, raise_alert
from flows.answers import pick
from flows.engine import Choice, Turn, load_conversation, save_conversation, say
from flows.people import consultant_of
from messages import T, Text, lines
from messages.languages import DEFAULT_LANGUAGE, language
from messages.lexicon import Intent, classify
from messages.report_words import paid_hours, report_category, word_count

log = logging.getLogger(__name__)

FLOW = "check_in"
WAIT = timedelta(days=3)  # for an answer, then for an answer to the reminder
POSTPONE = timedelta(minutes=30)  # the person is in the middle of another conversation
LOCKED_RETRY = timedelta(minutes=5)  # the person's row is busy in another transaction
FAILED_RETRY = timedelta(minutes=15)
BUSY_WINDOW = timedelta(hours=1)  # a conversation that moved this recently is "in progress"
MIN_TTL = timedelta(hours=1)
CONTACT_TIME = time(10, 30)  # late morning: the workday has settled
CITIZEN_NO_SHIFT_TIME = time(16, 30)
AFTER_SHIFT = timedelta(minutes=30)
BEFORE_LATE_SHIFT = time(11, 0)  # a shift ending after LATEST_SEND: ask before it instead
LATEST_SEND = time(19, 30)
MIN_INTERVAL_DAYS = 7
MAX_INTERVAL_DAYS = 92
# The last period of the year is current until the next would fall due: up to 366 + 92 days.
LAST_PLANNING_DAY = timedelta(days=366 + MAX_INTERVAL_DAYS)

OPEN = (CheckInStage.PLANNED, CheckInStage.ASKED, CheckInStage.REMINDED)
RATINGS = {"1": CheckInRating.GOOD, "2": CheckInRating.OK, "3": CheckInRating.BAD}
RATING_CHOICES = (Choice("1", T("Good")), Choice("2", T("OK")), Choice("3", T("Bad")))
RATING_WORDS = {
    CheckInRating.GOOD: T("good"),
    CheckInRating.OK: T("OK"),
    CheckInRating.BAD: T("bad"),
}
YES_NO = (Choice("1", T("Yes")), Choice("2", T("No")))
# A fresh message with one of these intents ("syg", "rask" …) is not an answer: it starts over.
YIELDS_TO = frozenset(Intent) - {Intent.UNKNOWN, Intent.YES, Intent.NO}
# What an employer may write instead of answering: a report of its own, not a rating.
REPORT_INSTEAD = frozenset(employer_report.SEVERITY) - {
    employer_report.C.GOOD_NEWS,
    employer_report.C.STARTED,
}


# -- the schedule ----------------------------------------------------------------------------


def anniversary(start: date) -> date:
    """The first day of the placement's second year (29 February: 1 March)."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:
        return date(start.year + 1, 3, 1)


def in_first_year(placement: Placement, number: int) -> bool:
    """Whether check-in `number` falls due before the first year is over."""
    raw = placement.start_date + timedelta(days=number * placement.checkin_interval_days)
    return raw < anniversary(placement.start_date)


def due_day(placement: Placement, number: int, closures: frozenset[date]) -> date:
    """Start + number x interval; a weekend, holiday or closure moves to the next working day."""
    raw = placement.start_date + timedelta(days=number * placement.checkin_interval_days)
    return raw if is_working_day(raw, closures) else next_working_day(raw, closures)


def current_number(placement: Placement, today: date, closures: frozenset[date]) -> int | None:
    """The latest check-in due by today, if in the first year (missed ones are not made up)."""
    number = (today - placement.start_date).days // placement.checkin_interval_days
    if number < 1 or not in_first_year(placement, number):
        return None
    if due_day(placement, number, closures) <= today:
        return number
    number -= 1  # its day was moved past today: the previous one is still the current one
    if number >= 1 and due_day(placement, number, closures) <= today:
        return number
    return None


def send_time(row: CheckIn, placement: Placement, day: date, hours: JobcentreHours) -> datetime:
    """When the respondent is asked on `day` (see the module docstring), outside quiet hours."""
    wall = CONTACT_TIME
    if row.respondent == ParticipantKind.CITIZEN:
        shift = placement.weekly_schedule.shift_on(day) if placement.schedule else None
        wall = CITIZEN_NO_SHIFT_TIME
        if shift is not None:
            after = datetime.combine(day, shift.end) + AFTER_SHIFT
            wall = after.time() if after.time() <= LATEST_SEND else BEFORE_LATE_SHIFT
    return after_quiet(hours, at_local(day, wall))


def _running(placement: Placement | None, today: date) -> bool:
    """Whether the placement still wants check-ins today."""
    return (
        placement is not None
        and placement.checkin_enabled
        and placement.is_current(today)
        and today < placement.start_date + LAST_PLANNING_DAY
    )


# -- the planner -----------------------------------------------------------------------------


def plan_check_ins(session: Session, now: datetime) -> int:
    """Create this period's rows (citizen and contact) for every placement due; cancel ended ones.

    Returns the number of rows created. Placements are locked with SKIP LOCKED, so two
    workers never plan the same one; the unique key would refuse a duplicate anyway.
    """
    today = local(now).date()
    _cancel_ended(session, now)
    latest = (
        select(CheckIn.placement_id, func.max(CheckIn.number).label("number"))
        .group_by(col(CheckIn.placement_id))
        .subquery()
    )
    query = (
        select(Placement, latest.c.number)
        .outerjoin(latest, latest.c.placement_id == Placement.id)
        .where(
            col(Placement.active),
            col(Placement.checkin_enabled),
            col(Placement.start_date) <= today - timedelta(days=MIN_INTERVAL_DAYS),
            col(Placement.start_date) > today - LAST_PLANNING_DAY,
            or_(col(Placement.end_date).is_(None), col(Placement.end_date) >= today),
        )
        .order_by(col(Placement.id))
        .with_for_update(of=Placement, skip_locked=True)
    )
    closures: dict[int, frozenset[date]] = {}
    created = 0
    for placement, done in session.exec(query).all():
        tenant = placement.jobcentre_id
        if tenant not in closures:
            closures[tenant] = closure_days(session, tenant)
        number = current_number(placement, today, closures[tenant])
        if number is None or (done is not None and done >= number):
            continue
        try:
            with isolated(session, f"placement {placement.id} check-in {number}"):
                created += _create_period(session, placement, number, closures[tenant], now)
        except StepFailed:
            continue
    return created


def _create_period(
    session: Session,
    placement: Placement,
    number: int,
    closures: frozenset[date],
    now: datetime,
) -> int:
    """The two rows of one period, each due at its respondent's time on the due day."""
    day = due_day(placement, number, closures)
    hours = jobcentre_hours(session, placement.jobcentre_id)
    respondents = (
        (ParticipantKind.CITIZEN, placement.citizen_id),
        (ParticipantKind.CONTACT, placement.contact_id),
    )
    for respondent, respondent_id in respondents:
        row = CheckIn(
            jobcentre_id=placement.jobcentre_id,
            placement_id=placement.id or 0,
            citizen_id=placement.citizen_id,
            number=number,
            period_start=day,
            respondent=respondent,
            respondent_id=respondent_id,
            stage=CheckInStage.PLANNED,
            created_at=now,
            updated_at=now,
        )
        row.next_step_at = send_time(row, placement, day, hours)
        session.add(row)
    session.flush()
    return len(respondents)


def _cancel_ended(session: Session, now: datetime) -> int:
    """Open check-ins of placements that ended, were deactivated or had check-ins turned off."""
    today = local(now).date()
    query = (
        select(CheckIn)
        .join(Placement, col(Placement.id) == CheckIn.placement_id)
        .where(
            col(CheckIn.stage).in_(OPEN),
            or_(
                col(Placement.active).is_(False),
                col(Placement.checkin_enabled).is_(False),
                col(Placement.end_date) < today,
            ),
        )
        .with_for_update(of=CheckIn, skip_locked=True)
    )
    cancelled = 0
    for row in session.exec(query).all():
        if _lock_respondent(session, row) is None:
            continue  # they are writing right now: cancelled on the next tick
        cancel(session, row, now)
        cancelled += 1
    return cancelled


def cancel(session: Session, row: CheckIn, now: datetime) -> None:
    """Stop a check-in: nothing more is sent, and its open question is forgotten."""
    row.stage = CheckInStage.CANCELLED
    row.next_step_at = None
    row.updated_at = now
    session.add(row)
    _end_conversation_of(session, row)


# -- the steps -------------------------------------------------------------------------------


def advance_check_ins(session: Session, now: datetime) -> int:
    """Ask, remind and give up on due check-ins; each row in its own savepoint."""
    due = claim_due(session, CheckIn, CheckIn.next_step_at, now, col(CheckIn.stage).in_(OPEN))
    done = 0
    for row in due:
        try:
            with isolated(session, f"check_in {row.id}"):
                done += _step(session, row, now)
        except StepFailed:
            row.next_step_at = now + FAILED_RETRY
            row.updated_at = now
            session.add(row)
    return done


def _step(session: Session, row: CheckIn, now: datetime) -> int:
    """One due step of one row; 1 when something was sent or raised, else 0."""
    today = local(now).date()
    placement = session.get(Placement, row.placement_id)
    if placement is None or not _running(placement, today):
        if _lock_respondent(session, row) is not None:
            cancel(session, row, now)
        else:
            row.next_step_at = now + LOCKED_RETRY
        return 0
    if row.stage == CheckInStage.PLANNED and row.respondent == ParticipantKind.CONTACT:
        row.respondent_id = placement.contact_id  # the placement may have a new contact
    person = _lock_respondent(session, row)
    citizen = session.get(Citizen, row.citizen_id)
    if person is None or citizen is None:
        row.next_step_at = now + LOCKED_RETRY
        return 0
    hours = jobcentre_hours(session, row.jobcentre_id)
    if row.stage == CheckInStage.REMINDED:
        _close(session, row, person, citizen, placement, now)
        return 1
    row.updated_at = now
    if not _reachable(person):
        _alert_no_contact(session, row, person, citizen, placement, now, reachable=False)
        return 1
    if not _sendable(hours, now):
        row.next_step_at = _next_send_time(session, row, placement, hours, now)
        return 0
    if row.respondent == ParticipantKind.CITIZEN and _away(session, citizen, today):
        row.next_step_at = _next_send_time(session, row, placement, hours, now, skip_today=True)
        return 0
    if _busy(session, person, row, now):
        later = now + POSTPONE
        fits = local(later).date() == today and local(later).time() <= LATEST_SEND
        row.next_step_at = (
            later
            if fits and not is_quiet(hours, later)
            else _next_send_time(session, row, placement, hours, now, skip_today=True)
        )
        return 0
    reminder = row.stage == CheckInStage.ASKED
    row.stage = CheckInStage.REMINDED if reminder else CheckInStage.ASKED
    row.next_step_at = _after_wait(session, row, placement, hours, now)
    _ask(session, row, person, citizen, placement, now, reminder=reminder)
    return 1


def _ask(
    session: Session,
    row: CheckIn,
    person: Person,
    citizen: Citizen,
    placement: Placement,
    now: datetime,
    *,
    reminder: bool,
) -> None:
    """Send the next unanswered question and open the conversation until the next step."""
    recipient = recipient_for(person)
    assert recipient is not None  # checked by _reachable
    step = _next_question(row)
    question, choices = _question(session, row, step, person, citizen, placement)
    word = "remind" if reminder else "ask"
    say(
        session,
        recipient,
        lines(T("A reminder from Makker:"), question) if reminder else question,
        kind=f"check_in.{word}",
        choices=choices,
        key=f"check_in:{row.id}:{word}",
        ref=f"check_in:{row.id}",
        quiet=True,
    )
    ttl = max((row.next_step_at or now) - now, MIN_TTL)
    save_conversation(session, person, FLOW, step, now, ttl, {"check_in_id": row.id})


def _next_question(row: CheckIn) -> str:
    """The first question the respondent has not answered."""
    if row.rating is None:
        return "rating"
    return "call" if row.respondent == ParticipantKind.CITIZEN else "hours"


def _question(
    session: Session,
    row: CheckIn,
    step: str,
    person: Person,
    citizen: Citizen,
    placement: Placement,
) -> tuple[Text, tuple[Choice, ...]]:
    """The words and options of one question; employers always read which citizen it is about."""
    employer = session.get(Employer, placement.employer_id)
    employer_name = employer.name if employer else ""
    if step == "rating" and row.respondent == ParticipantKind.CITIZEN:
        text = T(
            "Hi {name}. Makker is checking in: how is your work at {employer} going?",
            name=citizen.first_name,
            employer=employer_name,
        )
        return text, RATING_CHOICES
    if step == "rating":
        text = T(
            "Hello {contact}. Makker is checking in: how is {name} doing at work?",
            contact=person.name if isinstance(person, EmployerContact) else "",
            name=citizen.full_name,
        )
        return text, RATING_CHOICES
    if step == "call":
        consultant = consultant_of(session, citizen)
        text = (
            T("Do you want your job consultant {name} to call you?", name=consultant.name)
            if consultant is not None
            else T("Do you want your job consultant to call you?")
        )
        return text, YES_NO
    text = T(
        "How many paid hours did {name} work last week? Answer with a number, for example 30.",
        name=citizen.full_name,
    )
    return text, ()


def _close(
    session: Session,
    row: CheckIn,
    person: Person,
    citizen: Citizen,
    placement: Placement,
    now: datetime,
) -> None:
    """Three days after the reminder: keep a half answer, or alert "no contact this month"."""
    _end_conversation_of(session, row)
    if row.rating is not None:  # the last answer came when the row last changed
        _finish_answers(
            session, row, citizen, placement, now, answered_at=row.updated_at, complete=False
        )
        return
    _alert_no_contact(session, row, person, citizen, placement, now, reachable=True)


# -- answers ---------------------------------------------------------------------------------


def handle(turn: Turn, step: str) -> bool:
    """An answer to the open check-in question; False when it is not one."""
    row = _open_row(turn)
    if row is None:
        turn.finish()
        return False
    session, now = turn.session, turn.now
    citizen = session.get_one(Citizen, row.citizen_id)
    placement = session.get_one(Placement, row.placement_id)
    if step == "rating":
        value = pick(turn.text, RATINGS)
        if value is None:
            return _report_instead(turn)
        row.rating = RATINGS[value]
        _touch(session, row, now)
        if row.rating == CheckInRating.BAD:
            _alert_concern(session, row, turn.person, citizen, placement, now)
        following = _next_question(row)
        question, choices = _question(session, row, following, turn.person, citizen, placement)
        ttl = max((row.next_step_at or now) - now, MIN_TTL)
        turn.goto(FLOW, following, ttl, misses=0)
        turn.reply(question, kind=f"check_in.ask_{following}", choices=choices)
        return True
    if step == "call":
        value = pick(turn.text, {"1": 1, "2": 2}, {"1": Intent.YES, "2": Intent.NO})
        if value is None:
            return False
        row.wants_call = value == "1"
        _touch(session, row, now)
        if row.wants_call:
            _alert_call(session, row, citizen, placement, now)
        _complete(turn, row, citizen, placement)
        return True
    if step == "hours":
        answer = paid_hours(turn.text)
        if answer is None:
            return _report_instead(turn)
        row.paid_hours = answer.hours
        _touch(session, row, now)
        _complete(turn, row, citizen, placement)
        return True
    return False


def reprompt(turn: Turn, step: str) -> None:
    """Ask again, politely; a check-in that closed meanwhile shows the menu instead."""
    if _open_row(turn) is None:
        turn.finish()
        global_commands.help_menu(turn)
        return
    if step == "rating":
        turn.reply(T("Please answer 1, 2 or 3."), kind="check_in.reprompt", choices=RATING_CHOICES)
    elif step == "call":
        turn.reply(T("Please answer 1 or 2."), kind="check_in.reprompt", choices=YES_NO)
    else:
        turn.reply(
            T(
                "Sorry, I did not understand. Please write the number of paid hours, "
                "for example 30 or 30,5. Write 0 if there were none."
            ),
            kind="check_in.reprompt",
        )


def _report_instead(turn: Turn) -> bool:
    """An employer who writes about a problem instead of answering: that is a report."""
    if not isinstance(turn.person, EmployerContact):
        return False
    if report_category(turn.text) not in REPORT_INSTEAD or word_count(turn.text) < 2:
        return False
    turn.finish()
    return employer_report.start_from_text(turn, classify(turn.text))


def _complete(turn: Turn, row: CheckIn, citizen: Citizen, placement: Placement) -> None:
    """All questions answered: store, tell the consultant, thank, and start the next one."""
    session, now = turn.session, turn.now
    _finish_answers(session, row, citizen, placement, now, answered_at=now, complete=True)
    turn.finish()
    consultant = consultant_of(session, citizen)
    if row.respondent == ParticipantKind.CITIZEN and row.wants_call:
        thanks = (
            T("Thank you. {name} will call you soon.", name=consultant.name)
            if consultant is not None
            else T("Thank you. Your job consultant will call you soon.")
        )
    elif row.respondent == ParticipantKind.CITIZEN:
        thanks = T("Thank you for your answers. Have a good day!")
    else:
        thanks = (
            T("Thank you. We have passed your answers on to {name}.", name=consultant.name)
            if consultant is not None
            else T("Thank you for your answers.")
        )
    turn.reply(thanks, kind="check_in.thanks")
    if row.respondent == ParticipantKind.CONTACT:
        _start_next_for_contact(session, row.respondent_id, now)


def _finish_answers(
    session: Session,
    row: CheckIn,
    citizen: Citizen,
    placement: Placement,
    now: datetime,
    *,
    answered_at: datetime,
    complete: bool,
) -> None:
    """Mark the row answered (`complete`: every question); ordinary answers go to the digest."""
    row.stage = CheckInStage.ANSWERED
    row.answered_at = answered_at
    row.next_step_at = None
    row.updated_at = now
    session.add(row)
    if row.alert_id is None:  # nothing alarming was said: an info alert for the digest
        alert = raise_alert(
            session,
            citizen=citizen,
            kind=AlertKind.CHECKIN_ANSWERED,
            severity=AlertSeverity.INFO,
            summary=_answers_summary(session, row, citizen, placement, now, complete=complete),
            key=f"check_in:{row.id}:answered",
            placement=placement,
            details={"check_in_id": row.id},
            now=now,
        )
        row.alert_id = alert.id
    emit(
        session,
        jobcentre_id=row.jobcentre_id,
        kind="checkin.answered",
        data={
            "check_in_id": row.id,
            "placement_id": row.placement_id,
            "citizen_id": row.citizen_id,
            "respondent": str(row.respondent),
            "number": row.number,
            "answered_at": iso_utc(answered_at),
        },
        now=now,
    )


def _start_next_for_contact(session: Session, contact_id: int, now: datetime) -> None:
    """The contact is free again: their next waiting check-in (another citizen) goes now."""
    today = local(now).date()
    query = (
        select(CheckIn)
        .where(
            CheckIn.respondent == ParticipantKind.CONTACT,
            CheckIn.respondent_id == contact_id,
            CheckIn.stage == CheckInStage.PLANNED,
            col(CheckIn.period_start) <= today,
            col(CheckIn.next_step_at) > now,
        )
        .order_by(col(CheckIn.next_step_at), col(CheckIn.id))
    )
    waiting = session.exec(query).first()
    if waiting is not None and local(waiting.next_step_at or now).date() == today:
        waiting.next_step_at = now
        session.add(waiting)


# -- alerts ----------------------------------------------------------------------------------


def _names(
    session: Session, row: CheckIn, citizen: Citizen, placement: Placement
) -> dict[str, str]:
    """Names the consultant's summaries use."""
    employer = session.get(Employer, placement.employer_id)
    contact = session.get(EmployerContact, row.respondent_id) if _is_contact(row) else None
    return {
        "name": citizen.full_name,
        "employer": employer.name if employer else "",
        "contact": contact.name if contact else "",
    }


def _alert_concern(
    session: Session,
    row: CheckIn,
    person: Person,
    citizen: Citizen,
    placement: Placement,
    now: datetime,
) -> None:
    """A bad answer from either side: the consultant hears it now."""
    names = _names(session, row, citizen, placement)
    summary = (
        T("Check-in: {contact} at {employer} says {name} is doing badly.", **names)
        if _is_contact(row)
        else T("Check-in: {name} says work at {employer} is going badly.", **names)
    )
    alert = raise_alert(
        session,
        citizen=citizen,
        kind=AlertKind.CHECKIN_CONCERN,
        severity=AlertSeverity.ATTENTION,
        summary=summary,
        key=f"check_in:{row.id}:concern",
        placement=placement,
        details={"check_in_id": row.id, "respondent": str(row.respondent)},
        now=now,
    )
    row.alert_id = row.alert_id or alert.id


def _alert_call(
    session: Session, row: CheckIn, citizen: Citizen, placement: Placement, now: datetime
) -> None:
    """The citizen asked their consultant to call."""
    names = _names(session, row, citizen, placement)
    alert = raise_alert(
        session,
        citizen=citizen,
        kind=AlertKind.CHECKIN_CALL_REQUEST,
        severity=AlertSeverity.ATTENTION,
        summary=lines(
            T("Check-in: {name} would like you to call.", **names),
            T(
                "How work at {employer} is going: {rating}.",
                employer=names["employer"],
                rating=RATING_WORDS[row.rating],
            )
            if row.rating is not None
            else None,
        ),
        key=f"check_in:{row.id}:call",
        placement=placement,
        details={"check_in_id": row.id},
        now=now,
    )
    row.alert_id = row.alert_id or alert.id


def _alert_no_contact(
    session: Session,
    row: CheckIn,
    person: Person,
    citizen: Citizen,
    placement: Placement,
    now: datetime,
    *,
    reachable: bool,
) -> None:
    """No answer after the reminder (or nobody to ask): the consultant must make contact."""
    names = _names(session, row, citizen, placement)
    if reachable and _is_contact(row):
        summary = T(
            "No contact this month: {contact} at {employer} did not answer the check-in "
            "about {name}, even after a reminder.",
            **names,
        )
    elif reachable:
        summary = T(
            "No contact this month: {name} did not answer the check-in about {employer}, "
            "even after a reminder.",
            **names,
        )
    elif _is_contact(row):
        summary = T(
            "No contact this month: Makker cannot reach {contact} at {employer} "
            "for the check-in about {name}.",
            **names,
        )
    else:
        summary = T(
            "No contact this month: Makker cannot reach {name} for the check-in about "
            "{employer}. Please make contact yourself.",
            **names,
        )
    alert = raise_alert(
        session,
        citizen=citizen,
        kind=AlertKind.CHECKIN_NO_CONTACT,
        severity=AlertSeverity.ATTENTION,
        summary=summary,
        key=f"check_in:{row.id}:no_contact",
        placement=placement,
        details={"check_in_id": row.id, "respondent": str(row.respondent)},
        now=now,
    )
    row.stage = CheckInStage.MISSED
    row.next_step_at = None
    row.alert_id = row.alert_id or alert.id
    session.add(row)


def _answers_summary(
    session: Session,
    row: CheckIn,
    citizen: Citizen,
    placement: Placement,
    now: datetime,
    *,
    complete: bool,
) -> Text:
    """Ordinary answers, one short line each, for the daily digest."""
    names = _names(session, row, citizen, placement)
    rating = RATING_WORDS[row.rating] if row.rating is not None else T("no answer")
    if not _is_contact(row):
        return lines(
            T(
                "Check-in {n}: {name} says work at {employer} is going: {rating}.",
                n=row.number,
                name=names["name"],
                employer=names["employer"],
                rating=rating,
            ),
            T("No call wanted.") if row.wants_call is False else None,
        )
    if not complete:
        hours: Text = T("Paid hours last week: no answer.")
    elif row.paid_hours is None:
        hours = T("Paid hours last week: not known.")
    else:
        hours = T(
            "Paid hours last week: {hours}.",
            hours=_hours_text(session, citizen, row.paid_hours, now),
        )
    return lines(
        T(
            "Check-in {n}: {contact} at {employer} says {name} is doing: {rating}.",
            n=row.number,
            rating=rating,
            **names,
        ),
        hours,
    )


def _hours_text(session: Session, citizen: Citizen, hours: float, now: datetime) -> str:
    """Hours as the consultant who reads the alert writes numbers (30,5 in Danish)."""
    reader = available_consultant(session, consultant_of(session, citizen), local(now).date())
    code = reader.language if reader is not None else DEFAULT_LANGUAGE
    return str(format_decimal(hours, format="#,##0.##", locale=language(code).locale))


# -- helpers ---------------------------------------------------------------------------------


def _is_contact(row: CheckIn) -> bool:
    """Whether the row is the employer contact's half of the period."""
    return row.respondent == ParticipantKind.CONTACT


def _open_row(turn: Turn) -> CheckIn | None:
    """The check-in this conversation is about, if it is the sender's and still open."""
    row_id = int(turn.data.get("check_in_id") or 0)
    row = turn.session.get(CheckIn, row_id, with_for_update=True) if row_id else None
    if row is None or row.stage not in (CheckInStage.ASKED, CheckInStage.REMINDED):
        return None
    if row.respondent != participant_kind(turn.person) or row.respondent_id != turn.person.id:
        return None
    if not _running(turn.session.get(Placement, row.placement_id), local(turn.now).date()):
        cancel(turn.session, row, turn.now)
        return None
    return row


def _touch(session: Session, row: CheckIn, now: datetime) -> None:
    """Record that the row changed."""
    row.updated_at = now
    session.add(row)


def _lock_respondent(session: Session, row: CheckIn) -> Person | None:
    """The respondent, locked like the router locks a sender; None while another holds them.

    The router locks the person first and the check-in after; a tick that holds check-ins
    must therefore never wait for a person, or the two could deadlock.
    """
    table: type[Citizen] | type[EmployerContact] = EmployerContact if _is_contact(row) else Citizen
    query = select(table).where(table.id == row.respondent_id).with_for_update(skip_locked=True)
    found = session.exec(query).first()
    return found if isinstance(found, Citizen | EmployerContact) else None


def _reachable(person: Person) -> bool:
    """Whether a question can reach the person at all."""
    return person.active and person.opted_out_at is None and recipient_for(person) is not None


def _away(session: Session, citizen: Citizen, today: date) -> bool:
    """Sick or on leave today: no "how is work going?" now."""
    return (
        sick_day.open_absence(session, citizen) is not None
        or on_leave(session, ParticipantKind.CITIZEN, citizen.id, today) is not None
    )


def _busy(session: Session, person: Person, row: CheckIn, now: datetime) -> bool:
    """Whether the person is in the middle of another conversation (one that moved lately)."""
    conversation = load_conversation(session, person, now)
    if conversation is None:
        return False
    if conversation.flow == FLOW and conversation.context.get("check_in_id") == row.id:
        return False
    return now - conversation.updated_at < BUSY_WINDOW


def _sendable(hours: JobcentreHours, now: datetime) -> bool:
    """Whether now is a time to send a check-in at all."""
    return not is_quiet(hours, now) and local(now).time() <= LATEST_SEND


def _next_send_time(
    session: Session,
    row: CheckIn,
    placement: Placement,
    hours: JobcentreHours,
    now: datetime,
    *,
    skip_today: bool = False,
) -> datetime:
    """The respondent's next time: later today if it is still ahead, else the next working day."""
    today = local(now).date()
    closures = closure_days(session, row.jobcentre_id, since=today)
    if not skip_today and is_working_day(today, closures):
        moment = send_time(row, placement, today, hours)
        if moment > now:
            return moment
    return send_time(row, placement, next_working_day(today, closures), hours)


def _after_wait(
    session: Session, row: CheckIn, placement: Placement, hours: JobcentreHours, now: datetime
) -> datetime:
    """Three days on, moved to a working day, at the respondent's time."""
    day = local(now).date() + WAIT
    closures = closure_days(session, row.jobcentre_id, since=local(now).date())
    if not is_working_day(day, closures):
        day = next_working_day(day, closures)
    return send_time(row, placement, day, hours)


def _end_conversation_of(session: Session, row: CheckIn) -> None:
    """Forget the respondent's open question if it is this check-in's."""
    query = select(Conversation).where(
        Conversation.participant_kind == row.respondent,
        Conversation.participant_id == row.respondent_id,
    )
    for conversation in session.exec(query).all():
        if conversation.flow == FLOW and conversation.context.get("check_in_id") == row.id:
            session.delete(conversation)
    session.flush()
