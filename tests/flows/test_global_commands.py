"""HELP, STOP, START and LANGUAGE work at any point; unknown senders learn nothing."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.models import Alert, AlertKind, Citizen, Conversation, MessageStatus
from tests.factories import World, make_citizen, make_jobcentre
from tests.flows.chat import Chat


def test_anything_unclear_gets_the_help_menu(chat: Chat, world: World, clock: object) -> None:
    """A message that matches nothing is answered with the numbered menu."""
    for text in ("hello?", "", "🙂🙂", "x" * 5000, "مرحبا كيف حالك"):
        chat.send(world.citizen.phone or "", text)
        menu = chat.last(world.citizen.phone or "")
        assert menu.kind == "help.menu"
        assert [o["value"] for o in menu.options] == ["1", "2", "3", "4"]


def test_menu_number_starts_the_flow(chat: Chat, world: World, clock: object) -> None:
    """HELP then 2 is "my child is sick": straight to the return question."""
    chat.send(world.citizen.phone or "", "HELP")
    chat.send(world.citizen.phone or "", "2")
    assert chat.last(world.citizen.phone or "").kind == "sick_day.ask_return"


def test_help_works_inside_a_conversation(chat: Chat, world: World, clock: object) -> None:
    """HELP in the middle of the sick flow shows the menu."""
    chat.send(world.citizen.phone or "", "syg")
    chat.send(world.citizen.phone or "", "hjælp")
    assert chat.last(world.citizen.phone or "").kind == "help.menu"


def test_stop_opts_out_alerts_consultant_and_silences(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """After STOP only the confirmation goes out; the consultant is alerted once."""
    phone = world.citizen.phone or ""
    chat.send(phone, "syg")
    chat.send(phone, "STOP")
    assert chat.last(phone).kind == "stop.confirm"
    assert chat.last(phone).status == MessageStatus.PENDING
    session.expire_all()
    assert session.get_one(Citizen, world.citizen.id).opted_out_at is not None
    alert = session.exec(select(Alert)).one()
    assert alert.kind == AlertKind.OPTED_OUT
    assert chat.last(world.consultant.phone or "").kind == "alert.opted_out"
    assert session.exec(select(Conversation)).all() == []
    sent_before = len(chat.outbound(phone))
    chat.send(phone, "syg")
    chat.send(phone, "STOP")
    assert len(chat.outbound(phone)) == sent_before + 1  # a repeated STOP is confirmed again
    kinds = [a.kind for a in session.exec(select(Alert)).all()]
    assert kinds == [AlertKind.OPTED_OUT, AlertKind.ABSENCE_WHILE_OPTED_OUT]  # not a 2nd STOP


def test_opted_out_citizen_sick_report_reaches_nobody(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """No outbound messages at all, except the STOP confirmation."""
    phone = world.citizen.phone or ""
    chat.send(phone, "stop")
    for text in ("syg", "1", "1"):
        chat.send(phone, text)
    assert chat.kinds(phone) == ["stop.confirm"]
    assert chat.outbound(world.contact.phone) == []


def test_start_opts_back_in(chat: Chat, world: World, session: Session, clock: object) -> None:
    """START restores messages and tells the consultant."""
    phone = world.citizen.phone or ""
    chat.send(phone, "STOP")
    chat.send(phone, "START")
    assert chat.last(phone).kind == "start.confirm"
    session.expire_all()
    assert session.get_one(Citizen, world.citizen.id).opted_out_at is None
    kinds = [a.kind for a in session.exec(select(Alert)).all()]
    assert kinds == [AlertKind.OPTED_OUT, AlertKind.OPTED_IN]


def test_language_switch(chat: Chat, world: World, session: Session, clock: object) -> None:
    """LANGUAGE lists languages by their own names; the choice is saved and used."""
    phone = world.citizen.phone or ""
    chat.send(phone, "dil")
    menu = chat.last(phone)
    assert menu.kind == "language.menu"
    labels = {o["value"]: o["label"] for o in menu.options}
    assert labels == {
        "1": "Dansk",
        "2": "English",
        "3": "Türkçe",
        "4": "العربية",
        "5": "Soomaali",
        "6": "اردو",
        "7": "Українська",
        "8": "فارسی",
    }
    chat.send(phone, "2")
    confirm = chat.last(phone)
    assert confirm.language == "en" and "English" in confirm.body
    session.expire_all()
    assert session.get_one(Citizen, world.citizen.id).language == "en"


def test_unknown_sender_gets_one_bilingual_reply(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """Danish and English, no names, once a day."""
    stranger = "+4540404040"
    chat.send(stranger, "syg")
    chat.send(stranger, "hallo?")
    replies = chat.outbound(stranger)
    assert len(replies) == 1
    body = replies[0].body
    assert "jobcenter" in body.lower() and "registered" in body
    for secret in ("Ayşe", "Lars", "Mette", "Bageriet"):
        assert secret not in body


def test_citizen_of_another_jobcentre_is_told_only_their_own_people(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """A citizen without a placement or consultant is told nobody could be reached."""
    other = make_citizen(session, make_jobcentre(session, name="Jobcenter Aarhus"))
    session.commit()
    for text in ("syg", "1", "1"):
        chat.send(other.phone or "", text)
    assert chat.last(other.phone or "").kind == "sick_day.confirm_nobody"
    assert chat.outbound(world.contact.phone) == []
    assert chat.outbound(world.consultant.phone) == []


def test_opted_out_sick_message_alerts_the_consultant_without_forwarding(
    chat: Chat, world: World, session: Session, clock: object
) -> None:
    """STOP means no texts to them, but a sick report must not silently vanish."""
    phone = world.citizen.phone or ""
    chat.send(phone, "STOP")
    chat.send(phone, "jeg er syg i dag")
    chat.send(phone, "hej")  # not about an absence: nothing at all
    kinds = [a.kind for a in session.exec(select(Alert)).all()]
    assert kinds == [AlertKind.OPTED_OUT, AlertKind.ABSENCE_WHILE_OPTED_OUT]
    alert_text = chat.last(world.consultant.phone or "")
    assert alert_text.kind == "alert.absence_while_opted_out"
    assert "ikke givet videre" in alert_text.body  # "not passed on", in Danish
    assert chat.kinds(phone) == ["stop.confirm"]
    assert chat.outbound(world.contact.phone) == []
