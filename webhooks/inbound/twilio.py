"""Twilio webhooks: inbound SMS and delivery status callbacks, both signature-checked."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from starlette.datastructures import FormData
from twilio.request_validator import RequestValidator

from bot.delivery import apply_twilio_status
from bot.models import ChannelKind
from bot.phones import try_normalise_phone
from flows.inbox import Inbound, receive
from webhooks.deps import EngineDep, SessionDep, SettingsDep

log = logging.getLogger(__name__)

MAX_ROW_ID = 2**31 - 1  # the message id column is a 32-bit integer

router = APIRouter(prefix="/webhooks/twilio", tags=["webhooks"])

SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def signed_form(request: Request, settings: SettingsDep) -> FormData:
    """The POSTed form, only if Twilio signed it with our auth token (403 otherwise)."""
    signature = request.headers.get(SIGNATURE_HEADER)
    if not settings.twilio_auth_token or not signature:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing Twilio signature")
    form = await request.form()
    if any(not isinstance(value, str) for _, value in form.multi_items()):
        await form.close()  # spooled upload files would otherwise linger until GC
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "file uploads are not accepted")
    url = settings.public_base_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    if not RequestValidator(settings.twilio_auth_token).validate(url, form, signature):
        log.warning("rejected a Twilio webhook with a bad signature at %s", request.url.path)
        raise HTTPException(status.HTTP_403_FORBIDDEN, "bad Twilio signature")
    return form


SignedForm = Annotated[FormData, Depends(signed_form)]


def _required(form: FormData, name: str) -> str:
    """A field Twilio always sends; its absence means this is not a Twilio request (400)."""
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"missing {name}")
    return value.strip()


@router.post("/sms", response_class=Response)
def inbound_sms(form: SignedForm, engine: EngineDep, settings: SettingsDep) -> Response:
    """Store and route an incoming SMS; replies go out through the outbox, not TwiML."""
    sender = _required(form, "From")
    sid = _required(form, "MessageSid")
    body = form.get("Body")
    address = try_normalise_phone(sender, settings.default_region) or sender  # short codes
    outcome = receive(
        engine,
        Inbound(
            channel=ChannelKind.SMS,
            address=address,
            text=body if isinstance(body, str) else "",
            provider_id=sid,
        ),
    )
    log.info("inbound SMS %s: %s", sid, outcome)
    return Response(content=EMPTY_TWIML, media_type="application/xml")


@router.post("/status", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def message_status(
    form: SignedForm,
    session: SessionDep,
    outbox: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
) -> Response:
    """Record a delivery report; unknown sids are acknowledged so Twilio does not retry."""
    sid = _required(form, "MessageSid")
    reported = _required(form, "MessageStatus")
    error_code = form.get("ErrorCode")
    known = apply_twilio_status(
        session,
        message_sid=sid,
        status=reported,
        error_code=error_code if isinstance(error_code, str) and error_code else None,
        outbox_id=outbox,
    )
    session.commit()
    if not known:
        log.info("Twilio status %s for unknown message sid %s", reported[:32], sid[:64])
    return Response(status_code=status.HTTP_204_NO_CONTENT)
