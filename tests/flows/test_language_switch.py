"""Three messages in a row in another language bring one offer to switch, in that language."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.models import Citizen, Direction, Message
from tests.factories import World, make_world
from tests.flows.chat import Chat


def _danish_citizen(session: Session) -> World:
    """A citizen whose profile says Danish."""
    return make_world(session, language="da", first_name="Omar")


def test_offer_after_three_messages_in_turkish(chat: Chat, session: Session, clock: object) -> None:
    """The offer is written in Turkish, names the language, and switches on 1."""
    world = _danish_citizen(session)
    phone = world.citizen.phone or ""
    for text in ("merhaba", "ne yapmalıyım", "anlamadım"):
        chat.send(phone, text)
    offer = chat.last(phone)
    assert offer.kind == "language.offer" and offer.language == "tr"
    assert "Türkçe" in offer.body
    chat.send(phone, "1")
    session.expire_all()
    assert session.get_one(Citizen, world.citizen.id).language == "tr"
    assert chat.last(phone).kind == "language.confirm"
    assert chat.last(phone).language == "tr"


def test_offer_is_made_once_and_no_keeps_the_language(
    chat: Chat, session: Session, clock: object
) -> None:
    """A "no" keeps Danish; more Turkish messages bring no second offer."""
    world = _danish_citizen(session)
    phone = world.citizen.phone or ""
    for text in ("merhaba", "ne yapmalıyım", "anlamadım"):
        chat.send(phone, text)
    chat.send(phone, "2")
    assert chat.last(phone).kind == "language.offer_declined"
    for text in ("merhaba", "ne yapmalıyım", "anlamadım", "teşekkürler"):
        chat.send(phone, text)
    assert chat.kinds(phone).count("language.offer") == 1
    session.expire_all()
    assert session.get_one(Citizen, world.citizen.id).language == "da"


def test_no_offer_in_the_middle_of_a_sick_report(
    chat: Chat, session: Session, clock: object
) -> None:
    """A Turkish sick report is handled first; the offer waits until its questions are done."""
    world = _danish_citizen(session)
    phone = world.citizen.phone or ""
    chat.send(phone, "merhaba")
    chat.send(phone, "anlamadım")
    chat.send(phone, "hastayım")  # third in Turkish, but a question is now open
    assert chat.last(phone).kind == "sick_day.ask_who"
    assert "language.offer" not in chat.kinds(phone)
    chat.send(phone, "1")
    chat.send(phone, "1")
    kinds = chat.kinds(phone)
    assert kinds[-2:] == ["sick_day.confirm", "language.offer"]


def test_mixed_or_own_language_brings_no_offer(chat: Chat, session: Session, clock: object) -> None:
    """Danish in between, or numbers only, break the streak."""
    world = _danish_citizen(session)
    phone = world.citizen.phone or ""
    for text in ("merhaba", "hej", "anlamadım", "ne yapmalıyım"):
        chat.send(phone, text)
    assert "language.offer" not in chat.kinds(phone)
    query = select(Message.detected_language).where(Message.direction == Direction.INBOUND)
    detected = list(session.exec(query.order_by(col(Message.id))).all())
    assert detected == ["tr", "da", "tr", "tr"]
