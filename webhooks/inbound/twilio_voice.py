"""Twilio voice webhooks for wake-up calls: the script, the key pressed, and how the call ended.

Every request is signature-checked like the SMS webhooks. The `outbox` query parameter names
the call's outbox row; it is part of the signed URL, so it cannot be forged.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar
from twilio.twiml.voice_response import Gather, VoiceResponse

from bot.clock import utcnow
from bot.models import ChannelKind, Message, WakeUp
from bot.models.wake_up import WakeUpStatus
from flows import wake_up
from flows.inbox import Inbound, receive
from flows.wake_up_texts import (
    SPOKEN_CONFIRMED,
    SPOKEN_NO_ANSWER,
    SPOKEN_NOT_UNDERSTOOD,
    SPOKEN_SICK,
)
from messages import Text, render
from messages.voices import spoken_language
from webhooks.deps import EngineDep, SessionDep
from webhooks.inbound.twilio import MAX_ROW_ID, SignedForm, _required

log = logging.getLogger(__name__)

router = APIRouter(prefix="/webhooks/twilio/voice", tags=["webhooks"])

GATHER_PATH = "/webhooks/twilio/voice/gather"
GATHER_SECONDS = 8  # silence after the question before Twilio gives up
OutboxId = Annotated[int, Query(ge=1, le=MAX_ROW_ID)]


def _call_message(session: Session, outbox: int) -> Message:
    """The outbox row of a wake-up call; anything else is 404."""
    message = session.get(Message, outbox)
    if message is None or message.channel != ChannelKind.VOICE:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such call")
    return message


def _say(response: VoiceResponse | Gather, text: str, message: Message) -> None:
    """Speak in the voice of the language the script was rendered in."""
    voice = spoken_language(message.language).voice
    response.say(text, voice=voice.voice, language=voice.say_language)


def _twiml(response: VoiceResponse) -> Response:
    """TwiML as Twilio wants it."""
    return Response(content=str(response), media_type="application/xml")


@router.post("", response_class=Response)
def call_script(form: SignedForm, session: SessionDep, outbox: OutboxId) -> Response:
    """What the call says when answered: the question, asked twice, waiting for one key."""
    _required(form, "CallSid")
    message = _call_message(session, outbox)
    response = VoiceResponse()
    gather = Gather(
        num_digits=1,
        action=f"{GATHER_PATH}?outbox={outbox}",
        method="POST",
        timeout=GATHER_SECONDS,
    )
    _say(gather, message.body, message)
    _say(gather, message.body, message)
    response.append(gather)
    _say(response, _spoken(SPOKEN_NO_ANSWER, message), message)
    return _twiml(response)


@router.post("/gather", response_class=Response)
def key_pressed(
    form: SignedForm, engine: EngineDep, session: SessionDep, outbox: OutboxId
) -> Response:
    """The key the citizen pressed goes through the router like a text; the call says thanks."""
    call_sid = _required(form, "CallSid")
    digits = form.get("Digits")
    message = _call_message(session, outbox)
    address, language = message.address, message.language
    session.close()
    pressed = digits.strip()[:1] if isinstance(digits, str) else ""
    if pressed:
        outcome = receive(
            engine,
            Inbound(
                channel=ChannelKind.VOICE,
                address=address,
                text=pressed,
                provider_id=f"{call_sid}:gather",
            ),
        )
        log.info("wake-up call %s: key received (%s)", call_sid[:64], outcome)
    with Session(engine) as fresh:
        row = fresh.exec(_by_call(outbox)).first()
        answer = (
            SPOKEN_CONFIRMED
            if row is not None and row.status == WakeUpStatus.CONFIRMED
            else SPOKEN_SICK
            if row is not None and row.status == WakeUpStatus.SICK
            else SPOKEN_NOT_UNDERSTOOD
        )
    response = VoiceResponse()
    voice = spoken_language(language).voice
    response.say(render(answer, language), voice=voice.voice, language=voice.say_language)
    return _twiml(response)


@router.post("/status", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def call_status(form: SignedForm, session: SessionDep, outbox: OutboxId) -> Response:
    """How the call ended; no answer, busy or failed alerts the consultant at once."""
    _required(form, "CallSid")
    reported = _required(form, "CallStatus")
    known = wake_up.record_call_status(session, outbox, reported, utcnow())
    session.commit()
    if not known:
        log.info("call status %s for outbox %s, which is no wake-up call", reported[:32], outbox)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _by_call(outbox: int) -> SelectOfScalar[WakeUp]:
    """The wake-up a call belongs to."""
    return select(WakeUp).where(WakeUp.call_message_id == outbox)


def _spoken(text: Text, message: Message) -> str:
    """A fixed phrase in the call's language."""
    return render(text, message.language)
