"""Decide who wrote, which conversation they are in, and what they want; never stay silent.

```mermaid
flowchart TD
    I["inbound message"] --> W{"known sender?"}
    W -- no --> U["unknown_sender: one bilingual reply a day"]
    W -- yes --> X{"opted out?"}
    X -- "yes, not START" --> Q["stored, no reply"]
    X -- no --> G{"STOP / START / HELP / LANGUAGE?"}
    G -- yes --> C["global command"]
    G -- no --> O{"open conversation?"}
    O -- "answer understood" --> S["flow step"]
    O -- "not understood, first time" --> R["question asked again"]
    O -- no --> N{"intent"}
    N -- "sick / child sick" --> SD["sick_day"]
    N -- recovered --> BW["back_to_work"]
    N -- unknown --> H["HELP menu"]
```
"""

from __future__ import annotations

from sqlmodel import Session

from bot.clock import utcnow
from bot.models import ChannelKind, Citizen, Message
from bot.recipients import Recipient, participant_kind
from flows import back_to_work, global_commands, sick_day, unknown_sender
from flows.engine import Turn
from flows.inbox import Inbound
from flows.people import identify
from messages.lexicon import Intent, classify, command

ABSENCE_INTENTS = frozenset({Intent.SICK, Intent.CHILD_SICK, Intent.CANNOT_ATTEND, Intent.LATE})
MAX_REPROMPTS = 1  # after one "please answer 1 or 2", fall back to the menu


def route(session: Session, message: Message, inbound: Inbound) -> None:
    """Handle one stored inbound message inside the caller's transaction."""
    person = identify(session, message.channel, message.address, inbound.shared_phone)
    if person is None:
        unknown_sender.reply(session, message)
        return
    message.participant_kind = participant_kind(person)
    message.participant_id = person.id
    message.jobcentre_id = person.jobcentre_id
    message.language = person.language
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
    turn = Turn(session=session, person=person, inbound=message, reply_to=reply_to, now=utcnow())

    word = command(message.body)
    if person.opted_out_at is not None and word not in {Intent.START, Intent.STOP}:
        # They asked for silence: nothing is sent to them. But an absence they try to report
        # must not vanish: the consultant hears that it was NOT passed on.
        if isinstance(person, Citizen) and classify(message.body) in ABSENCE_INTENTS:
            global_commands.absence_while_opted_out(turn)
        return
    if word == Intent.STOP:
        global_commands.stop(turn)
        return
    if word == Intent.START:
        global_commands.start(turn)
        return
    if word == Intent.HELP:
        global_commands.help_menu(turn)
        return
    if word == Intent.LANGUAGE:
        global_commands.language_menu(turn)
        return
    if _continue_conversation(turn):
        return
    _start_from_intent(turn, classify(message.body))


def _continue_conversation(turn: Turn) -> bool:
    """Give the message to the open conversation; True when that answered it."""
    conversation = turn.conversation
    if conversation is None:
        return False
    flow, step = conversation.flow, conversation.step
    person = turn.person
    if flow == global_commands.MENU:
        chosen = global_commands.menu_choice(turn)
        if chosen is None:
            return False
        turn.finish()
        _start_from_intent(turn, chosen)
        return True
    if flow == global_commands.LANGUAGE:
        return global_commands.choose_language(turn) or _reprompt_or_drop(turn, None)
    if isinstance(person, Citizen):
        # A fresh sick or recovered message beats an old question.
        intent = classify(turn.text)
        if flow == sick_day.FLOW:
            if sick_day.handle(turn, person, step):
                return True
            # "I'm back on Friday" answers "when back?"; it must never drop the report.
            return _reprompt_or_drop(turn, lambda: sick_day.reprompt(turn, step))
        if flow == back_to_work.FLOW:
            if back_to_work.handle(turn, person, step):
                return True
            if intent in {Intent.SICK, Intent.CHILD_SICK}:
                return False
            return _reprompt_or_drop(turn, lambda: back_to_work.reprompt(turn, step))
    return False


def _reprompt_or_drop(turn: Turn, reprompt: object) -> bool:
    """Ask once more; the second miss ends the conversation and shows the menu instead."""
    misses = int(turn.data.get("misses", 0))
    if reprompt is None or misses >= MAX_REPROMPTS or not callable(reprompt):
        turn.finish()
        return False
    conversation = turn.conversation
    assert conversation is not None
    turn.goto(conversation.flow, conversation.step, misses=misses + 1)
    reprompt()
    return True


def _start_from_intent(turn: Turn, intent: Intent) -> None:
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
    global_commands.help_menu(turn)
