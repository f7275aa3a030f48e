"""Words that work at any point: HELP (a numbered menu), STOP / START, LANGUAGE.

```mermaid
flowchart LR
    H["HELP / unclear"] --> M["citizen menu"] -- "1-4" --> F["sick · child · back · language"]
    H --> E["contact menu"] -- "1-5" --> R["employer_report: problem · good news · started · end"]
    S["STOP"] --> O["opted out · confirmation · consultant alerted"]
    A["START"] --> I["opted in again · consultant told"]
    L["LANGUAGE"] --> P["numbered list of languages"] -- "n" --> N["language saved, answer in it"]
```
"""

from __future__ import annotations

from dataclasses import replace

from bot.clock import local
from bot.models import AlertKind, AlertSeverity, Citizen, Consultant, EmployerContact
from flows.alerts import raise_alert
from flows.answers import pick
from flows.contact_citizens import placed_with
from flows.engine import Choice, Turn, say
from messages import T, Text, plain
from messages.languages import LANGUAGES
from messages.lexicon import Intent

MENU = "menu"
CONTACT_MENU = "contact_menu"  # answered by flows.employer_report.menu_answer
LANGUAGE = "language"

CITIZEN_MENU: tuple[Choice, ...] = (
    Choice("1", T("I am sick")),
    Choice("2", T("My child is sick")),
    Choice("3", T("I am back at work")),
    Choice("4", T("Change language")),
)
OTHER_MENU: tuple[Choice, ...] = (Choice("1", T("Change language")),)


def contact_menu_choices(first_name: str | None = None) -> tuple[Choice, ...]:
    """An employer contact's menu; "3" names the citizen when only one is placed with them."""
    started = T("{name} has started", name=first_name) if first_name else T("A citizen has started")
    return (
        Choice("1", T("Report a problem")),
        Choice("2", T("Good news")),
        Choice("3", started),
        Choice("4", T("End a placement")),
        Choice("5", T("Change language")),
    )


def help_menu(turn: Turn) -> None:
    """Explain what Makker does for this person, as a numbered menu."""
    person = turn.person
    if isinstance(person, Citizen):
        text: Text = T(
            "Makker helps you with your job. Answer with a number. "
            "Write STOP to get no more messages."
        )
        choices = CITIZEN_MENU
    elif isinstance(person, EmployerContact):
        placed = placed_with(turn.session, person, local(turn.now).date())
        turn.goto(CONTACT_MENU, "choose")
        turn.reply(
            T(
                "Makker tells you when a citizen placed with you cannot come to work, and "
                "passes what you write on to the job consultant. Answer with a number, "
                "or just write what happened."
            ),
            kind="help.menu",
            choices=contact_menu_choices(
                placed[0].citizen.first_name if len(placed) == 1 else None
            ),
        )
        return
    else:
        text = T(
            "Makker sends you alerts about your citizens. "
            "See the details in the case system. Answer with a number."
        )
        choices = OTHER_MENU
    turn.goto(MENU, "choose")
    turn.reply(text, kind="help.menu", choices=choices)


def menu_choice(turn: Turn) -> Intent | None:
    """Map a menu number to what the person wants to do."""
    if isinstance(turn.person, Citizen):
        value = pick(turn.text, {c.value: c for c in CITIZEN_MENU})
        return {
            "1": Intent.SICK,
            "2": Intent.CHILD_SICK,
            "3": Intent.RECOVERED,
            "4": Intent.LANGUAGE,
        }.get(value or "")
    value = pick(turn.text, {c.value: c for c in OTHER_MENU})
    return Intent.LANGUAGE if value == "1" else None


def stop(turn: Turn) -> None:
    """Opt the person out; the confirmation is the last message they get."""
    person = turn.person
    already = person.opted_out_at is not None
    person.opted_out_at = person.opted_out_at or turn.now
    turn.session.add(person)
    turn.finish()
    say(  # the one message allowed after opting out
        turn.session,
        turn.reply_to,
        T("You will get no more messages from Makker. Write START to turn them on again."),
        kind="stop.confirm",
        key=f"in{turn.inbound.id}:stop.confirm",
        in_reply_to_id=turn.inbound.id,
        allow_opted_out=True,
    )
    if isinstance(person, Citizen) and not already:
        raise_alert(
            turn.session,
            citizen=person,
            kind=AlertKind.OPTED_OUT,
            severity=AlertSeverity.ATTENTION,
            summary=T(
                "{name} wrote STOP and can no longer be reached by Makker. "
                "Sick reports will not reach you this way.",
                name=person.full_name,
            ),
            key=f"in{turn.inbound.id}:opted_out",
        )


def absence_while_opted_out(turn: Turn) -> None:
    """An opted-out citizen wrote what looks like a sick report: alert, never forward."""
    person = turn.person
    assert isinstance(person, Citizen)
    raise_alert(
        turn.session,
        citizen=person,
        kind=AlertKind.ABSENCE_WHILE_OPTED_OUT,
        severity=AlertSeverity.URGENT,
        summary=T(
            "{name} has turned Makker off (STOP) but wrote a message that looks like a sick "
            "report. It was not passed on to the employer. Please contact {name}.",
            name=person.full_name,
        ),
        key=f"in{turn.inbound.id}:absence_while_opted_out",
    )


def start(turn: Turn) -> None:
    """Opt the person back in."""
    person = turn.person
    was_out = person.opted_out_at is not None
    person.opted_out_at = None
    turn.session.add(person)
    turn.reply(
        T("Welcome back. Makker will send you messages again. Write HELP to see what I can do."),
        kind="start.confirm",
    )
    if isinstance(person, Citizen) and was_out:
        raise_alert(
            turn.session,
            citizen=person,
            kind=AlertKind.OPTED_IN,
            severity=AlertSeverity.INFO,
            summary=T(
                "{name} wrote START and can be reached by Makker again.", name=person.full_name
            ),
            key=f"in{turn.inbound.id}:opted_in",
        )


def language_menu(turn: Turn) -> None:
    """List the languages, each in its own name."""
    choices = tuple(
        Choice(str(i), plain(lang.native_name)) for i, lang in enumerate(LANGUAGES, start=1)
    )
    turn.goto(LANGUAGE, "choose")
    turn.reply(
        T("Which language do you want? Answer with a number."),
        kind="language.menu",
        choices=choices,
    )


def choose_language(turn: Turn) -> bool:
    """Save the chosen language and confirm in it."""
    options = {str(i): lang for i, lang in enumerate(LANGUAGES, start=1)}
    value = pick(turn.text, options)
    if value is None:
        return False
    person: Citizen | EmployerContact | Consultant = turn.person
    person.language = options[value].code
    turn.session.add(person)
    turn.reply_to = replace(turn.reply_to, language=person.language)
    turn.reply(T("OK. I will write to you in English from now on."), kind="language.confirm")
    turn.finish()
    return True
