"""Morning wake-ups: text, one more text, a voice call, then the consultant; answers end it.

```mermaid
stateDiagram-v2
    [*] --> planned: plan_wake_ups (today, tomorrow)
    planned --> texted: its send time: "Good morning … are you up? 1 / SYG"
    planned --> cancelled: sick? no: still-sick question instead · leave · opted out · ended
    texted --> reminded: no answer in the reply window
    reminded --> called: no answer: voice call (1 = up, 2 = sick)
    called --> alerted: no answer, busy, failed (status callback) or no callback in time
    texted --> confirmed: 1 / "I'm up"
    reminded --> confirmed
    called --> confirmed: key 1
    texted --> sick: SYG / 2 (the sick-day flow takes over)
    alerted --> confirmed: a late answer; the consultant is told
```

Wake-ups ignore quiet hours: getting people up is the point. On a work morning during an
open sick absence the citizen is asked "are you still sick?" instead; "still sick" updates
the absence and tells the employer, "going to work" closes it as back_to_work does. That
question has no reminder, call or alert: the sick-day flow's own third-day rules apply.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from bot.clock import local
from bot.db.claim import StepFailed, isolated
from bot.events import emit, iso_utc
from bot.models import (
    Absence,
    Alert,
    AlertKind,
    AlertSeverity,
    ChannelKind,
    Citizen,
    Employer,
    Leave,
    Message,
    MessageStatus,
    ParticipantKind,
    Placement,
    WakeUp,
    WakeUpStage,
    WakeUpStatus,
)
from bot.recipients import recipient_for
from flows import back_to_work, sick_day
from flows.alerts import raise_alert
from flows.answers import pick
from flows.engine import Turn, say
from flows.people import consultant_of, current_placements, unique_contacts
from flows.wake_up_first_texts import FIRST_TEXT as FIRST_TEXT  # the kind, used by callers
from flows.wake_up_first_texts import claim_and_text, place_text
from flows.wake_up_texts import (
    CONFIRMED,
    STILL_SICK_CHOICES,
    UP_OR_SICK,
    call_notice,
    call_outcome,
    call_script,
    first_text,
    late_answer_notice,
    missed_summary,
    reminder_text,
    still_sick_notice,
    still_sick_question,
    still_sick_reply,
)
from messages import T, Text
from messages.languages import language
from messages.lexicon import Intent, classify
from messages.voices import spoken_language

log = logging.getLogger(__name__)

STEP_LIMIT = 2000  # rows per pass; scheduler.jobs repeats passes while a batch is due
FAILED_RETRY = timedelta(minutes=1)  # mornings are short: try a failed step again soon
CALL_WAIT = timedelta(minutes=10)  # no status callback by then: treat the call as unanswered
STILL_SICK = "wake_up.still_sick"
CALL = "wake_up.call"
UNANSWERED_CALL = frozenset({"busy", "no-answer", "failed", "canceled", "completed"})
UP = frozenset({Intent.AWAKE, Intent.YES})
SICK = frozenset({Intent.SICK, Intent.CHILD_SICK})
ANSWERABLE = (WakeUpStatus.OPEN, WakeUpStatus.MISSED)


@dataclass
class _Pass:
    """What one pass looked up in bulk for the rows that need the careful path."""

    away: set[tuple[int, date]] = field(default_factory=set)  # (citizen, day) on leave
    sick: set[int] = field(default_factory=set)  # citizens with an open absence
    loaded: list[object] = field(default_factory=list)  # held so the identity map keeps them


def advance_wake_ups(session: Session, now: datetime, limit: int = STEP_LIMIT) -> int:
    """Take every due step: first texts, reminders, calls, alerts.

    A morning's batch is thousands of ordinary first texts at once; those are written in
    bulk (flows.wake_up_first_texts). The rest, each in a savepoint, take the careful path.
    """
    claimed = claim_and_text(session, now, limit)
    if not claimed.careful:
        return claimed.texted
    due = session.exec(
        select(WakeUp)
        .where(col(WakeUp.id).in_(claimed.careful))  # locked by the claim above
        .order_by(col(WakeUp.next_step_at), col(WakeUp.id))
    ).all()
    batch = _prefetch(session, due)
    done = claimed.texted
    for row in due:
        try:
            with isolated(session, f"wake_up {row.id}"):
                done += _step(session, row, now, batch)
        except StepFailed:
            row.next_step_at = now + FAILED_RETRY
            row.updated_at = now
            session.add(row)
    return done


def _prefetch(session: Session, due: Sequence[WakeUp]) -> _Pass:
    """Citizens, placements and employers into the session; absences and leave as sets."""
    batch = _Pass()
    if not due:
        return batch
    citizen_ids = {row.citizen_id for row in due}
    citizens = session.exec(select(Citizen).where(col(Citizen.id).in_(citizen_ids))).all()
    placements = session.exec(
        select(Placement).where(col(Placement.id).in_({row.placement_id for row in due}))
    ).all()
    employers = session.exec(
        select(Employer).where(col(Employer.id).in_({p.employer_id for p in placements}))
    ).all()
    batch.loaded = [*citizens, *placements, *employers]
    batch.sick = set(
        session.exec(
            select(Absence.citizen_id).where(
                col(Absence.citizen_id).in_(citizen_ids), col(Absence.closed_at).is_(None)
            )
        ).all()
    )
    days = {row.day for row in due}
    for leave in session.exec(
        select(Leave).where(
            Leave.participant_kind == ParticipantKind.CITIZEN,
            col(Leave.participant_id).in_(citizen_ids),
            col(Leave.first_day) <= max(days),
            col(Leave.last_day) >= min(days),
        )
    ).all():
        batch.away.update((leave.participant_id, day) for day in days if leave.covers(day))
    return batch


def _step(session: Session, row: WakeUp, now: datetime, batch: _Pass) -> int:
    """One due step of one wake-up; 1 when something was sent or raised."""
    citizen = session.get(Citizen, row.citizen_id)
    placement = session.get(Placement, row.placement_id)
    if citizen is None or placement is None:
        _cancel(session, row, now)
        return 0
    if row.stage == WakeUpStage.PLANNED:
        return _first_step(session, row, citizen, placement, now, batch)
    if _kind_of_first(session, row) == STILL_SICK:
        _cancel(session, row, now)  # nobody chases a sick person's silence
        return 0
    if row.stage == WakeUpStage.TEXTED:
        _send(
            session,
            row,
            citizen,
            reminder_text(citizen.first_name, _place(session, placement), row.shift_start),
            "wake_up.reminder",
            now,
        )
        row.stage = WakeUpStage.REMINDED
        row.next_step_at = now + timedelta(minutes=placement.wakeup_reply_minutes)
        return 1
    if row.stage == WakeUpStage.REMINDED:
        return _call(session, row, citizen, placement, now)
    _missed(session, row, citizen, placement, row.call_status, now)
    return 1


def _wanted(
    row: WakeUp, citizen: Citizen, placement: Placement, now: datetime, batch: _Pass
) -> bool:
    """Whether this morning's wake-up is still wanted (not on leave, opted out, ended …)."""
    return (
        citizen.active
        and citizen.opted_out_at is None
        and placement.wakeup_enabled
        and placement.is_current(row.day)
        and (row.citizen_id, row.day) not in batch.away
        and now < row.shift_start
    )


def _first_step(
    session: Session,
    row: WakeUp,
    citizen: Citizen,
    placement: Placement,
    now: datetime,
    batch: _Pass,
) -> int:
    """The careful path: cancel, the still-sick question, or the text one row at a time."""
    if not _wanted(row, citizen, placement, now, batch):
        _cancel(session, row, now)
        return 0
    if row.citizen_id in batch.sick:
        message = _send(
            session,
            row,
            citizen,
            still_sick_question(citizen.first_name, row.shift_start),
            STILL_SICK,
            now,
            choices=STILL_SICK_CHOICES,
        )
        row.next_step_at = row.shift_start
    else:  # usually sent in bulk; here when something changed since the claim looked
        place = _place(session, placement, with_address=row.day == placement.start_date)
        message = _send(
            session,
            row,
            citizen,
            first_text(citizen.first_name, place, row.shift_start),
            FIRST_TEXT,
            now,
            deadline=row.wake_at,
        )
        row.next_step_at = max(now, row.wake_at) + timedelta(minutes=placement.wakeup_reply_minutes)
    if message is None:
        _cancel(session, row, now)  # no phone and no Telegram: nothing to send it to
        return 0
    row.message_id = message.id
    row.stage = WakeUpStage.TEXTED
    row.updated_at = now
    return 1


def _send(
    session: Session,
    row: WakeUp,
    citizen: Citizen,
    text: Text,
    kind: str,
    now: datetime,
    *,
    choices: tuple[object, ...] = UP_OR_SICK,
    deadline: datetime | None = None,
) -> Message | None:
    """One wake-up text on the citizen's own channel; wake-ups ignore quiet hours."""
    recipient = recipient_for(citizen)
    if recipient is None:
        return None
    message = say(
        session,
        recipient,
        text,
        kind=kind,
        choices=choices,  # type: ignore[arg-type]
        key=f"wake_up:{row.id}:{kind}",
        deadline=deadline or now,
        ref=f"wake_up:{row.id}",
    )
    session.flush()
    row.updated_at = now
    return message


def _call(
    session: Session, row: WakeUp, citizen: Citizen, placement: Placement, now: datetime
) -> int:
    """Phone the citizen; a language Twilio cannot speak gets Danish speech and a text."""
    voice = recipient_for(citizen, ChannelKind.VOICE)
    if voice is None or voice.channel != ChannelKind.VOICE:
        _missed(session, row, citizen, placement, "no-phone", now)
        return 1
    spoken = spoken_language(citizen.language)
    message = say(
        session,
        replace(voice, language=spoken.language),
        call_script(citizen.first_name, _place(session, placement), row.shift_start),
        kind=CALL,
        choices=UP_OR_SICK,
        key=f"wake_up:{row.id}:{CALL}",
        deadline=now,
        ref=f"wake_up:{row.id}",
    )
    if not spoken.native:
        _send(session, row, citizen, call_notice(), "wake_up.call_notice", now)
    session.flush()
    row.call_message_id = message.id
    row.stage = WakeUpStage.CALLED
    row.next_step_at = now + CALL_WAIT
    row.updated_at = now
    return 1


def record_call_status(session: Session, message_id: int, status: str, now: datetime) -> bool:
    """Twilio's status callback for a wake-up call; an unanswered call alerts at once."""
    row = session.exec(
        select(WakeUp).where(WakeUp.call_message_id == message_id).with_for_update()
    ).first()
    if row is None:
        return False
    row.call_status = status[:32]
    row.updated_at = now
    session.add(row)
    if row.status == WakeUpStatus.OPEN and status in UNANSWERED_CALL:
        citizen = session.get(Citizen, row.citizen_id)
        placement = session.get(Placement, row.placement_id)
        if citizen is not None and placement is not None:
            _missed(session, row, citizen, placement, status, now)
    return True


def _missed(
    session: Session,
    row: WakeUp,
    citizen: Citizen,
    placement: Placement,
    status: str | None,
    now: datetime,
) -> None:
    """Nobody answered: an urgent alert to the consultant, before the shift if at all possible."""
    spoken = spoken_language(citizen.language)
    alert = _raise(
        session,
        row,
        citizen,
        placement,
        missed_summary(
            citizen.full_name,
            _place(session, placement),
            row.shift_start,
            call_outcome(status),
            None
            if spoken.native or status == "no-phone"
            else language(citizen.language).native_name,
        ),
        now,
        details={"call_status": status or "unknown", "call_language": spoken.language},
    )
    row.alert_id = alert.id
    row.status = WakeUpStatus.MISSED
    row.stage = WakeUpStage.ALERTED
    row.next_step_at = None
    row.updated_at = now
    session.add(row)
    emit(
        session,
        jobcentre_id=row.jobcentre_id,
        kind="wakeup.missed",
        data={
            "wake_up_id": row.id,
            "citizen_id": row.citizen_id,
            "shift_start": iso_utc(row.shift_start),
        },
        now=now,
    )


def _raise(
    session: Session,
    row: WakeUp,
    citizen: Citizen,
    placement: Placement,
    summary: Text,
    now: datetime,
    details: dict[str, object],
) -> Alert:
    """The missed-wake-up alert (one per wake-up)."""
    return raise_alert(
        session,
        citizen=citizen,
        kind=AlertKind.WAKEUP_MISSED,
        severity=AlertSeverity.URGENT,
        summary=summary,
        key=f"wake_up:{row.id}",
        placement=placement,
        details={"wake_up_id": row.id, **details},
        now=now,
    )


def _cancel(session: Session, row: WakeUp, now: datetime) -> None:
    """Not needed any more; anything of it still in the outbox is withdrawn."""
    row.status = WakeUpStatus.CANCELLED
    row.stage = WakeUpStage.DONE
    row.next_step_at = None
    row.updated_at = now
    session.add(row)
    _withdraw_pending(session, row, now)


def _withdraw_pending(session: Session, row: WakeUp, now: datetime) -> None:
    """Cancel this wake-up's texts and call that have not left yet."""
    pending = session.exec(
        select(Message).where(
            Message.ref == f"wake_up:{row.id}", col(Message.status) == MessageStatus.PENDING
        )
    ).all()
    for message in pending:
        message.status = MessageStatus.CANCELLED
        message.next_attempt_at = None
        message.updated_at = now
        session.add(message)


def _place(session: Session, placement: Placement, *, with_address: bool = False) -> str:
    """Where the shift is: the employer; on the first day also the address (SMS length)."""
    employer = session.get(Employer, placement.employer_id)
    return place_text(
        employer.name if employer is not None else None,
        placement.workplace_address if with_address else None,
    )


def _kind_of_first(session: Session, row: WakeUp) -> str | None:
    """Whether the morning's question was the wake-up or "are you still sick?"."""
    if row.message_id is None:
        return None
    message = session.get(Message, row.message_id)
    return message.kind if message is not None else None


# --- answers -------------------------------------------------------------------------------


def todays_wake_up(session: Session, citizen: Citizen, now: datetime) -> WakeUp | None:
    """The citizen's wake-up of today that was asked and can still be answered."""
    return session.exec(
        select(WakeUp)
        .where(
            WakeUp.citizen_id == citizen.id,
            WakeUp.day == local(now).date(),
            col(WakeUp.status).in_(ANSWERABLE),
            col(WakeUp.stage) != WakeUpStage.PLANNED,
        )
        .with_for_update()
    ).first()


def answer(turn: Turn, row: WakeUp) -> bool:
    """Take "1 / I'm up" or "2 / SYG" (or, on a sick morning, still sick / going to work)."""
    citizen = turn.person
    assert isinstance(citizen, Citizen)
    if _kind_of_first(turn.session, row) == STILL_SICK:
        return _still_sick_answer(turn, citizen, row)
    value, intent = _up_or_sick(turn)
    if value is None:
        return False
    was_missed = row.status == WakeUpStatus.MISSED
    _answered(turn, row, WakeUpStatus.CONFIRMED if value == "1" else WakeUpStatus.SICK)
    if was_missed:
        _tell_late_answer(turn, row, citizen, up=value == "1")
    if value == "1":
        turn.reply(CONFIRMED, kind="wake_up.confirmed")
        turn.finish()
        emit(
            turn.session,
            jobcentre_id=row.jobcentre_id,
            kind="wakeup.confirmed",
            data={"wake_up_id": row.id, "citizen_id": row.citizen_id},
            now=turn.now,
        )
        return True
    sick_day.start(turn, citizen, intent or Intent.SICK)
    return True


def _up_or_sick(turn: Turn) -> tuple[str | None, Intent | None]:
    """Number 1 or words for being up; 2 or words for being sick (and whose illness)."""
    number = pick(turn.text, {"1": 1, "2": 2})
    if number is not None:
        return number, Intent.SICK if number == "2" else None
    word = classify(turn.text)
    if word in UP:
        return "1", None
    if word in SICK:
        return "2", word
    return None, None


def _answered(turn: Turn, row: WakeUp, status: WakeUpStatus) -> None:
    """Record the answer and withdraw the rest of the ladder."""
    row.status = status
    row.stage = WakeUpStage.DONE if row.stage != WakeUpStage.ALERTED else row.stage
    row.answered_at = turn.now
    row.answered_via = turn.inbound.channel
    row.next_step_at = None
    row.updated_at = turn.now
    turn.session.add(row)
    _withdraw_pending(turn.session, row, turn.now)


def _tell_late_answer(turn: Turn, row: WakeUp, citizen: Citizen, *, up: bool) -> None:
    """The consultant was alerted; now they hear the citizen answered after all."""
    alert = turn.session.get(Alert, row.alert_id) if row.alert_id is not None else None
    consultant = consultant_of(turn.session, citizen)
    if alert is None or consultant is None:
        return
    turn.tell(
        consultant,
        late_answer_notice(alert.ref, citizen.full_name, up),
        kind="wake_up.late_answer",
    )


def _still_sick_answer(turn: Turn, citizen: Citizen, row: WakeUp) -> bool:
    """Still sick: the absence covers today and the employer hears; going to work: closed."""
    value = pick(turn.text, {"1": 1, "2": 2})
    if value is None:
        word = classify(turn.text)
        value = (
            "1"
            if word in SICK | {Intent.YES}
            else "2"
            if word in UP | {Intent.NO, Intent.RECOVERED}
            else None
        )
    if value is None:
        return False
    today = local(turn.now).date()
    if value == "2":
        _answered(turn, row, WakeUpStatus.CONFIRMED)
        back_to_work.close(turn, citizen, today)
        return True
    _answered(turn, row, WakeUpStatus.SICK)
    absence = sick_day.open_absence(turn.session, citizen)
    if absence is not None:
        absence.last_reported_day = max(absence.last_reported_day or today, today)
        turn.session.add(absence)
    informed: list[Text] = []
    for view in unique_contacts(current_placements(turn.session, citizen, today)):
        sent = turn.tell(
            view.contact,
            still_sick_notice(citizen.full_name),
            kind="wake_up.employer_still_sick",
        )
        if sent is not None and sent.status != MessageStatus.SUPPRESSED:
            informed.append(
                T("{contact} at {employer}", contact=view.contact.name, employer=view.employer.name)
            )
    turn.reply(still_sick_reply(informed), kind="wake_up.still_sick_thanks")
    turn.finish()
    return True


def reprompt(turn: Turn, row: WakeUp) -> None:
    """Ask the morning's question again, with its numbered answers."""
    still_sick = _kind_of_first(turn.session, row) == STILL_SICK
    turn.reply(
        T("Please answer 1 or 2."),
        kind="wake_up.reprompt",
        choices=STILL_SICK_CHOICES if still_sick else UP_OR_SICK,
    )
