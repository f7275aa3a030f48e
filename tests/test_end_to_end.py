"""The issue's acceptance path over real HTTP and real provider clients.

A Turkish-speaking citizen reports sick by signed Twilio SMS; the dispatcher sends through the
real twilio Client and the real python-telegram-bot Bot to local stubs of their HTTP APIs;
the employer contact (on Telegram) reads Danish without the reason, the consultant (SMS) reads
the details, and Twilio's delivery report closes the loop.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from twilio.request_validator import RequestValidator

from bot.channels.registry import build_channels
from bot.dispatcher import Dispatcher
from bot.models import ChannelKind, Message, MessageStatus
from bot.settings import Settings
from tests.factories import make_world
from tests.fakes.telegram_stub import TelegramStub
from tests.fakes.twilio_stub import StubTwilioHttpClient, TwilioStub
from webhooks.app import create_app

pytestmark = pytest.mark.usefixtures("clock")
EMPLOYER_CHAT = 777000111


def sms(client: TestClient, settings: Settings, sender: str, text: str, sid: str) -> None:
    """Post an inbound SMS exactly as Twilio would, signed with the account's token."""
    form = {"MessageSid": sid, "From": sender, "To": "+4570000000", "Body": text}
    url = settings.public_base_url + "/webhooks/twilio/sms"
    signature = RequestValidator(settings.twilio_auth_token).compute_signature(url, form)
    response = client.post(
        "/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200, response.text


def dispatch(engine: Engine, settings: Settings, http_client: StubTwilioHttpClient) -> None:
    """One dispatcher pass through the real clients."""
    dispatcher = Dispatcher(
        engine, build_channels(settings, twilio_http_client=http_client), settings
    )

    async def once() -> None:
        try:
            await dispatcher.dispatch_once()
        finally:
            await dispatcher.aclose()

    asyncio.run(once())


def test_turkish_sick_call_reaches_danish_employer_and_consultant(
    engine: Engine,
    session: Session,
    settings: Settings,
    twilio_stub: TwilioStub,
    twilio_http_client: StubTwilioHttpClient,
    telegram_stub: TelegramStub,
) -> None:
    """One SMS conversation in Turkish; two Danish notices, each on the recipient's channel."""
    settings = settings.model_copy(update={"telegram_api_base_url": telegram_stub.base_url})
    world = make_world(session)
    world.contact.telegram_chat_id = EMPLOYER_CHAT
    world.contact.preferred_channel = ChannelKind.TELEGRAM
    session.add(world.contact)
    session.commit()
    citizen = world.citizen.phone or ""

    with TestClient(create_app(settings, engine), base_url=settings.public_base_url) as client:
        for number, text in enumerate(("hastayım", "1", "1")):
            sms(client, settings, citizen, text, f"SM{number:032d}")
        sms(client, settings, citizen, "1", f"SM{2:032d}")  # Twilio retried the last webhook
        dispatch(engine, settings, twilio_http_client)

        to_employer = [r for r in telegram_stub.sent if r.form.get("chat_id") == str(EMPLOYER_CHAT)]
        assert len(to_employer) == 1
        employer_text = to_employer[0].form["text"]
        assert "Ayşe Yılmaz har meldt fravær" in employer_text
        assert "tirsdag 24. november" in employer_text
        assert not {"syg", "hasta", "barn"} & set(employer_text.lower().split())

        by_number: dict[str, list[str]] = {}
        for request in twilio_stub.messages:
            by_number.setdefault(request.form["To"], []).append(request.form["Body"])
        consultant = by_number[world.consultant.phone or ""]
        assert len(consultant) == 1 and consultant[0].startswith("Sygemelding: Ayşe Yılmaz")
        assert "Årsag: egen sygdom" in consultant[0]
        citizen_texts = by_number[citizen]  # sent concurrently: any order
        assert len(citizen_texts) == 3  # who? · when back? · who was told
        assert any("1 - Hastayım" in text for text in citizen_texts)
        assert any("Lars Holm" in text and "Mette Jensen" in text for text in citizen_texts)

        consultant_row = session.exec(
            select(Message).where(Message.address == world.consultant.phone)
        ).one()
        sid = consultant_row.provider_id or ""
        form = {"MessageSid": sid, "MessageStatus": "delivered"}
        path = f"/webhooks/twilio/status?outbox={consultant_row.id}"
        signature = RequestValidator(settings.twilio_auth_token).compute_signature(
            settings.public_base_url + path, form
        )
        assert (
            client.post(path, data=form, headers={"X-Twilio-Signature": signature}).status_code
            == 204
        )
    session.expire_all()
    assert session.get_one(Message, consultant_row.id).status == MessageStatus.DELIVERED


def test_telegram_citizen_answers_with_buttons(
    engine: Engine,
    session: Session,
    settings: Settings,
    twilio_http_client: StubTwilioHttpClient,
    telegram_stub: TelegramStub,
) -> None:
    """A Telegram update in the Bot API's JSON; options come back as inline keyboard buttons."""
    settings = settings.model_copy(update={"telegram_api_base_url": telegram_stub.base_url})
    make_world(session, telegram_chat_id=555123, preferred_channel=ChannelKind.TELEGRAM)
    headers = {"X-Telegram-Bot-Api-Secret-Token": settings.telegram_webhook_secret or ""}
    with TestClient(create_app(settings, engine), base_url=settings.public_base_url) as client:
        update = {
            "update_id": 1,
            "message": {
                "message_id": 10,
                "date": 1795000000,
                "chat": {"id": 555123, "type": "private"},
                "from": {"id": 555123, "is_bot": False, "first_name": "Ayşe"},
                "text": "hastayım",
            },
        }
        assert client.post("/webhooks/telegram", json=update, headers=headers).status_code == 200
        dispatch(engine, settings, twilio_http_client)
        question = telegram_stub.sent[-1].form
        keyboard = json.loads(question["reply_markup"])["inline_keyboard"]
        assert [row[0]["callback_data"] for row in keyboard] == ["1", "2"]
        press = {
            "update_id": 2,
            "callback_query": {
                "id": "cb1",
                "chat_instance": "x",
                "from": {"id": 555123, "is_bot": False, "first_name": "Ayşe"},
                "message": {
                    "message_id": 11,
                    "date": 1795000001,
                    "chat": {"id": 555123, "type": "private"},
                },
                "data": "2",
            },
        }
        answer = client.post("/webhooks/telegram", json=press, headers=headers)
        assert answer.json() == {"method": "answerCallbackQuery", "callback_query_id": "cb1"}
        dispatch(engine, settings, twilio_http_client)
    assert "işe dönmeyi" in telegram_stub.sent[-1].form["text"]  # "when back?" in Turkish
