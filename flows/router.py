"""Decide who wrote, which question they are answering, and what they want; never stay silent.

```mermaid
flowchart TD
    I["inbound message"] --> W{"known sender?"}
    W -- no --> U["unknown_sender: one bilingual reply a day"]
    W -- yes --> X{"opted out?"}
    X -- "yes, not START" --> Q["stored, no reply"]
    X -- no --> G{"STOP / START / HELP / LANGUAGE?"}
    G -- yes --> C["global command"]
    G -- no --> K{"consultant writing OK A12?"}
    K -- yes --> ACK["alert acknowledged"]
    K -- no --> O{"open question? (conversation or a sent wake-up; newest first)"}
    O -- "answer understood" --> S["flow step"]
    O -- "not understood, first time" --> R["question asked again"]
    O -- no --> N{"intent / free text"}
    N -- "sick / child sick" --> SD["sick_day"]
    N -- recovered --> BW["back_to_work"]
    N -- "a starter takes it (e.g. an employer's report)" --> F["that flow"]
    N -- unknown --> H["HELP menu"]
```

Flows plug in through three tables below: `CONVERSATIONS` (continue an open conversation by
its flow name), `PROMPTS` (questions asked without a conversation row, such as a wake-up
text planned in bulk) and `STARTERS` (begin a flow from what someone wrote).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.clock import utcnow
from bot.models import ChannelKind, Citizen, Message
from bot.recipients import Recipient, participant_kind, recipient_for
from flows import (
    alerts,
    back_to_work,
    check_in,
    employer_report,
    global_commands,
    interview,
    language_switch,
    sick_day,
    unknown_sender,
    wake_up,
)
from flows.engine import Turn
from flows.inbox import Inbound
from flows.people import identify
from messages.detect import detect_language
from messages.lexicon import Intent, classify, command

ABSENCE_INTENTS = frozenset({Intent.SICK, Intent.CHILD_SICK, Intent.CANNOT_ATTEND, Intent.LATE})
MAX_REPROMPTS = 1  # after one "please answer 1 or 2", fall back to the menu


@dataclass(frozen=True)
class Conversing:
    """How the router continues one flow's open conversation."""

    answer: Callable[[Turn, str], bool]  # (turn, step): True when the answer was understood
    reprompt: Callable[[Turn, str], None] | None = None  # ask the step's question again
    yields_to: frozenset[Intent] = frozenset()  # a fresh message with these intents starts over


@dataclass(frozen=True)
class Prompt:
    """A question someone was asked without a conversation row (found from domain rows)."""

    asked_at: datetime
    answer: Callable[[Turn], bool]  # True when the answer was understood
    reprompt: Callable[[Turn], None] | None = None
    yields_to: frozenset[Intent] = field(default_factory=frozenset)


def _citizen(turn: Turn) -> Citizen:
    """The sender of a citizen-only flow."""
    assert isinstance(turn.person, Citizen)
    return turn.person


CONVERSATIONS: dict[str, Conversing] = {
    sick_day.FLOW: Conversing(
        lambda turn, step: sick_day.handle(turn, _citizen(turn), step), sick_day.reprompt
    ),
    back_to_work.FLOW: Conversing(
        lambda turn, step: back_to_work.handle(turn, _citizen(turn), step),
        back_to_work.reprompt,
        yields_to=frozenset({Intent.SICK, Intent.CHILD_SICK}),
    ),
    check_in.FLOW: Conversing(check_in.handle, check_in.reprompt, yields_to=check_in.YIELDS_TO),
    global_commands.CONTACT_MENU: Conversing(lambda turn, step: employer_report.menu_answer(turn)),
    employer_report.FLOW: Conversing(employer_report.handle, employer_report.reprompt),
    employer_report.CITIZEN_FLOW: Conversing(
        lambda turn, step: employer_report.citizen_answer(turn, _citizen(turn))
    ),
    language_switch.FLOW: Conversing(language_switch.answer, language_switch.reprompt),
    interview.FLOW: Conversing(interview.handle, interview.reprompt, yields_to=interview.YIELDS_TO),
}

WAKE_UP_YIELDS_TO = frozenset(Intent) - {Intent.UNKNOWN}


def _wake_up_prompt(turn: Turn) -> Prompt | None:
    """The wake-up question asked this morning (or "are you still sick?"), if any."""
    if not isinstance(turn.person, Citizen):
        return None
    row = wake_up.todays_wake_up(turn.session, turn.person, turn.now)
    if row is None:
        return None
    return Prompt(
        row.updated_at,
        lambda t: wake_up.answer(t, row),
        lambda t: wake_up.reprompt(t, row),
        yields_to=WAKE_UP_YIELDS_TO,
    )


# Finders of open questions that live in domain rows; each returns None when there is none.
PROMPTS: tuple[Callable[[Turn], Prompt | None], ...] = (_wake_up_prompt,)

# Begin a flow from a message outside any question; the first that returns True took it.
STARTERS: tuple[Callable[[Turn, Intent], bool], ...] = (employer_report.start_from_text,)


def route(session: Session, message: Message, inbound: Inbound) -> None:
    """Handle one stored inbound message inside the caller's transaction."""
    person = identify(session, message.channel, message.address, inbound.shared_phone)
    if person is None:
        if message.channel != ChannelKind.VOICE:  # nobody to phone back with a polite no
            unknown_sender.reply(session, message)
        return
    message.participant_kind = participant_kind(person)
    message.participant_id = person.id
    message.jobcentre_id = person.jobcentre_id
    message.language = person.language
    message.detected_language = detect_language(message.body)
    session.add(message)
    reply_to = Recipient(  # answer on the channel and address the person wrote from
        kind=message.participant_kind,
        id=person.id,
        channel=ChannelKind(message.channel),
        address=message.address,
        language=person.language,
        jobcentre_id=person.jobcentre_id,
        opted_out=person.opted_out_at is not None,
    )
    if reply_to.channel == ChannelKind.VOICE:  # a key pressed in a call: answer in writing
        reply_to = recipient_for(person) or reply_to
    turn = Turn(session=session, person=person, inbound=message, reply_to=reply_to, now=utcnow())
    if _handle(turn):
        language_switch.offer_if_due(turn)


def _handle(turn: Turn) -> bool:
    """Answer the message; False when the sender asked for silence (opted out)."""
    person, message = turn.person, turn.inbound
    word = command(message.body)
    if person.opted_out_at is not None and word not in {Intent.START, Intent.STOP}:
        # They asked for silence: nothing is sent to them. But an absence they try to report
        # must not vanish: the consultant hears that it was NOT passed on.
        if isinstance(person, Citizen) and classify(message.body) in ABSENCE_INTENTS:
            global_commands.absence_while_opted_out(turn)
        return False
    if word == Intent.STOP:
        global_commands.stop(turn)
        return True
    if word == Intent.START:
        global_commands.start(turn)
        return True
    if word == Intent.HELP:
        global_commands.help_menu(turn)
        return True
    if word == Intent.LANGUAGE:
        global_commands.language_menu(turn)
        return True
    if alerts.acknowledge_by_reply(turn):
        return True
    if _answer_open_question(turn):
        return True
    start_from_intent(turn, classify(message.body))
    return True


def _open_questions(turn: Turn) -> list[Prompt]:
    """Every question the sender may be answering, newest first."""
    found = [p for finder in PROMPTS if (p := finder(turn)) is not None]
    conversation = turn.conversation
    if conversation is not None:
        found.append(_conversation_prompt(turn, conversation.flow, conversation.step))
    return sorted(found, key=lambda p: p.asked_at, reverse=True)


def _conversation_prompt(turn: Turn, flow: str, step: str) -> Prompt:
    """The open conversation as a prompt, asked when it last moved."""
    conversation = turn.conversation
    assert conversation is not None
    asked_at = conversation.updated_at
    if flow == global_commands.MENU:
        return Prompt(asked_at, _menu_answer)
    if flow == global_commands.LANGUAGE:
        return Prompt(asked_at, global_commands.choose_language, lambda t: None)
    handler = CONVERSATIONS.get(flow)
    if handler is None:  # a flow this version does not know (or not for this person)
        return Prompt(asked_at, lambda t: False, yields_to=frozenset(Intent))
    reprompt = handler.reprompt
    return Prompt(
        asked_at,
        lambda t: handler.answer(t, step),
        (lambda t: reprompt(t, step)) if reprompt is not None else None,
        handler.yields_to,
    )


def _menu_answer(turn: Turn) -> bool:
    """A number from the HELP menu starts what it names."""
    chosen = global_commands.menu_choice(turn)
    if chosen is None:
        return False
    turn.finish()
    start_from_intent(turn, chosen)
    return True


def _answer_open_question(turn: Turn) -> bool:
    """Give the message to the newest open question that understands it; True when one did."""
    questions = _open_questions(turn)
    if not questions:
        return False
    for question in questions:
        if question.answer(turn):
            return True
    newest = questions[0]
    if classify(turn.text) in newest.yields_to:
        turn.finish()
        return False
    return _reprompt_or_drop(turn, newest.reprompt)


def _reprompt_or_drop(turn: Turn, reprompt: Callable[[Turn], None] | None) -> bool:
    """Ask once more; the second miss ends the conversation and shows the menu instead."""
    misses = int(turn.data.get("misses", 0))
    conversation = turn.conversation
    if reprompt is None or misses >= MAX_REPROMPTS:
        turn.finish()
        return False
    if conversation is not None:
        turn.goto(conversation.flow, conversation.step, misses=misses + 1)
    reprompt(turn)
    return True


def start_from_intent(turn: Turn, intent: Intent) -> None:
    """Begin the flow the intent asks for, or show the menu."""
    person = turn.person
    if intent == Intent.LANGUAGE:
        global_commands.language_menu(turn)
        return
    if isinstance(person, Citizen):
        if intent in {Intent.SICK, Intent.CHILD_SICK}:
            sick_day.start(turn, person, intent)
            return
        if intent == Intent.RECOVERED:
            back_to_work.start(turn, person)
            return
    for starter in STARTERS:
        if starter(turn, intent):
            return
    if language_switch.offer_if_due(turn):
        return  # not understood, but written in another language: offer that one instead
    global_commands.help_menu(turn)
