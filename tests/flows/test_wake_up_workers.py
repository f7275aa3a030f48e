"""Two workers on one PostgreSQL never take the same wake-up step."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
import time_machine
from pytest import MonkeyPatch
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.models import Message, WakeUp
from flows import wake_up
from scheduler import jobs
from tests.factories import weekday_schedule
from tests.flows.checkin_builders import at, make_workplace
from tests.flows.test_wake_up import TUESDAY


def test_a_step_claimed_by_one_worker_is_skipped_by_the_other(
    engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Worker A holds the due rows (FOR UPDATE SKIP LOCKED); worker B finds nothing to do."""
    make_workplace(session, ("Ali", "Bo", "Cem"), start_date=TUESDAY, wakeup_days=None)
    clock.move_to(at(TUESDAY, "05:00"))
    jobs.plan_wake_ups(engine)
    clock.move_to(at(TUESDAY, "06:30"))
    if engine.dialect.name == "sqlite":
        # SQLite has one writer: write_scope's BEGIN IMMEDIATE serialises the two passes.
        assert jobs.advance_wake_ups(engine) == 3
        assert jobs.advance_wake_ups(engine) == 0
        return
    with Session(engine) as worker_a:
        taken = wake_up.advance_wake_ups(worker_a, at(TUESDAY, "06:30"))
        with Session(engine) as worker_b:
            assert wake_up.advance_wake_ups(worker_b, at(TUESDAY, "06:30")) == 0
            worker_b.commit()
        worker_a.commit()
    assert taken == 3
    session.expire_all()
    texts = session.exec(select(Message).where(Message.kind == wake_up.FIRST_TEXT)).all()
    assert len(texts) == 3


def test_a_second_worker_renders_the_rows_it_can_take_not_the_ones_held(
    engine: Engine, session: Session, clock: time_machine.Traveller, monkeypatch: MonkeyPatch
) -> None:
    """B's pass skips A's rows when it renders, so its own rows still go out in bulk."""
    if engine.dialect.name == "sqlite":
        pytest.skip("row-level locking is PostgreSQL's; SQLite serialises the passes instead")
    place = make_workplace(session, ("Ali", "Bo"), start_date=TUESDAY, wakeup_days=None)
    late = place.placements[1]  # Bo starts an hour later: another rendering, a later row
    late.schedule = weekday_schedule(start=time(9, 0))
    session.add(late)
    session.commit()
    clock.move_to(at(TUESDAY, "05:00"))
    jobs.plan_wake_ups(engine)
    clock.move_to(at(TUESDAY, "07:30"))  # both due: Ali's from 06:30, Bo's from now
    careful: list[int] = []
    original = wake_up._first_step

    def spy(session: Session, row: WakeUp, *args: Any) -> int:
        careful.append(row.citizen_id)
        return original(session, row, *args)

    monkeypatch.setattr(wake_up, "_first_step", spy)
    now = at(TUESDAY, "07:30")
    with Session(engine) as worker_a:
        assert wake_up.advance_wake_ups(worker_a, now, limit=1) == 1  # Ali's, held
        with Session(engine) as worker_b:
            assert wake_up.advance_wake_ups(worker_b, now, limit=1) == 1  # Bo's
            worker_b.commit()
        worker_a.commit()
    assert careful == []
