"""Two workers on one PostgreSQL never take the same wake-up step."""

from __future__ import annotations

import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.models import Message
from flows import wake_up
from scheduler import jobs
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
