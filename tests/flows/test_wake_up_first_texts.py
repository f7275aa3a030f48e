"""The database-written first wake-up texts: each row exactly as the careful path writes it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import Table
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.db.bulk import insert_rows
from bot.models import (
    ChannelKind,
    Citizen,
    Message,
    MessageStatus,
    Placement,
    WakeUp,
    WakeUpStage,
    WakeUpStatus,
)
from bot.outbox import sms_segments
from flows import wake_up
from flows.engine import render_options
from flows.wake_up_first_texts import NAME, place_text
from flows.wake_up_texts import UP_OR_SICK, first_text
from messages import render
from scheduler import jobs
from tests.flows.checkin_builders import Workplace, at, make_workplace

TUESDAY = date(2026, 11, 24)
LONG = "Mohammed-Abdirahman Warsame Hussein Abdullahi Ali"  # pushes a GSM text past 160
GSM_NAMES = ("Ali", "Åse Ørsted", LONG)
CITIZENS: Table = Citizen.__table__  # type: ignore[attr-defined]
PLACEMENTS: Table = Placement.__table__  # type: ignore[attr-defined]
OTHER_NAMES = ("Zoë", "Ли", "Çağlar")  # ë, Cyrillic, ğ: not GSM-7, so counted by the careful path


def morning(engine: Engine, clock: time_machine.Traveller) -> None:
    """Plan at 05:00, step at 06:30 (a shift at 08:00)."""
    clock.move_to(at(TUESDAY, "05:00"))
    jobs.plan_wake_ups(engine)
    clock.move_to(at(TUESDAY, "06:30"))
    jobs.advance_wake_ups(engine)


def careful_citizens(monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """Ids of the citizens whose first text the careful path writes (filled as it runs)."""
    seen: set[int] = set()
    original = wake_up._first_step

    def spy(session: Session, row: WakeUp, *args: Any) -> int:
        seen.add(row.citizen_id)
        return original(session, row, *args)

    monkeypatch.setattr(wake_up, "_first_step", spy)
    return seen


def first_texts(session: Session) -> dict[int, Message]:
    """Each citizen's first wake-up text."""
    session.expire_all()
    query = select(Message).where(Message.kind == wake_up.FIRST_TEXT)
    return {m.participant_id or 0: m for m in session.exec(query).all()}


@pytest.mark.parametrize("language", ["da", "en", "ar", "so", "tr", "uk", "fa", "ur"])
def test_every_first_text_is_the_one_the_careful_path_would_write(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
) -> None:
    """Body, options, segments, address, deadline and keys match; only odd names go careful."""
    place = make_workplace(
        session,
        (*GSM_NAMES, *OTHER_NAMES),
        citizen_language=language,
        start_date=TUESDAY,
        wakeup_days=None,
    )
    careful = careful_citizens(monkeypatch)
    morning(engine, clock)
    texts = first_texts(session)
    rows = {r.citizen_id: r for r in session.exec(select(WakeUp).where(WakeUp.day == TUESDAY))}
    options = render_options(UP_OR_SICK, language)
    for citizen, placement in zip(place.citizens, place.placements, strict=True):
        text, row = texts[citizen.id or 0], rows[citizen.id or 0]
        where = place_text(place.employer.name, placement.workplace_address)
        assert text.body == render(first_text(citizen.first_name, where, row.shift_start), language)
        assert text.segments == sms_segments(text.body, options)
        assert text.options == [{"value": o.value, "label": o.label} for o in options]
        assert (text.channel, text.address, text.language) == (
            ChannelKind.SMS,
            citizen.phone,
            language,
        )
        assert (text.status, text.deadline, text.ref) == (
            MessageStatus.PENDING,
            row.wake_at,
            f"wake_up:{row.id}",
        )
        assert text.idempotency_key == f"wake_up:{row.id}:{wake_up.FIRST_TEXT}"
        assert (row.stage, row.message_id) == (WakeUpStage.TEXTED, text.id)
        assert row.next_step_at == row.wake_at + timedelta(minutes=placement.wakeup_reply_minutes)
    by_name = {c.first_name: c.id for c in place.citizens}
    assert careful == {by_name[n] for n in OTHER_NAMES}
    if language in {"da", "en"}:  # GSM-7: the long name crosses 160 septets
        assert texts[by_name[LONG] or 0].segments > texts[by_name["Ali"] or 0].segments == 1


def test_telegram_texts_go_to_the_chat_and_cost_one(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A citizen on Telegram gets the text in the chat; one who prefers it without a chat, SMS."""
    place: Workplace = make_workplace(
        session, ("Ali", "Sara"), start_date=TUESDAY, wakeup_days=None
    )
    on_telegram, no_chat = place.citizens
    on_telegram.preferred_channel = ChannelKind.TELEGRAM
    on_telegram.telegram_chat_id = 987_654_321_012
    no_chat.preferred_channel = ChannelKind.TELEGRAM
    session.add_all([on_telegram, no_chat])
    session.commit()
    careful = careful_citizens(monkeypatch)
    morning(engine, clock)
    texts = first_texts(session)
    chat = texts[on_telegram.id or 0]
    assert (chat.channel, chat.address, chat.segments) == (
        ChannelKind.TELEGRAM,
        "987654321012",
        1,
    )
    sms = texts[no_chat.id or 0]
    assert (sms.channel, sms.address) == (ChannelKind.SMS, no_chat.phone)
    assert no_chat.id in careful and on_telegram.id not in careful


def test_a_citizen_opted_out_or_inactive_is_left_to_the_careful_path(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Opted out or inactive: no text is written in bulk; the careful path cancels the wake-up."""
    place = make_workplace(session, ("Ali", "Sara"), start_date=TUESDAY, wakeup_days=None)
    opted_out, inactive = place.citizens
    opted_out.opted_out_at = at(TUESDAY, "04:00")
    inactive.active = False
    session.add_all([opted_out, inactive])
    session.commit()
    careful = careful_citizens(monkeypatch)
    morning(engine, clock)
    texts = first_texts(session)
    assert opted_out.id not in texts and inactive.id not in texts
    session.expire_all()
    statuses = session.exec(
        select(WakeUp.status).where(
            col(WakeUp.citizen_id).in_([opted_out.id, inactive.id]), WakeUp.day == TUESDAY
        )
    ).all()
    assert careful == {opted_out.id, inactive.id}
    assert statuses == [WakeUpStatus.CANCELLED, WakeUpStatus.CANCELLED]


def test_a_morning_of_a_thousand_is_planned_and_texted_in_bulk(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Big enough for the statistics refresh (PostgreSQL) to run; every citizen gets one text."""
    place = make_workplace(session, ("Ali",), start_date=TUESDAY, wakeup_days=None)
    template = place.placements[0]
    count = 1200
    citizens = insert_rows(
        session,
        CITIZENS,
        [
            {
                "jobcentre_id": place.jobcentre.id,
                "consultant_id": place.consultant.id,
                "first_name": f"Borger{n}",
                "last_name": "Test",
                "phone": f"+4531{n:06d}",
                "language": "da",
                "preferred_channel": ChannelKind.SMS,
                "active": True,
                "created_at": at(TUESDAY, "04:00"),
            }
            for n in range(count)
        ],
        returning_ids=True,
    )
    placement = template.model_dump(exclude={"id", "citizen_id"})
    insert_rows(session, PLACEMENTS, [{**placement, "citizen_id": c} for c in citizens])
    session.commit()
    morning(engine, clock)
    texts = first_texts(session)
    assert len([c for c in citizens if c in texts]) == count
    assert {texts[c].body for c in citizens[:2]} == {
        texts[citizens[0]].body,
        texts[citizens[0]].body.replace("Borger0", "Borger1"),
    }


def test_a_place_holding_the_name_stand_in_is_written_by_the_careful_path(
    engine: Engine,
    session: Session,
    clock: time_machine.Traveller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A control character imported into an employer's name is kept, not replaced by a name."""
    place = make_workplace(session, ("Ali",), start_date=TUESDAY, wakeup_days=None)
    place.employer.name = f"Bager{NAME}iet"
    session.add(place.employer)
    session.commit()
    careful = careful_citizens(monkeypatch)
    morning(engine, clock)
    (citizen,) = place.citizens
    text = first_texts(session)[citizen.id or 0]
    assert f"Bager{NAME}iet" in text.body and "BagerAliiet" not in text.body
    assert careful == {citizen.id}
