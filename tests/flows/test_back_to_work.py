"""Back to work: "rask" closes the absence and tells employer and consultant the day."""

from __future__ import annotations

from datetime import date

import time_machine
from sqlmodel import Session, select

from bot.models import Absence
from tests.factories import World
from tests.flows.chat import Chat


def _sick(chat: Chat, phone: str) -> None:
    """Report own illness, back in a few days."""
    for text in ("syg", "1", "2"):
        chat.send(phone, text)


def test_morning_asks_today_or_next_day(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """Before the shift ends, the citizen picks today or the next work day."""
    phone = world.citizen.phone or ""
    _sick(chat, phone)
    clock.move_to("2026-11-25T06:00:00+00:00")  # Wednesday 07:00
    chat.send(phone, "iyileştim")
    assert chat.last(phone).kind == "back_to_work.ask_day"
    chat.send(phone, "1")
    absence = session.exec(select(Absence)).one()
    assert absence.closed_at is not None and absence.return_day == date(2026, 11, 25)
    assert chat.last(world.contact.phone or "").kind == "back_to_work.employer_notice"
    assert "onsdag 25. november" in chat.last(world.contact.phone or "").body
    assert chat.last(world.consultant.phone or "").kind == "back_to_work.consultant_notice"
    assert chat.last(phone).kind == "back_to_work.confirm"


def test_evening_closes_for_next_work_day_without_asking(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """After the shift, "rask" means from the next work day."""
    phone = world.citizen.phone or ""
    _sick(chat, phone)
    clock.move_to("2026-11-24T18:00:00+00:00")  # Tuesday 19:00
    chat.send(phone, "rask")
    absence = session.exec(select(Absence)).one()
    assert absence.return_day == date(2026, 11, 25)
    assert chat.last(phone).kind == "back_to_work.confirm"


def test_not_sick_gets_a_friendly_answer(chat: Chat, world: World, clock: object) -> None:
    """Writing "rask" without an open absence tells nobody anything."""
    chat.send(world.citizen.phone or "", "better")
    assert chat.last(world.citizen.phone or "").kind == "back_to_work.not_sick"
    assert chat.outbound(world.contact.phone) == []


def test_without_a_schedule_the_morning_still_offers_today(
    chat: Chat, world: World, session: Session, clock: time_machine.Traveller
) -> None:
    """Irregular hours (no schedule): "rask" at 07:00 on a weekday asks, with both options."""
    world.placement.schedule = {}
    session.add(world.placement)
    session.commit()
    phone = world.citizen.phone or ""
    _sick(chat, phone)
    clock.move_to("2026-11-25T06:00:00+00:00")  # Wednesday 07:00
    chat.send(phone, "rask")
    assert chat.last(phone).kind == "back_to_work.ask_day"
    chat.send(phone, "hmm")
    reprompt = chat.last(phone)
    assert reprompt.kind == "back_to_work.reprompt"
    assert [o["value"] for o in reprompt.options] == ["1", "2"]
