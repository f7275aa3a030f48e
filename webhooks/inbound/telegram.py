"""Telegram Bot API webhook: texts, shared contacts and button presses, secret-token checked."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.models import ChannelKind
from bot.phones import try_normalise_phone
from flows.inbox import Inbound, receive
from webhooks.deps import EngineDep, SettingsDep

log = logging.getLogger(__name__)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _TgModel(BaseModel):
    """Bot API objects: read the fields we use, ignore the many we do not."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class TgUser(_TgModel):
    """https://core.telegram.org/bots/api#user (only the id matters here)."""

    id: int


class TgChat(_TgModel):
    """https://core.telegram.org/bots/api#chat"""

    id: int


class TgContact(_TgModel):
    """https://core.telegram.org/bots/api#contact"""

    phone_number: str
    user_id: int | None = None


class TgMessage(_TgModel):
    """https://core.telegram.org/bots/api#message"""

    message_id: int
    chat: TgChat
    from_: TgUser | None = Field(default=None, alias="from")
    text: str | None = None
    contact: TgContact | None = None


class TgCallbackMessage(_TgModel):
    """A message or InaccessibleMessage attached to a button press: only the chat is read."""

    chat: TgChat


class TgCallbackQuery(_TgModel):
    """https://core.telegram.org/bots/api#callbackquery"""

    id: str
    from_: TgUser = Field(alias="from")
    message: TgCallbackMessage | None = None
    data: str | None = None


class TgUpdate(_TgModel):
    """https://core.telegram.org/bots/api#update"""

    update_id: int
    message: TgMessage | None = None
    callback_query: TgCallbackQuery | None = None


async def verified_update(request: Request, settings: SettingsDep) -> TgUpdate:
    """The update, only if it carries our webhook secret (403), parsed strictly (400/422)."""
    expected = settings.telegram_webhook_secret
    given = request.headers.get(SECRET_HEADER)
    if not expected or given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "bad Telegram secret token")
    body = await request.body()
    try:
        return TgUpdate.model_validate_json(body)
    except ValidationError as exc:
        invalid_json = any(e["type"] == "json_invalid" for e in exc.errors())
        code = status.HTTP_400_BAD_REQUEST if invalid_json else 422
        raise HTTPException(code, "malformed Telegram update") from None


VerifiedUpdate = Annotated[TgUpdate, Depends(verified_update)]


@router.post("/telegram", response_class=Response)
def telegram_update(update: VerifiedUpdate, engine: EngineDep, settings: SettingsDep) -> Response:
    """Store and route a message or button press; other update kinds are acknowledged only."""
    inbound = to_inbound(update, settings.default_region)
    if inbound is None:
        return Response(status_code=status.HTTP_200_OK)
    outcome = receive(engine, inbound)
    log.info("telegram update %s: %s", update.update_id, outcome)
    if update.callback_query is not None:
        # The webhook reply is itself a Bot API call: it stops the button's spinner.
        answer: dict[str, Any] = {
            "method": "answerCallbackQuery",
            "callback_query_id": update.callback_query.id,
        }
        return JSONResponse(answer)
    return Response(status_code=status.HTTP_200_OK)


def to_inbound(update: TgUpdate, region: str) -> Inbound | None:
    """The channel-neutral inbound message in an update, or None for kinds we ignore."""
    provider_id = f"update:{update.update_id}"
    if update.callback_query is not None:
        query = update.callback_query
        # Button presses on old messages may come without it; a private chat id is the user id.
        chat_id = query.message.chat.id if query.message else query.from_.id
        return Inbound(ChannelKind.TELEGRAM, str(chat_id), query.data or "", provider_id)
    message = update.message
    if message is None:
        return None  # edited_message, my_chat_member, …: nothing to answer
    return Inbound(
        channel=ChannelKind.TELEGRAM,
        address=str(message.chat.id),
        text=message.text or "",  # photos, stickers: the router answers with the help menu
        provider_id=provider_id,
        shared_phone=_own_phone(message, region),
    )


def _own_phone(message: TgMessage, region: str) -> str | None:
    """A shared contact's number, only the sender's own and only in their private chat.

    A friend's card has another user_id; in a group the chat id is the group's, and linking it
    would send a citizen's sick-day messages to everybody in that group.
    """
    contact = message.contact
    sender = message.from_
    if contact is None or sender is None or contact.user_id != sender.id:
        return None
    if message.chat.id != sender.id:  # a private chat's id is the user's id
        return None
    raw = contact.phone_number.strip()
    # Telegram sends the user's own number in international form, often without the "+".
    return try_normalise_phone(raw if raw.startswith("+") else "+" + raw, region)
