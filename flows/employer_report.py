"""Employer reports: one place for the workplace to say "there's a problem" (or "it goes well").

```mermaid
flowchart TD
    F["free text: 'Ali kom ikke i dag'"] --> K{"category recognised? (or a longer text: other)"}
    M["HELP menu: 1 problem · 2 good news · 3 started · 4 end"] --> C["1: what happened? 1-6"]
    K --> W
    C --> W{"which citizen? (only those placed with this contact)"}
    M -- "2 · 3 · 4" --> W
    W -- "a first name or phone of theirs / only one placed" --> D
    W -- "several" --> L["numbered list of first names"] --> D
    W -- "a name, phone or number that is not theirs" --> N["neutral reply + their list"]
    D{"words needed? (other, good news, end: a reason)"} -- yes --> T["write a few words"] --> R
    D -- no --> R["report stored · alert by category · employer told who knows and by when"]
    R -- "did not turn up" --> Q["citizen: are you all right? 1 OK · 2 sick"]
    Q -- "2 / SYG" --> S["sick_day"]
    Q -- "anything else" --> A["stored on the report · consultant told"]
```

Authorisation: every citizen an employer can name is looked up in `placed_with` (current
placements whose contact is the sender) and nowhere else, so a name or number that is not
theirs gets the same neutral answer whether that person exists elsewhere or not. The
employer's own words go to the consultant only; events carry ids.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.clock import at_local, local
from bot.events import emit, iso_utc
from bot.hours import add_office_minutes, closure_days, jobcentre_hours
from bot.models import (
    AlertKind,
    AlertSeverity,
    Citizen,
    Consultant,
    EmployerContact,
    EmployerReport,
    ReportCategory,
)
from bot.phones import try_normalise_phone
from bot.recipients import recipient_for
from bot.workdays import next_working_day
from flows import global_commands, sick_day
from flows.alerts import available_consultant, raise_alert
from flows.answers import pick
from flows.contact_citizens import Placed, list_label, placed_with
from flows.engine import Choice, Turn, load_conversation, save_conversation
from flows.people import consultant_of
from messages import T, Text, lines, plain
from messages.lexicon import Intent, classify, fold, tokens
from messages.report_words import (
    name_like_words,
    phone_like,
    report_category,
    word_count,
)

FLOW = "employer_report"
CITIZEN_FLOW = "no_show_check"  # the citizen's "are you all right?" after a no-show report
ANSWER_TTL = timedelta(hours=12)
CITIZEN_TTL = timedelta(days=1)
CITIZEN_BUSY = timedelta(minutes=30)  # a citizen who wrote this recently is in another talk
SHORT_TEXT = 3  # words; an unrecognised text this short gets the help menu, not a report
MAX_TEXT = 1000

C = ReportCategory

CATEGORY_CHOICES = (
    Choice("1", T("Did not turn up")),
    Choice("2", T("Late")),
    Choice("3", T("Conflict or behaviour")),
    Choice("4", T("Language or instructions")),
    Choice("5", T("Safety")),
    Choice("6", T("Other")),
)
CATEGORY_VALUES = {
    "1": C.NO_SHOW,
    "2": C.LATE,
    "3": C.CONDUCT,
    "4": C.LANGUAGE,
    "5": C.SAFETY,
    "6": C.OTHER,
}
MENU_VALUES = {"2": C.GOOD_NEWS, "3": C.STARTED, "4": C.END_REQUEST}
CITIZEN_CHOICES = (Choice("1", T("I'm OK")), Choice("2", T("I'm sick")))
NEEDS_WORDS = frozenset({C.OTHER, C.GOOD_NEWS, C.END_REQUEST})  # asked when none were given
INTENT_CATEGORY = {Intent.LATE: C.LATE, Intent.CANNOT_ATTEND: C.NO_SHOW}

SEVERITY = {
    C.NO_SHOW: AlertSeverity.URGENT,
    C.SAFETY: AlertSeverity.URGENT,
    C.LATE: AlertSeverity.ATTENTION,
    C.CONDUCT: AlertSeverity.ATTENTION,
    C.LANGUAGE: AlertSeverity.ATTENTION,
    C.OTHER: AlertSeverity.ATTENTION,
    C.END_REQUEST: AlertSeverity.ATTENTION,
    C.GOOD_NEWS: AlertSeverity.INFO,
    C.STARTED: AlertSeverity.INFO,
}
ALERT_KIND = {
    C.GOOD_NEWS: AlertKind.EMPLOYER_GOOD_NEWS,
    C.STARTED: AlertKind.PLACEMENT_STARTED,
    C.END_REQUEST: AlertKind.END_REQUESTED,
}

# What the consultant reads first; parameters: contact, employer, name (the citizen).
HEADLINE = {
    C.NO_SHOW: T("{contact} at {employer} reports that {name} did not turn up."),
    C.LATE: T("{contact} at {employer} reports that {name} is late."),
    C.CONDUCT: T("{contact} at {employer} reports a conflict or behaviour problem with {name}."),
    C.LANGUAGE: T(
        "{contact} at {employer} reports that {name} has trouble with the language "
        "or the instructions."
    ),
    C.SAFETY: T("{contact} at {employer} reports a safety problem with {name}."),
    C.OTHER: T("{contact} at {employer} reports a problem with {name}."),
    C.GOOD_NEWS: T("{contact} at {employer} has good news about {name}."),
    C.STARTED: T("{contact} at {employer} confirms that {name} has started."),
    C.END_REQUEST: T(
        "{contact} at {employer} asks to end {name}'s placement. "
        "Makker has not ended it: you decide."
    ),
}
NOT_YOURS = T(
    "I can only pass on reports about people placed with you. "
    "Who is it about? Answer with a number."
)
NOBODY = T("Makker has nobody placed with you right now. Please contact the jobcentre directly.")


# -- starting a report ----------------------------------------------------------------------


def start_from_text(turn: Turn, intent: Intent) -> bool:
    """A contact's free text outside any question: a report when it says what happened."""
    contact = turn.person
    if not isinstance(contact, EmployerContact):
        return False
    category = report_category(turn.text) or INTENT_CATEGORY.get(intent)
    if category is None:
        if word_count(turn.text) <= SHORT_TEXT:
            return False  # "hej", "?": the help menu explains what Makker does
        category = C.OTHER
    begin(turn, contact, category, text=_own_text(turn.text))
    return True


def menu_answer(turn: Turn) -> bool:
    """A number from the contact's HELP menu; False for anything else (read as free text)."""
    contact = turn.person
    if not isinstance(contact, EmployerContact):
        return False
    value = pick(turn.text, {c.value: c for c in global_commands.contact_menu_choices()})
    if value is None:
        return False
    turn.finish()
    if value == "5":
        global_commands.language_menu(turn)
    elif value == "1":
        if not _placed(turn, contact):
            _nobody(turn)
            return True
        turn.goto(FLOW, "category", ANSWER_TTL, inbound_id=turn.inbound.id)
        turn.reply(
            T("What happened?"), kind="employer_report.ask_category", choices=CATEGORY_CHOICES
        )
    else:
        begin(turn, contact, MENU_VALUES[value], text=None)
    return True


def begin(turn: Turn, contact: EmployerContact, category: ReportCategory, text: str | None) -> None:
    """Find whom the report is about (asking when unclear), then file it."""
    placed = _placed(turn, contact)
    if not placed:
        _nobody(turn)
        return
    facts: dict[str, Any] = {
        "category": category.value,
        "text": text,
        "inbound_id": turn.inbound.id,
    }
    named = _resolve(turn.text, contact, placed) if text is not None else _Resolution([], False)
    if len(named.matches) == 1:
        _chosen(turn, contact, named.matches[0], facts)
    elif named.matches:
        _ask_which(turn, named.matches, facts)
    elif named.foreign:
        _ask_which(turn, placed, facts, not_yours=True)
    elif len(placed) == 1:
        _chosen(turn, contact, placed[0], facts)
    else:
        _ask_which(turn, placed, facts)


# -- the questions ---------------------------------------------------------------------------


def handle(turn: Turn, step: str) -> bool:
    """Continue a report at `step`; False when the answer was not understood."""
    contact = turn.person
    if not isinstance(contact, EmployerContact):
        return False
    if step == "category":
        value = pick(turn.text, CATEGORY_VALUES)
        if value is not None:
            begin(turn, contact, CATEGORY_VALUES[value], text=None)
            return True
        return _new_report(turn, contact)
    if step == "citizen":
        chosen = _answered_which(turn, contact)
        if chosen is not None:
            _chosen(turn, contact, chosen, turn.data)
            return True
        return _new_report(turn, contact)
    if step == "details":
        if word_count(turn.text) == 0:
            return False
        placed = _placed_by_id(turn, contact).get(int(turn.data.get("placement_id") or 0))
        if placed is None:  # the placement ended meanwhile: nothing of theirs to report on
            turn.finish()
            _nobody(turn)
            return True
        data = {**turn.data, "text": _own_text(turn.text)}
        _file(turn, contact, placed, ReportCategory(data["category"]), data)
        return True
    return False


def reprompt(turn: Turn, step: str) -> None:
    """Ask the step's question again; the citizen question repeats the neutral reply."""
    if step == "category":
        turn.reply(
            T("Please answer with a number from 1 to 6."),
            kind="employer_report.reprompt",
            choices=CATEGORY_CHOICES,
        )
    elif step == "citizen":
        contact = turn.person
        assert isinstance(contact, EmployerContact)
        candidates = _candidates(turn, contact)
        if not candidates:
            turn.finish()
            _nobody(turn)
            return
        _reply_which(turn, candidates, NOT_YOURS, kind="employer_report.not_yours")
    else:
        turn.reply(T("Please write a few words about it."), kind="employer_report.reprompt")


def _new_report(turn: Turn, contact: EmployerContact) -> bool:
    """An answer that is itself a report ("Sara kom for sent") starts that report instead."""
    if report_category(turn.text) is None or word_count(turn.text) <= 1:
        return False
    turn.finish()
    return start_from_text(turn, classify(turn.text))


def _chosen(turn: Turn, contact: EmployerContact, placed: Placed, facts: dict[str, Any]) -> None:
    """The citizen is known: ask for a few words if the category needs them, else file."""
    category = ReportCategory(facts["category"])
    if category in NEEDS_WORDS and not facts.get("text"):
        turn.goto(FLOW, "details", ANSWER_TTL, **{**facts, "placement_id": placed.placement.id})
        question = {
            C.GOOD_NEWS: T("Lovely! What would you like to tell the job consultant about {name}?"),
            C.END_REQUEST: T("Please write in a few words why the placement of {name} should end."),
        }.get(category, T("Please write in a few words what happened with {name}."))
        turn.reply(
            replace(question, params={"name": placed.citizen.first_name}),
            kind="employer_report.ask_details",
        )
        return
    _file(turn, contact, placed, category, facts)


def _ask_which(
    turn: Turn, candidates: list[Placed], facts: dict[str, Any], *, not_yours: bool = False
) -> None:
    """A numbered list of first names, remembered in order so the numbers stay valid."""
    turn.goto(
        FLOW,
        "citizen",
        ANSWER_TTL,
        **facts,
        candidates=[p.placement.id for p in candidates],
    )
    if not_yours:
        _reply_which(turn, candidates, NOT_YOURS, kind="employer_report.not_yours")
    else:
        _reply_which(
            turn,
            candidates,
            T("Who is it about? Answer with a number."),
            kind="employer_report.ask_citizen",
        )


def _reply_which(turn: Turn, candidates: list[Placed], text: Text, *, kind: str) -> None:
    """The question with one numbered first name per citizen."""
    choices = tuple(
        Choice(str(i), plain(list_label(p, candidates))) for i, p in enumerate(candidates, 1)
    )
    turn.reply(text, kind=kind, choices=choices)


def _answered_which(turn: Turn, contact: EmployerContact) -> Placed | None:
    """The citizen a list answer picks: a number on the list, or one of their first names."""
    ids = [int(i) for i in turn.data.get("candidates") or []]
    by_id = _placed_by_id(turn, contact)
    value = pick(turn.text, {str(n): n for n in range(1, len(ids) + 1)})
    if value is not None:
        return by_id.get(ids[int(value) - 1])  # None if it ended meanwhile: not theirs now
    named = _resolve(turn.text, contact, list(by_id.values()))
    return named.matches[0] if len(named.matches) == 1 else None


def _candidates(turn: Turn, contact: EmployerContact) -> list[Placed]:
    """The list the contact was shown, minus placements that are no longer theirs."""
    by_id = _placed_by_id(turn, contact)
    ids = [int(i) for i in turn.data.get("candidates") or []]
    return [by_id[i] for i in ids if i in by_id]


# -- filing ----------------------------------------------------------------------------------


def _file(
    turn: Turn,
    contact: EmployerContact,
    placed: Placed,
    category: ReportCategory,
    facts: dict[str, Any],
) -> None:
    """Store the report, raise the consultant's alert and tell the employer what happens now."""
    session, now = turn.session, turn.now
    citizen, placement = placed.citizen, placed.placement
    turn.finish()
    if category == C.STARTED and placement.started_confirmed_at is not None:
        turn.reply(
            T("Thank you. We already know that {name} has started.", name=citizen.first_name),
            kind="employer_report.already_started",
        )
        return
    text = facts.get("text")
    report = EmployerReport(
        jobcentre_id=contact.jobcentre_id,
        contact_id=contact.id or 0,
        citizen_id=citizen.id or 0,
        placement_id=placement.id,
        category=category,
        text=text,
        inbound_id=facts.get("inbound_id") or turn.inbound.id,
        created_at=now,
    )
    session.add(report)
    session.flush()
    if category == C.STARTED:
        placement.started_confirmed_at = now
    if category == C.END_REQUEST:
        placement.end_requested_at = now
    session.add(placement)

    severity = SEVERITY[category]
    extra: Text | None = None
    asked = False
    if category == C.NO_SHOW:
        if _reported_sick(session, citizen, now):
            severity = AlertSeverity.ATTENTION  # they told us; the employer was told too
            extra = T("{name} has reported sick through Makker.", name=citizen.full_name)
        else:
            asked = _ask_citizen(turn, report, placed)
            extra = (
                T("Makker has asked {name} if they are all right.", name=citizen.full_name)
                if asked
                else T(
                    "Makker could not ask {name} (not reachable right now).", name=citizen.full_name
                )
            )
    who = {"contact": contact.name, "employer": placed.employer.name, "name": citizen.full_name}
    alert = raise_alert(
        session,
        citizen=citizen,
        kind=ALERT_KIND.get(category, AlertKind.EMPLOYER_REPORT),
        severity=severity,
        summary=lines(
            replace(HEADLINE[category], params=who),
            T('In their words: "{text}"', text=text) if text else None,
            extra,
        ),
        key=f"employer_report:{report.id}",
        placement=placement,
        details={"report_id": report.id, "category": category.value},
        now=now,
    )
    report.alert_id = alert.id
    session.add(report)
    emit(
        session,
        jobcentre_id=contact.jobcentre_id,
        kind="employer_report.created",
        data={
            "report_id": report.id,
            "category": category.value,
            "citizen_id": citizen.id,
            "placement_id": placement.id,
            "contact_id": contact.id,
            "alert_id": alert.id,
            "created_at": iso_utc(now),
        },
        now=now,
    )
    _confirm(turn, placed, category, severity, asked=asked)


def _confirm(
    turn: Turn, placed: Placed, category: ReportCategory, severity: AlertSeverity, *, asked: bool
) -> None:
    """Tell the employer who now knows, and by when to expect an answer."""
    session, now = turn.session, turn.now
    name = placed.citizen.first_name
    consultant = _told_consultant(session, placed.citizen, now)
    if consultant is None:
        turn.reply(
            T(
                "Thank you. We have saved your message, but no job consultant can be reached "
                "through Makker. Please call the jobcentre."
            ),
            kind="employer_report.confirm",
        )
        return
    who = {"consultant": consultant.name, "name": name}
    expect = _expect_answer(session, placed.citizen.jobcentre_id, severity, now)
    if category == C.NO_SHOW:
        body = lines(
            T(
                "Thank you. We have told {consultant}, the job consultant, that {name} "
                "did not come to work.",
                **who,
            ),
            T("We have also asked {name} if they are all right.", name=name) if asked else None,
            expect,
        )
    elif category == C.STARTED:
        body = T(
            "Thank you. We have noted that {name} has started, and told {consultant}, "
            "the job consultant.",
            **who,
        )
    elif category == C.GOOD_NEWS:
        body = T(
            "Thank you for the good news! We have passed it on to {consultant}, "
            "the job consultant.",
            **who,
        )
    elif category == C.END_REQUEST:
        body = lines(
            T(
                "Thank you. We have told {consultant}, the job consultant, that you want "
                "to end the placement of {name}.",
                **who,
            ),
            T("The placement continues until the job consultant has talked with you."),
            expect,
        )
    else:
        body = lines(
            T("Thank you. We have told {consultant}, the job consultant, about {name}.", **who),
            expect,
        )
    turn.reply(body, kind="employer_report.confirm")


def answer_due(
    session: Session, jobcentre_id: int, severity: AlertSeverity, now: datetime
) -> datetime:
    """When the employer can expect to hear back.

    Urgent: within the jobcentre's acknowledgement window, counted in office hours. Otherwise
    by the close of the office on the next working day.
    """
    hours = jobcentre_hours(session, jobcentre_id)
    today = local(now).date()
    closures = closure_days(session, jobcentre_id, since=today)
    if severity == AlertSeverity.URGENT:
        return add_office_minutes(hours, now, hours.alert_ack_minutes, closures)
    return at_local(next_working_day(today, closures), hours.office_close)


def _expect_answer(
    session: Session, jobcentre_id: int, severity: AlertSeverity, now: datetime
) -> Text | None:
    """The sentence with the answer time: "today by 09:30" or a weekday, date and time."""
    if severity == AlertSeverity.INFO:
        return None
    due = answer_due(session, jobcentre_id, severity, now)
    if local(due).date() == local(now).date():
        return T("You can expect an answer today by {time}.", time=local(due).time())
    return T("You can expect an answer by {when}.", when=due)


def _told_consultant(session: Session, citizen: Citizen, now: datetime) -> Consultant | None:
    """The consultant the alert goes to (the backup while the consultant is away)."""
    return available_consultant(session, consultant_of(session, citizen), local(now).date())


def _reported_sick(session: Session, citizen: Citizen, now: datetime) -> bool:
    """Whether an open sick absence already covers today."""
    absence = sick_day.open_absence(session, citizen)
    return absence is not None and absence.first_day <= local(now).date()


# -- the citizen's side of a no-show ---------------------------------------------------------


def _ask_citizen(turn: Turn, report: EmployerReport, placed: Placed) -> bool:
    """Ask the citizen whether they are all right; False when they cannot be asked now."""
    session, now = turn.session, turn.now
    citizen = placed.citizen
    if citizen.opted_out_at is not None or recipient_for(citizen) is None:
        return False
    conversation = load_conversation(session, citizen, now)
    if conversation is not None and now - conversation.updated_at < CITIZEN_BUSY:
        return False  # they are answering something else right now: the consultant follows up
    message = turn.tell(
        citizen,
        T(
            "Hi {name}. {employer} tells us that you did not come to work {day}. "
            "Are you all right?",
            name=citizen.first_name,
            employer=placed.employer.name,
            day=local(now).date(),
        ),
        kind="employer_report.are_you_ok",
        choices=CITIZEN_CHOICES,
        ref=f"employer_report:{report.id}",
        quiet=True,
    )
    if message is None:
        return False
    save_conversation(
        session,
        citizen,
        CITIZEN_FLOW,
        "ask",
        now,
        CITIZEN_TTL,
        {"report_id": report.id},
        existing=conversation,
    )
    return True


def citizen_answer(turn: Turn, citizen: Citizen) -> bool:
    """2 or SYG enters the sick-day flow; any other answer goes to the consultant."""
    session, now = turn.session, turn.now
    report = session.get(EmployerReport, int(turn.data.get("report_id") or 0))
    if report is None or report.citizen_id != citizen.id:
        turn.finish()
        return False
    intent = classify(turn.text)
    value = pick(turn.text, {"1": 1, "2": 2})
    report.citizen_replied_at = now
    session.add(report)
    turn.finish()
    if value == "2" or intent in {Intent.SICK, Intent.CHILD_SICK}:
        sick_day.start(
            turn, citizen, Intent.CHILD_SICK if intent == Intent.CHILD_SICK else Intent.SICK
        )
        return True
    report.citizen_reply = turn.text.strip()[:MAX_TEXT]
    contact = session.get(EmployerContact, report.contact_id)
    raise_alert(
        session,
        citizen=citizen,
        kind=AlertKind.CITIZEN_REPLY,
        severity=AlertSeverity.ATTENTION,
        summary=lines(
            T(
                "{name} answered after {contact} reported that they did not turn up:",
                name=citizen.full_name,
                contact=contact.name if contact else "",
            ),
            T("Answer: I'm OK.") if value == "1" else T('"{text}"', text=report.citizen_reply),
        ),
        key=f"employer_report:{report.id}:citizen_reply",
        details={"report_id": report.id},
        now=now,
    )
    consultant = consultant_of(session, citizen)
    turn.reply(
        T("Thank you. We have told your job consultant {name}.", name=consultant.name)
        if consultant is not None
        else T("Thank you for your answer."),
        kind="employer_report.citizen_thanks",
    )
    return True


# -- who is it about -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Resolution:
    """Whom a text names among the contact's citizens, and whether it names anyone else."""

    matches: list[Placed]
    foreign: bool  # a name-like word or a phone number that is none of theirs


def _resolve(text: str, contact: EmployerContact, placed: list[Placed]) -> _Resolution:
    """Match first names and phone numbers against the contact's own citizens only."""
    words = set(_folded_words(text))
    matches = [p for p in placed if _first_name_in(p.citizen, words)]
    foreign = False
    for raw in phone_like(text):
        number = try_normalise_phone(raw)
        owner = next((p for p in placed if number and p.citizen.phone == number), None)
        if owner is None:
            foreign = True
        elif owner not in matches:
            matches.append(owner)
    own_words = {fold(w) for p in placed for w in p.citizen.full_name.split()}
    ignore = [*contact.name.split(), *{w for p in placed for w in p.employer.name.split()}]
    for word in name_like_words(text, ignore=ignore):
        if word not in own_words and word.removesuffix("s") not in own_words:
            foreign = True
    return _Resolution(matches, foreign)


def _folded_words(text: str) -> list[str]:
    """The text's words folded (punctuation dropped)."""
    return [t for t in tokens(text) if any(ch.isalnum() for ch in t)]


def _first_name_in(citizen: Citizen, words: set[str]) -> bool:
    """Whether the citizen's first name (or its genitive, "Alis") is among the words."""
    first = fold(citizen.first_name.split()[0]) if citizen.first_name.split() else ""
    return bool(first) and (first in words or f"{first}s" in words)


# -- small helpers ---------------------------------------------------------------------------


def _placed(turn: Turn, contact: EmployerContact) -> list[Placed]:
    """The citizens placed with the contact today."""
    return placed_with(turn.session, contact, local(turn.now).date())


def _placed_by_id(turn: Turn, contact: EmployerContact) -> dict[int, Placed]:
    """The same, by placement id."""
    return {p.placement.id or 0: p for p in _placed(turn, contact)}


def _nobody(turn: Turn) -> None:
    """Nothing to report on: say so (the same words whoever was named)."""
    turn.finish()
    turn.reply(NOBODY, kind="employer_report.nobody")


def _own_text(text: str) -> str:
    """The employer's words as stored for the consultant."""
    return " ".join(text.split())[:MAX_TEXT]
