"""Someone who keeps writing in another supported language is offered to switch to it, once.

```mermaid
flowchart LR
    W["3 messages in a row in language X (not theirs)"] --> O["offer, written in X: 1 yes · 2 no"]
    O -- "1 / yes" --> S["language set to X, confirmed in X"]
    O -- "2 / no" --> K["kept; never offered again"]
```

The offer waits until the person is not in the middle of another question, and is made at
most once per person (`language_offered_at`), whatever they answer.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import col, select

from bot.models import Direction, Message
from flows.answers import pick
from flows.engine import Choice, Turn, load_conversation, say
from messages import T
from messages.languages import is_supported, language
from messages.lexicon import Intent

FLOW = "language_offer"
STREAK = 3  # messages in a row in the same other language
CHOICES = (Choice("1", T("Yes")), Choice("2", T("No")))


def offer_if_due(turn: Turn) -> bool:
    """After a handled message: offer the switch when the last three say so; True if offered."""
    person = turn.person
    if person.language_offered_at is not None or person.opted_out_at is not None:
        return False
    # Never on top of a question they are answering (read fresh: a step may have saved one).
    if load_conversation(turn.session, person, turn.now) is not None:
        return False
    code = _streak_language(turn)
    if code is None:
        return False
    person.language_offered_at = turn.now
    turn.session.add(person)
    target = language(code)
    turn.goto(FLOW, "confirm", code=code)
    say(
        turn.session,
        replace(turn.reply_to, language=code),
        T(
            "You write in {language}. Do you want messages from Makker in {language}?",
            language=target.native_name,
        ),
        kind="language.offer",
        choices=CHOICES,
        key=f"in{turn.inbound.id}:language.offer",
        in_reply_to_id=turn.inbound.id,
    )
    return True


def _streak_language(turn: Turn) -> str | None:
    """The other language of the sender's last messages, if the last STREAK all agree."""
    query = (
        select(Message.detected_language)
        .where(
            Message.direction == Direction.INBOUND,
            Message.participant_kind == turn.inbound.participant_kind,
            Message.participant_id == turn.person.id,
            col(Message.detected_language).is_not(None),
        )
        .order_by(col(Message.id).desc())
        .limit(STREAK)
    )
    recent = list(turn.session.exec(query).all())
    if len(recent) < STREAK or len(set(recent)) != 1:
        return None
    code = recent[0]
    if code is None or code == turn.person.language or not is_supported(code):
        return None
    return code


def answer(turn: Turn, step: str) -> bool:
    """1 switches to the offered language, 2 keeps the current one; False if not understood."""
    value = pick(turn.text, {"1": 1, "2": 2}, {"1": Intent.YES, "2": Intent.NO})
    if value is None:
        return False
    code = str(turn.data.get("code", ""))
    turn.finish()
    if value == "1" and is_supported(code):
        turn.person.language = code
        turn.session.add(turn.person)
        turn.reply_to = replace(turn.reply_to, language=code)
        turn.reply(T("OK. I will write to you in English from now on."), kind="language.confirm")
    else:
        turn.reply(
            T("OK. I will keep writing in English. Write LANGUAGE to change it later."),
            kind="language.offer_declined",
        )
    return True


def reprompt(turn: Turn, step: str) -> None:
    """Ask again, in the offered language."""
    code = str(turn.data.get("code", turn.person.language))
    say(
        turn.session,
        replace(turn.reply_to, language=code),
        T("Please answer 1 or 2."),
        kind="language.offer_reprompt",
        choices=CHOICES,
        key=f"in{turn.inbound.id}:language.offer_reprompt",
        in_reply_to_id=turn.inbound.id,
    )
