"""Telegram's webhook: secret-token checked, every update stored once, never a 5xx."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.models import ChannelKind, Citizen, Direction, Message, MessageStatus
from bot.settings import Settings
from tests.factories import make_world
from webhooks.app import create_app
from webhooks.inbound.telegram import TgUpdate, to_inbound

# The router looks at the time (working days, shifts): keep it still.
pytestmark = pytest.mark.usefixtures("clock")

PATH = "/webhooks/telegram"
SECRET = "test-telegram-secret"
CHAT_ID = 5550001234
USER = {"id": CHAT_ID, "is_bot": False, "first_name": "Ayşe", "language_code": "tr"}
CHAT = {"id": CHAT_ID, "first_name": "Ayşe", "type": "private"}


def text_update(update_id: int = 100, text: str = "syg", **message: Any) -> dict[str, Any]:
    """An update carrying a private text message, as the Bot API sends it."""
    body: dict[str, Any] = {
        "message_id": 17,
        "from": USER,
        "chat": CHAT,
        "date": 1795500000,
        "text": text,
    }
    body.update(message)
    return {"update_id": update_id, "message": body}


def button_update(
    update_id: int = 200, data: str = "1", with_message: bool = True
) -> dict[str, Any]:
    """A press on an inline keyboard button."""
    query: dict[str, Any] = {
        "id": "4382bfdwdsb323b2d9",
        "from": USER,
        "chat_instance": "-1234567890",
        "data": data,
    }
    if with_message:
        query["message"] = {
            "message_id": 18,
            "from": {"id": 123456, "is_bot": True, "first_name": "Makker"},
            "chat": CHAT,
            "date": 1795500000,
            "text": "Er du syg?",
        }
    return {"update_id": update_id, "callback_query": query}


def post(client: TestClient, update: Any, secret: str | None = SECRET) -> httpx2.Response:
    """POST an update with the secret-token header (or without it)."""
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    return client.post(PATH, json=update, headers=headers)


def inbound_rows(engine: Engine) -> list[Message]:
    """Inbound messages stored so far."""
    with Session(engine) as s:
        query = select(Message).where(col(Message.direction) == Direction.INBOUND)
        return list(s.exec(query.order_by(col(Message.id))).all())


def all_rows(engine: Engine) -> list[Message]:
    """Every message row, in or out."""
    with Session(engine) as s:
        return list(s.exec(select(Message)).all())


def test_text_message_is_stored_and_routed(client: TestClient, engine: Engine) -> None:
    """Address is the chat id, provider id the update id."""
    response = post(client, text_update())

    assert response.status_code == 200
    (stored,) = inbound_rows(engine)
    assert stored.channel == ChannelKind.TELEGRAM
    assert stored.address == str(CHAT_ID)
    assert stored.body == "syg"
    assert stored.provider_id == "update:100"
    assert stored.status == MessageStatus.HANDLED


def test_same_update_twice_is_stored_once(client: TestClient, engine: Engine) -> None:
    """Telegram redelivers when it did not see our 200 in time."""
    assert post(client, text_update()).status_code == 200
    assert post(client, text_update()).status_code == 200
    assert len(inbound_rows(engine)) == 1


def test_button_press_is_stored_and_answered_in_the_webhook_reply(
    client: TestClient, engine: Engine
) -> None:
    """The callback data is the text; the reply JSON is an answerCallbackQuery call."""
    response = post(client, button_update(data="2"))

    assert response.status_code == 200
    assert response.json() == {
        "method": "answerCallbackQuery",
        "callback_query_id": "4382bfdwdsb323b2d9",
    }
    (stored,) = inbound_rows(engine)
    assert stored.body == "2"
    assert stored.address == str(CHAT_ID)
    assert stored.provider_id == "update:200"


def test_a_repeated_button_press_update_is_answered_but_stored_once(
    client: TestClient, engine: Engine
) -> None:
    """The spinner must stop even for a redelivered update."""
    post(client, button_update())
    again = post(client, button_update())
    assert again.json()["method"] == "answerCallbackQuery"
    assert len(inbound_rows(engine)) == 1


def test_button_press_without_its_message_uses_the_user_id(
    client: TestClient, engine: Engine
) -> None:
    """Old messages can come without `message`; in a private chat the chat id is the user id."""
    assert post(client, button_update(with_message=False)).status_code == 200
    (stored,) = inbound_rows(engine)
    assert stored.address == str(CHAT_ID)


def test_photo_without_text_is_stored_as_empty_text(client: TestClient, engine: Engine) -> None:
    """The router answers "" with the help menu."""
    update = text_update(photo=[{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}])
    del update["message"]["text"]
    assert post(client, update).status_code == 200
    (stored,) = inbound_rows(engine)
    assert stored.body == ""


@pytest.mark.parametrize("kind", ["edited_message", "my_chat_member", "channel_post"])
def test_other_update_kinds_are_acknowledged_and_ignored(
    client: TestClient, engine: Engine, kind: str
) -> None:
    """200 so Telegram moves on; nothing stored."""
    update = {"update_id": 300, kind: text_update()["message"]}
    assert post(client, update).status_code == 200
    assert all_rows(engine) == []


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("test-telegram-secreT", id="wrong"),
        pytest.param("test-telegram-secret-and-more", id="longer"),
    ],
)
def test_wrong_secret_is_refused_without_a_write(
    client: TestClient, engine: Engine, secret: str | None
) -> None:
    """403 and an empty message table."""
    assert post(client, text_update(), secret=secret).status_code == 403
    assert all_rows(engine) == []


def test_without_a_configured_secret_every_update_is_refused(
    settings: Settings, engine: Engine
) -> None:
    """No secret set: the webhook is closed."""
    unconfigured = settings.model_copy(
        update={"telegram_bot_token": None, "telegram_webhook_secret": None}
    )
    with TestClient(create_app(unconfigured, engine), base_url=settings.public_base_url) as c:
        assert post(c, text_update()).status_code == 403
        assert post(c, text_update(), secret="").status_code == 403
    assert all_rows(engine) == []


def test_wrong_secret_is_refused_before_the_body_is_read(
    client: TestClient, engine: Engine
) -> None:
    """Garbage from a stranger gets 403, not a parse error that reveals anything."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
    assert client.post(PATH, content=b"{not json", headers=headers).status_code == 403


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"{not json", 400, id="invalid-json"),
        pytest.param(b"", 400, id="empty"),
        pytest.param(b'{"message": {"text": "hi"}}', 422, id="no-update-id"),
        pytest.param(b'{"update_id": "abc"}', 422, id="update-id-not-a-number"),
        pytest.param(b"[1, 2]", 422, id="array"),
        pytest.param(b'{"update_id": 1, "message": {"text": "no chat"}}', 422, id="no-chat"),
        pytest.param(b'{"update_id": 1, "callback_query": {"data": "1"}}', 422, id="bad-query"),
    ],
)
def test_malformed_updates_are_4xx_and_not_stored(
    client: TestClient, engine: Engine, content: bytes, expected: int
) -> None:
    """Never a 500 for something Telegram (or anyone with the secret) sent."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    assert client.post(PATH, content=content, headers=headers).status_code == expected
    assert all_rows(engine) == []


def test_sharing_ones_own_contact_links_the_chat_to_the_person(
    client: TestClient, engine: Engine, session: Session
) -> None:
    """Telegram sends the number without "+"; it is normalised and matched to the citizen."""
    world = make_world(session)
    phone = world.citizen.phone
    assert phone is not None
    contact = {"phone_number": phone.removeprefix("+"), "first_name": "Ayşe", "user_id": CHAT_ID}
    update = text_update(contact=contact)
    del update["message"]["text"]

    assert post(client, update).status_code == 200

    with Session(engine) as s:
        citizen = s.get_one(Citizen, world.citizen.id)
    assert citizen.telegram_chat_id == CHAT_ID


def test_someone_elses_contact_card_is_not_taken_as_the_senders_phone(
    client: TestClient, engine: Engine, session: Session
) -> None:
    """A forwarded card (user_id of another person) must not link this chat to them."""
    world = make_world(session)
    phone = world.citizen.phone
    assert phone is not None
    contact = {"phone_number": phone, "first_name": "Ayşe", "user_id": 999}
    update = text_update(contact=contact)
    del update["message"]["text"]

    assert post(client, update).status_code == 200

    with Session(engine) as s:
        citizen = s.get_one(Citizen, world.citizen.id)
    assert citizen.telegram_chat_id is None


@pytest.mark.parametrize(
    ("phone_number", "user_id", "expected"),
    [
        ("4520123456", CHAT_ID, "+4520123456"),
        ("+45 20 12 34 56", CHAT_ID, "+4520123456"),
        ("4520123456", 999, None),
        ("4520123456", None, None),
        ("12", CHAT_ID, None),
    ],
)
def test_shared_phone_only_for_the_senders_own_valid_number(
    phone_number: str, user_id: int | None, expected: str | None
) -> None:
    """Own card → E.164; a friend's card, a card without user id, or junk → nothing."""
    contact: dict[str, Any] = {"phone_number": phone_number, "first_name": "A"}
    if user_id is not None:
        contact["user_id"] = user_id
    update = TgUpdate.model_validate(text_update(contact=contact))
    inbound = to_inbound(update, "DK")
    assert inbound is not None
    assert inbound.shared_phone == expected


def test_own_contact_shared_in_a_group_does_not_link_the_group(
    client: TestClient, engine: Engine, session: Session
) -> None:
    """Linking a group chat would send the citizen's sick-day messages to the whole group."""
    world = make_world(session)
    phone = world.citizen.phone
    assert phone is not None
    group = {"id": -100987654321, "title": "Bageriet", "type": "supergroup"}
    contact = {"phone_number": phone, "first_name": "Ayşe", "user_id": CHAT_ID}
    update = text_update(contact=contact, chat=group)
    del update["message"]["text"]

    assert post(client, update).status_code == 200

    with Session(engine) as s:
        citizen = s.get_one(Citizen, world.citizen.id)
    assert citizen.telegram_chat_id is None
