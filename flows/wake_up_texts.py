"""What a wake-up says, in one place: the texts, the call script, and what the consultant reads."""

from __future__ import annotations

from datetime import datetime

from bot.clock import local
from flows.engine import Choice
from messages import T, Text

UP_OR_SICK = (Choice("1", T("I'm up")), Choice("2", T("I'm sick (SYG)")))
STILL_SICK_CHOICES = (Choice("1", T("Still sick")), Choice("2", T("I'm going to work")))


def first_text(name: str, place: str, shift_start: datetime) -> Text:
    """The morning text: first name, where, when; the options say how to answer (1 / SYG)."""
    return T(
        "Good morning {name}! Work at {place} starts at {time}. Are you up?",
        name=name,
        place=place,
        time=local(shift_start).time(),
    )


def reminder_text(name: str, place: str, shift_start: datetime) -> Text:
    """The second text, when the first got no answer."""
    return T(
        "{name}, are you up? Work at {place} starts at {time}. Please answer 1 or 2.",
        name=name,
        place=place,
        time=local(shift_start).time(),
    )


def call_script(name: str, place: str, shift_start: datetime) -> Text:
    """What the voice call says (spoken, so no SMS words like SYG)."""
    return T(
        "Good morning {name}. This is Makker. Your work at {place} starts at {time}. "
        "Press 1 if you are up. Press 2 if you are sick.",
        name=name,
        place=place,
        time=local(shift_start).time(),
    )


def call_notice() -> Text:
    """Sent with a call in Danish to someone whose language Twilio cannot speak."""
    return T(
        "Makker is calling you now. The call is in Danish. Press 1 on the phone if you are "
        "up, 2 if you are sick. Or answer this message."
    )


def still_sick_question(name: str, shift_start: datetime) -> Text:
    """Instead of the wake-up, on a work morning during an open sick absence."""
    return T(
        "Good morning {name}. Are you still sick today? Work starts at {time}.",
        name=name,
        time=local(shift_start).time(),
    )


CONFIRMED = T("Good! Have a good day at work.")
SPOKEN_CONFIRMED = T("Thank you. Have a good day at work. Goodbye.")
SPOKEN_SICK = T("Get well soon. We will send you a text message about your sick day. Goodbye.")
SPOKEN_NOT_UNDERSTOOD = T("Sorry, I did not understand. Please answer our text message. Goodbye.")
SPOKEN_NO_ANSWER = T("We did not hear an answer. Please answer our text message. Goodbye.")


def still_sick_reply(informed: list[Text]) -> Text:
    """To a citizen who is still sick: get well, and who was told."""
    if informed:
        return T("Get well soon. We have told {people}.", people=informed)
    return T("Get well soon.")


def still_sick_notice(name: str) -> Text:
    """To the employer: the citizen is still sick today."""
    return T("{name} is still sick today.", name=name)


def missed_summary(
    name: str, place: str, shift_start: datetime, outcome: Text, spoken_in_danish: str | None
) -> Text:
    """The consultant's alert: who, which shift, and what Makker tried."""
    summary = T(
        "{name} has not confirmed being up for the {time} shift at {place}. "
        "Two texts and a call: {outcome}.",
        name=name,
        time=local(shift_start).time(),
        place=place,
        outcome=outcome,
    )
    if spoken_in_danish is None:
        return summary
    return T(
        "{summary} The call was in Danish: Twilio has no {language} voice.",
        summary=summary,
        language=spoken_in_danish,
    )


def call_outcome(status: str | None) -> Text:
    """A Twilio CallStatus in the consultant's words."""
    if status == "busy":
        return T("the line was busy")
    if status == "no-answer":
        return T("nobody answered the call")
    if status == "completed":
        return T("the call was answered, but no key was pressed")
    if status == "no-phone":
        return T("no phone number to call")
    if status in {"failed", "canceled"}:
        return T("the call could not be made")
    return T("no answer")


def late_answer_notice(ref: str, name: str, up: bool) -> Text:
    """To the consultant, when a citizen answers after the missed-wake-up alert went out."""
    if up:
        return T("[{ref}] Update: {name} has answered now and is up.", ref=ref, name=name)
    return T("[{ref}] Update: {name} has answered now and is sick.", ref=ref, name=name)
