"""Sick day: one text from the citizen tells both the employer and the consultant.

```mermaid
flowchart TD
    S["SYG / sick / 🤒 / menu 1"] --> W{"child named?"}
    W -- no --> Q1["Is it you or your child? 1 me · 2 my child"]
    W -- yes --> Q2
    Q1 --> Q2["When do you expect to be back? 1 tomorrow · 2 in a few days · 3 don't know"]
    Q2 --> R["Absence stored · employer told THAT (never why) · consultant told the details"]
    R --> C["Citizen told exactly who was informed"]
    R -- "3rd work day" --> D["Do you have a doctor's note? yes · no"] --> K["Consultant told"]
```
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from bot.clock import COPENHAGEN, local, utcnow
from bot.models import (
    Absence,
    AbsenceReason,
    AlertKind,
    AlertSeverity,
    Citizen,
    Conversation,
    ExpectedReturn,
    Message,
    MessageStatus,
    ParticipantKind,
)
from bot.recipients import recipient_for
from flows.alerts import raise_alert
from flows.answers import pick
from flows.attendance import (
    absence_day,
    next_work_day,
    reported_after_start,
    shift_bounds,
    work_days_between,
    working_on,
    works_on,
)
from flows.engine import Choice, Turn, save_conversation, say
from flows.people import (
    PlacementView,
    consultant_of,
    unique_contacts,
    upcoming_placements,
)
from messages import TN, T, Text, lines, plain
from messages.lexicon import Intent, own_words

FLOW = "sick_day"
REPEAT_WINDOW = timedelta(days=30)
REPEAT_THRESHOLD = 3  # episodes in 30 days that make the consultant look closer
THIRD_DAY = 3

REASON_TEXT = {
    AbsenceReason.OWN_ILLNESS: T("Reason: own illness"),
    AbsenceReason.CHILD_ILLNESS: T("Reason: child's illness"),
    AbsenceReason.NOT_GIVEN: T("Reason: not given (no answer to the question)"),
}
ANSWER_WAIT = timedelta(minutes=10)  # then a half-answered report is passed on as it is

WHO_CHOICES = (Choice("1", T("I am sick")), Choice("2", T("My child is sick")))
RETURN_CHOICES = (
    Choice("1", T("Tomorrow")),
    Choice("2", T("In a few days")),
    Choice("3", T("I don't know yet")),
)
YES_NO = (Choice("1", T("Yes")), Choice("2", T("No")))
RETURN_VALUES = {
    "1": ExpectedReturn.TOMORROW,
    "2": ExpectedReturn.FEW_DAYS,
    "3": ExpectedReturn.UNKNOWN,
}


def start(turn: Turn, citizen: Citizen, intent: Intent) -> None:
    """Begin a sick report; skip the "who" question when the citizen already said."""
    note = own_words(turn.text)
    already = _already_reported(turn.session, citizen, turn.now)
    if already is not None:
        turn.reply(
            T(
                "You have already reported sick for {day}. Write RASK when you are back at work.",
                day=already.last_reported_day or already.first_day,
            ),
            kind="sick_day.already_reported",
        )
        turn.finish()
        return
    facts = {**_report_facts(turn.session, citizen, turn.now), "inbound_id": turn.inbound.id}
    if intent == Intent.CHILD_SICK:
        turn.goto(FLOW, "ask_return", reason=AbsenceReason.CHILD_ILLNESS.value, note=note, **facts)
        _ask_return(turn)
        return
    turn.goto(FLOW, "ask_who", note=note, **facts)
    turn.reply(
        T("Sorry you are not well. Is it you or your child who is sick?"),
        kind="sick_day.ask_who",
        choices=WHO_CHOICES,
    )


def _report_facts(session: Session, citizen: Citizen, now: datetime) -> dict[str, Any]:
    """What the first message establishes: which day, and whether the shift had begun."""
    today = local(now).date()
    views = upcoming_placements(session, citizen, today)
    day = absence_day(views, now)
    return {
        "day": day.isoformat(),
        "after_start": day == today and reported_after_start(views, day, now),
        "reported_at": now.isoformat(),
    }


def _ask_return(turn: Turn) -> None:
    """Ask when the citizen expects to be back."""
    turn.reply(
        T("When do you expect to be back at work?"),
        kind="sick_day.ask_return",
        choices=RETURN_CHOICES,
    )


def handle(turn: Turn, citizen: Citizen, step: str) -> bool:
    """Continue the conversation at `step`; False when the answer was not understood."""
    if step == "ask_who":
        value = pick(turn.text, {"1": 1, "2": 2}, {"1": Intent.SICK, "2": Intent.CHILD_SICK})
        if value is None:
            return False
        reason = AbsenceReason.OWN_ILLNESS if value == "1" else AbsenceReason.CHILD_ILLNESS
        turn.goto(FLOW, "ask_return", reason=reason.value)
        _ask_return(turn)
        return True
    if step == "ask_return":
        value = pick(turn.text, RETURN_VALUES)
        if value is None:
            return False
        data = turn.data
        record(
            turn,
            citizen,
            reason=AbsenceReason(data.get("reason", AbsenceReason.OWN_ILLNESS)),
            expected=RETURN_VALUES[value],
            note=data.get("note"),
        )
        return True
    if step == "doctor_note":
        value = pick(turn.text, {"1": 1, "2": 2}, {"1": Intent.YES, "2": Intent.NO})
        if value is None:
            return False
        _record_doctor_note(turn, citizen, has_note=value == "1")
        return True
    return False


def reprompt(turn: Turn, step: str) -> None:
    """Ask the open question again, with the numbers to answer."""
    if step == "ask_who":
        turn.reply(T("Please answer 1 or 2."), kind="sick_day.reprompt", choices=WHO_CHOICES)
    elif step == "ask_return":
        turn.reply(T("Please answer 1, 2 or 3."), kind="sick_day.reprompt", choices=RETURN_CHOICES)
    else:
        turn.reply(T("Please answer 1 or 2."), kind="sick_day.reprompt", choices=YES_NO)


def record(
    turn: Turn,
    citizen: Citizen,
    *,
    reason: AbsenceReason,
    expected: ExpectedReturn,
    note: str | None,
) -> Absence:
    """Store the absence, tell employer(s) and consultant, and confirm to the citizen."""
    session, now = turn.session, turn.now
    facts = turn.data if "day" in turn.data else _report_facts(session, citizen, now)
    day = date.fromisoformat(facts["day"])
    reported_at = datetime.fromisoformat(facts["reported_at"])
    after_start = bool(facts["after_start"])
    views = upcoming_placements(session, citizen, local(reported_at).date())
    absence = open_absence(session, citizen)
    if absence is not None and not _continues(views, absence, day):
        _lapse(session, absence, views)
        absence = None
    is_new = absence is None
    if absence is None:
        absence = Absence(
            jobcentre_id=citizen.jobcentre_id,
            citizen_id=citizen.id or 0,
            first_day=day,
            reported_at=reported_at,
        )
    absence.reason = reason
    absence.expected_return = expected
    absence.expected_return_date = (
        next_work_day(views, day) if expected == ExpectedReturn.TOMORROW else None
    )
    absence.reported_after_shift_start = absence.reported_after_shift_start or after_start
    absence.last_reported_day = day
    if note:
        absence.citizen_note = f"{absence.citizen_note}\n{note}" if absence.citizen_note else note
    session.add(absence)
    session.flush()

    day_count = work_days_between(views, absence.first_day, day) or 1
    episodes = _episodes_since(session, citizen, day - REPEAT_WINDOW)
    expected_text = _expected_text(expected, absence.expected_return_date)
    expecting = working_on(views, day)
    informed = _tell_employers(turn, citizen, expecting, day, expected_text, continued=not is_new)
    consultant = consultant_of(session, citizen)
    flags = _raise_threshold_alerts(
        turn, citizen, absence, views, after_start=after_start, episodes=episodes, is_new=is_new
    )
    if consultant is not None:
        message = turn.tell(
            consultant,
            lines(
                T("Sick report: {name} is absent {day}.", name=citizen.full_name, day=day),
                REASON_TEXT[reason],
                TN(
                    "Day {n} of this absence.",
                    "Day {n} of this absence.",
                    day_count,
                ),
                TN(
                    "{n} absence in the last 30 days.",
                    "{n} absences in the last 30 days.",
                    episodes,
                ),
                T("Reported after the shift had started.")
                if after_start
                else T("Reported before the shift started."),
                T("Expected back: {when}", when=expected_text),
                T('In their own words: "{note}"', note=note) if note else None,
                *flags,
            ),
            kind="sick_day.consultant_notice",
        )
        if message is not None and message.status != MessageStatus.SUPPRESSED:
            informed.append(T("your consultant {name}", name=consultant.name))
    _confirm(turn, informed)
    turn.finish()
    if day_count >= THIRD_DAY and not absence.third_day_alerted:
        ask_for_doctor_note(session, citizen, absence, views, now, key=f"in{turn.inbound.id}")
    return absence


def _continues(views: list[PlacementView], absence: Absence, day: date) -> bool:
    """Whether a report for `day` belongs to the open episode (no work day in between)."""
    last = absence.last_reported_day or absence.first_day
    return day <= next_work_day(views, last)


def _lapse(session: Session, absence: Absence, views: list[PlacementView]) -> None:
    """Close an episode nobody closed: the citizen went back without writing RASK."""
    last = absence.last_reported_day or absence.first_day
    absence.closed_at = utcnow()
    absence.return_day = absence.expected_return_date or next_work_day(views, last)
    session.add(absence)
    session.flush()


def _expected_text(expected: ExpectedReturn, return_day: date | None) -> Text:
    """How the expected return reads to employer and consultant."""
    if expected == ExpectedReturn.TOMORROW and return_day is not None:
        return plain(return_day)
    if expected == ExpectedReturn.FEW_DAYS:
        return T("in a few days")
    return T("not known yet")


def _tell_employers(
    turn: Turn,
    citizen: Citizen,
    views: list[PlacementView],
    day: date,
    expected_text: Text,
    *,
    continued: bool,
) -> list[Text]:
    """Tell every current employer contact THAT the citizen is away — never why."""
    informed: list[Text] = []
    for view in unique_contacts(views):
        text = (
            T(
                "{name} is still absent and will not come to work {day}. Expected back: {when}.",
                name=citizen.full_name,
                day=day,
                when=expected_text,
            )
            if continued
            else T(
                "{name} has reported absent and will not come to work {day}. "
                "Expected back: {when}.",
                name=citizen.full_name,
                day=day,
                when=expected_text,
            )
        )
        message = turn.tell(view.contact, text, kind="sick_day.employer_notice")
        if message is not None and message.status != MessageStatus.SUPPRESSED:
            informed.append(
                T("{contact} at {employer}", contact=view.contact.name, employer=view.employer.name)
            )
    return informed


def _raise_threshold_alerts(
    turn: Turn,
    citizen: Citizen,
    absence: Absence,
    views: list[PlacementView],
    *,
    after_start: bool,
    episodes: int,
    is_new: bool,
) -> list[Text]:
    """Alerts that ride along in the consultant's notice (one message, not three)."""
    flags: list[Text] = []
    placement = views[0].placement if views else None
    key = f"in{turn.inbound.id}"
    if after_start:
        summary = T("⚠ {name} reported sick after the shift had started.", name=citizen.full_name)
        raise_alert(
            turn.session,
            citizen=citizen,
            kind=AlertKind.SICK_AFTER_SHIFT_START,
            severity=AlertSeverity.ATTENTION,
            summary=summary,
            key=f"{key}:late",
            placement=placement,
            absence=absence,
            notify=False,
        )
        flags.append(summary)
    if is_new and episodes >= REPEAT_THRESHOLD:
        summary = TN(
            "⚠ {name} has been sick {n} time in 30 days.",
            "⚠ {name} has been sick {n} times in 30 days.",
            episodes,
            name=citizen.full_name,
        )
        raise_alert(
            turn.session,
            citizen=citizen,
            kind=AlertKind.SICK_REPEATED,
            severity=AlertSeverity.ATTENTION,
            summary=summary,
            key=f"{key}:repeated",
            placement=placement,
            absence=absence,
            details={"episodes_30_days": episodes},
            notify=False,
        )
        flags.append(summary)
    return flags


def _confirm(turn: Turn, informed: list[Text]) -> None:
    """Tell the citizen exactly who now knows."""
    if not informed:
        turn.reply(
            T("We could not pass your message on to anyone. Please call your jobcentre."),
            kind="sick_day.confirm_nobody",
        )
        return
    turn.reply(
        T(
            "Thank you. We have told {people}. Get well soon! Write RASK when you are back.",
            people=informed,
        ),
        kind="sick_day.confirm",
    )


def ask_for_doctor_note(
    session: Session,
    citizen: Citizen,
    absence: Absence,
    views: list[PlacementView],
    now: datetime,
    *,
    key: str,
) -> None:
    """On the third work day: alert the consultant and ask the citizen about a doctor's note."""
    absence.third_day_alerted = True
    session.add(absence)
    raise_alert(
        session,
        citizen=citizen,
        kind=AlertKind.SICK_THIRD_DAY,
        severity=AlertSeverity.ATTENTION,
        summary=T(
            "⚠ {name} has been sick for 3 work days in a row (since {day}).",
            name=citizen.full_name,
            day=absence.first_day,
        ),
        key=f"absence{absence.id}:third_day",
        placement=views[0].placement if views else None,
        absence=absence,
    )
    recipient = recipient_for(citizen)
    if recipient is None:
        return
    say(
        session,
        recipient,
        T("You have been sick for 3 work days. Do you have a doctor's note (lægeerklæring)?"),
        kind="sick_day.ask_doctor_note",
        choices=YES_NO,
        key=f"absence{absence.id}:ask_doctor_note",
    )
    save_conversation(
        session, citizen, FLOW, "doctor_note", now, timedelta(days=2), {"absence_id": absence.id}
    )


def _record_doctor_note(turn: Turn, citizen: Citizen, *, has_note: bool) -> None:
    """Store the answer and pass it to the consultant."""
    absence = open_absence(turn.session, citizen)
    if absence is not None:
        absence.doctor_note = has_note
        turn.session.add(absence)
    consultant = consultant_of(turn.session, citizen)
    if consultant is not None:
        turn.tell(
            consultant,
            T("{name} has a doctor's note.", name=citizen.full_name)
            if has_note
            else T("{name} does not have a doctor's note.", name=citizen.full_name),
            kind="sick_day.doctor_note",
        )
    turn.reply(T("Thank you. Your consultant knows now."), kind="sick_day.doctor_note_thanks")
    turn.finish()


def open_absence(session: Session, citizen: Citizen) -> Absence | None:
    """The citizen's current sick episode, if any."""
    query = (
        select(Absence)
        .where(Absence.citizen_id == citizen.id, col(Absence.closed_at).is_(None))
        .order_by(col(Absence.first_day).desc())
    )
    return session.exec(query).first()


def _already_reported(session: Session, citizen: Citizen, now: datetime) -> Absence | None:
    """An open absence whose latest report covers the day a new report would be about."""
    absence = open_absence(session, citizen)
    if absence is None or absence.last_reported_day is None:
        return None
    views = upcoming_placements(session, citizen, local(now).date())
    return absence if absence.last_reported_day >= absence_day(views, now) else None


def _episodes_since(session: Session, citizen: Citizen, since: date) -> int:
    """Sick episodes that began after `since`, the current one included."""
    query = select(func.count()).where(
        Absence.citizen_id == citizen.id, col(Absence.first_day) > since
    )
    return int(session.exec(query).one())


NO_SCHEDULE_CHECK_TIME = time(9, 0)  # without shifts, day three is judged from 09:00


def check_open_absences(session: Session, now: datetime) -> int:
    """The scheduler's look at open absences: close lapsed ones, alert on day three."""
    today = local(now).date()
    query = (
        select(Absence, Citizen)
        .join(Citizen, col(Citizen.id) == Absence.citizen_id)
        .where(col(Absence.closed_at).is_(None))
    )
    alerted = 0
    for absence, citizen in session.exec(query).all():
        views = upcoming_placements(session, citizen, today)
        if absence.expected_return_date is not None:
            # They said when they would be back; once that day is over, they are presumed back.
            if today > absence.expected_return_date:
                _lapse(session, absence, views)
            continue
        if absence.third_day_alerted or not citizen.active or absence.first_day > today:
            continue
        if not works_on(views, today) or now < _day_started(views, today):
            continue
        if work_days_between(views, absence.first_day, today) >= THIRD_DAY:
            ask_for_doctor_note(session, citizen, absence, views, now, key=f"tick{today}")
            alerted += 1
    return alerted


def _day_started(views: list[PlacementView], day: date) -> datetime:
    """When the working day begins: the first shift, else 09:00 (no alerts at midnight)."""
    bounds = shift_bounds(views, day)
    if bounds is not None:
        return bounds[0]
    return datetime.combine(day, NO_SCHEDULE_CHECK_TIME, tzinfo=COPENHAGEN)


def complete_stalled(session: Session, now: datetime) -> int:
    """Pass on reports whose questions went unanswered: a lone SYG must still reach people."""
    stalled = (
        Conversation.flow == FLOW,
        col(Conversation.step).in_(("ask_who", "ask_return")),
        Conversation.participant_kind == ParticipantKind.CITIZEN,
        col(Conversation.updated_at) <= now - ANSWER_WAIT,
    )
    completed = 0
    for citizen_id in session.exec(select(Conversation.participant_id).where(*stalled)).all():
        # The router's lock order (person, then conversation), so the two never deadlock;
        # re-read under the lock: the citizen may have answered in the meantime.
        citizen = session.exec(
            select(Citizen).where(Citizen.id == citizen_id).with_for_update()
        ).first()
        conversation = session.exec(
            select(Conversation).where(Conversation.participant_id == citizen_id, *stalled)
        ).first()
        if conversation is None:
            continue
        inbound = session.get(Message, conversation.context.get("inbound_id") or 0)
        recipient = recipient_for(citizen, inbound.channel) if citizen and inbound else None
        if citizen is None or inbound is None or recipient is None or not citizen.active:
            session.delete(conversation)
            continue
        turn = Turn(
            session=session,
            person=citizen,
            inbound=inbound,
            reply_to=replace(recipient, address=inbound.address),
            now=now,
            _conversation=conversation,
            _loaded=True,
        )
        data = conversation.context
        record(
            turn,
            citizen,
            reason=AbsenceReason(data.get("reason", AbsenceReason.NOT_GIVEN)),
            expected=ExpectedReturn.UNKNOWN,
            note=data.get("note"),
        )
        completed += 1
    return completed
