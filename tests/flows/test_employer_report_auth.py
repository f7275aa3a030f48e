"""An employer never reaches another employer's citizen, and learns nothing by trying."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlmodel import Session, delete

from bot.models import Conversation, Placement
from tests.factories import make_contact, make_employer
from tests.flows.chat import Chat
from tests.flows.checkin_builders import Workplace, alerts, make_workplace, reports, sent_to


def _fresh(session: Session) -> None:
    """Forget every open question, so each attempt starts from scratch."""
    session.exec(delete(Conversation))
    session.commit()


def _nothing_happened(session: Session, w: Workplace) -> None:
    """No report, no alert, and no message to any citizen."""
    assert reports(session) == []
    assert alerts(session) == []
    for citizen in (*w.citizens, w.other_citizen):
        assert sent_to(session, citizen.phone) == []


def test_foreign_name_phone_or_number_get_one_neutral_reply(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """Ayşe (placed elsewhere), Bob (nowhere), Ayşe's phone, list number 7: the same reply."""
    w = make_workplace(session, ("Ali", "Sara"))
    other_phone = w.other_citizen.phone
    assert other_phone is not None
    replies = []
    for text in (
        "Ayşe kom ikke i dag",
        "Bob kom ikke i dag",
        f"{other_phone} kom ikke i dag",
        f"{other_phone[3:5]} {other_phone[5:7]} {other_phone[7:9]} {other_phone[9:]} er syg",
    ):
        _fresh(session)
        chat.send(w.phone, text)
        replies.append(sent_to(session, w.phone)[-1])
    _fresh(session)
    chat.send(w.phone, "kom ikke i dag")  # names nobody: the list
    assert sent_to(session, w.phone)[-1].kind == "employer_report.ask_citizen"
    chat.send(w.phone, "7")
    replies.append(sent_to(session, w.phone)[-1])
    assert {m.kind for m in replies} == {"employer_report.not_yours"}
    assert len({(m.body, str(m.options)) for m in replies}) == 1
    assert [o["label"] for o in replies[0].options] == ["Ali", "Sara"]
    assert "Ayşe" not in replies[0].body and "Bob" not in replies[0].body
    _nothing_happened(session, w)


def test_the_neutral_reply_does_not_depend_on_who_exists_elsewhere(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """With one citizen of their own, a foreign name is never filed on that citizen."""
    w = make_workplace(session, ("Ali",))
    chat.send(w.phone, "Ayşe kom ikke i dag")
    exists = sent_to(session, w.phone)[-1]
    _fresh(session)
    chat.send(w.phone, "Zainab kom ikke i dag")
    nowhere = sent_to(session, w.phone)[-1]
    assert (exists.kind, exists.body, exists.options) == (
        nowhere.kind,
        nowhere.body,
        nowhere.options,
    )
    _nothing_happened(session, w)


def test_a_foreign_name_in_the_list_step_is_refused_then_the_menu(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """Asked which one, "Ayşe" gets the neutral reply once; the next miss shows the menu."""
    w = make_workplace(session, ("Ali", "Sara"))
    chat.send(w.phone, "for sent")
    chat.send(w.phone, "Ayşe")
    assert sent_to(session, w.phone)[-1].kind == "employer_report.not_yours"
    chat.send(w.phone, "Ayşe")
    assert sent_to(session, w.phone)[-1].kind == "help.menu"
    _nothing_happened(session, w)


def test_the_other_employer_cannot_reach_our_citizen(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """Ali's name or phone from another workplace's contact: neutral, about their own list."""
    w = make_workplace(session, ("Ali",))
    other = w.other_contact.phone or ""
    chat.send(other, "Ali kom ikke i dag")
    reply = sent_to(session, other)[-1]
    assert reply.kind == "employer_report.not_yours"
    assert [o["label"] for o in reply.options] == ["Ayşe"]
    _fresh(session)
    chat.send(other, f"{w.citizens[0].phone} er ikke mødt op")
    assert sent_to(session, other)[-1].kind == "employer_report.not_yours"
    _nothing_happened(session, w)
    chat.send(other, "1")  # their own citizen, from the list
    (report,) = reports(session)
    assert report.citizen_id == w.other_citizen.id


def test_a_contact_with_nobody_placed_gets_the_same_words_for_any_name(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """A contact at a company with no placement: one fixed answer, whoever is named."""
    w = make_workplace(session, ("Ali",))
    lonely = make_contact(session, make_employer(session, w.jobcentre, name="Tomt ApS"))
    session.commit()
    bodies = set()
    for text in ("Ali kom ikke i dag", "Bob kom ikke i dag"):
        chat.send(lonely.phone or "", text)
        message = sent_to(session, lonely.phone)[-1]
        assert message.kind == "employer_report.nobody"
        bodies.add(message.body)
    assert len(bodies) == 1
    _nothing_happened(session, w)


def test_a_placement_that_ended_after_the_list_was_shown_is_not_reachable(
    chat: Chat, session: Session, clock: time_machine.Traveller
) -> None:
    """The list number of an ended placement gets the neutral reply, not a report."""
    w = make_workplace(session, ("Ali", "Sara"))
    chat.send(w.phone, "for sent")
    placement = session.get_one(Placement, w.placements[0].id)
    placement.end_date = date(2026, 11, 23)
    session.add(placement)
    session.commit()
    chat.send(w.phone, "1")  # Ali, no longer placed here
    reply = sent_to(session, w.phone)[-1]
    assert reply.kind == "employer_report.not_yours"
    assert [o["label"] for o in reply.options] == ["Sara"]
    assert reports(session) == []
