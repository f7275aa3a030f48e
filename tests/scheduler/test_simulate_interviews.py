"""Interviews in `makker simulate`: booked, reminded outside quiet hours, answered, counted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.db.engine import make_engine
from bot.hours import DEFAULT_HOURS, is_quiet
from bot.models import Direction, Interview, Message
from scheduler import simulate_interviews
from scheduler.simulate import simulate


def test_simulated_interviews_keep_the_quiet_hours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three days with many interviews: every text sent outside quiet hours, before the start."""
    monkeypatch.setattr(simulate_interviews, "SHARE_PER_DAY", 0.5)
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    result = simulate(
        4,
        3,
        seed_value=5,
        start=date(2026, 11, 23),
        database_url=url,
        book_interviews=simulate_interviews.book_interviews,
    )
    assert all(ok for _, ok in result.checks), result.checks
    assert sum(result.interviews.values()) >= 3
    engine = make_engine(url)
    with Session(engine) as session:
        starts = {f"interview:{i.id}": i.starts_at for i in session.exec(select(Interview))}
        sent = session.exec(
            select(Message).where(
                Message.direction == Direction.OUTBOUND, Message.kind.startswith("interview.")
            )
        ).all()
    engine.dispose()
    assert {m.kind for m in sent} >= {"interview.booked", "interview.tips", "interview.confirm"}
    for message in sent:
        if message.sent_at is None or message.in_reply_to_id is not None:
            continue  # replies answer the citizen at once
        assert not is_quiet(DEFAULT_HOURS, message.sent_at), message.kind
        if message.kind in ("interview.tips", "interview.confirm", "interview.leave"):
            assert message.sent_at < starts[message.ref or ""], message.kind
