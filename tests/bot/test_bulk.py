"""Bulk inserts and updates write exactly what the ORM would, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Table
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.db.bulk import BulkWriteError, insert_rows, update_rows
from bot.models import (
    ChannelKind,
    Direction,
    Message,
    MessageStatus,
    ParticipantKind,
    WakeUp,
    WakeUpStage,
    WakeUpStatus,
)
from tests.factories import make_world

MESSAGES: Table = Message.__table__  # type: ignore[attr-defined]
WAKE_UPS: Table = WakeUp.__table__  # type: ignore[attr-defined]
NOW = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)


def _message(n: int, **overrides: Any) -> dict[str, Any]:
    """The columns of one outbound row, as bot.outbox.outbox_values gives them."""
    return {
        "jobcentre_id": None,
        "direction": Direction.OUTBOUND,
        "channel": ChannelKind.SMS,
        "participant_kind": ParticipantKind.CITIZEN,
        "participant_id": None,
        "address": f"+4530{n:06d}",
        "kind": "wake_up.text",
        "language": "ar",
        "body": f"صباح الخير {n} – æøå «{n}»",
        "options": [{"value": "1", "label": "Jeg er oppe"}],
        "status": MessageStatus.PENDING,
        "idempotency_key": f"bulk:{n}",
        "in_reply_to_id": None,
        "next_attempt_at": NOW + timedelta(seconds=n),
        "deadline": NOW + timedelta(minutes=n),
        "ref": None,
        "segments": 2,
        "created_at": NOW,
        "updated_at": NOW,
        **overrides,
    }


def test_inserted_rows_read_back_as_written_with_their_ids_in_order(session: Session) -> None:
    rows = [_message(n) for n in range(50)]
    rows[7] |= {"ref": "wake_up:7", "body": 'tab\tnewline\n backslash \\ quote " end'}
    ids = insert_rows(session, MESSAGES, rows, returning_ids=True)
    session.commit()
    assert len(ids) == 50 and len(set(ids)) == 50
    for row_id, row in zip(ids, rows, strict=True):
        stored = session.get(Message, row_id)
        assert stored is not None
        assert stored.idempotency_key == row["idempotency_key"]
        assert stored.body == row["body"]
        assert stored.options == row["options"]
        assert stored.next_attempt_at == row["next_attempt_at"]
        assert stored.status == MessageStatus.PENDING and stored.channel == ChannelKind.SMS
        assert stored.in_reply_to_id is None and stored.ref == row["ref"]
        assert stored.attempts == 0  # the column default, also on the COPY path


def test_no_rows_is_no_statement(session: Session) -> None:
    assert insert_rows(session, MESSAGES, [], returning_ids=True) == []
    assert update_rows(session, MESSAGES, []) == set()


def test_a_conflicting_row_is_skipped_and_the_rest_written(session: Session) -> None:
    world = make_world(session)
    session.commit()
    assert world.citizen.id is not None and world.placement.id is not None

    def wake_up(day: date) -> dict[str, Any]:
        return {
            "jobcentre_id": world.jobcentre.id,
            "citizen_id": world.citizen.id,
            "placement_id": world.placement.id,
            "day": day,
            "shift_start": NOW + timedelta(hours=2),
            "wake_at": NOW,
            "status": WakeUpStatus.OPEN,
            "stage": WakeUpStage.PLANNED,
            "next_step_at": NOW,
            "created_at": NOW,
            "updated_at": NOW,
        }

    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    insert_rows(session, WAKE_UPS, [wake_up(monday)], skip_conflicts_on=["citizen_id", "day"])
    insert_rows(
        session,
        WAKE_UPS,
        [wake_up(monday), wake_up(tuesday)],
        skip_conflicts_on=["citizen_id", "day"],
    )
    session.commit()
    days = session.exec(select(col(WakeUp.day)).where(WakeUp.citizen_id == world.citizen.id)).all()
    assert sorted(days) == [monday, tuesday]


def test_update_changes_only_rows_still_in_an_allowed_state(session: Session) -> None:
    ids = insert_rows(session, MESSAGES, [_message(n) for n in range(4)], returning_ids=True)
    moved = ids[3]
    session.execute(
        MESSAGES.update().where(MESSAGES.c.id == moved).values(status=MessageStatus.DELIVERED)
    )
    later = NOW + timedelta(hours=1)
    changed = update_rows(
        session,
        MESSAGES,
        [{"id": row_id, "provider_id": f"p{n}"} for n, row_id in enumerate(ids)],
        same={"status": MessageStatus.SENT, "sent_at": later},
        only_if={"status": [MessageStatus.PENDING, MessageStatus.SENDING]},
    )
    session.commit()
    assert changed == set(ids[:3])
    stored = {m.id: m for m in session.exec(select(Message).where(col(Message.id).in_(ids))).all()}
    for n, row_id in enumerate(ids[:3]):
        assert stored[row_id].status == MessageStatus.SENT
        assert stored[row_id].provider_id == f"p{n}"
        assert stored[row_id].sent_at == later
    assert stored[moved].status == MessageStatus.DELIVERED and stored[moved].provider_id is None


@pytest.mark.postgres
def test_a_failed_copy_names_the_table_but_not_the_value(engine: Engine) -> None:
    """PostgreSQL quotes the offending value in COPY errors; none of it reaches the logs."""
    if engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's; SQLite writes through SQLAlchemy, hide_parameters")
    with Session(engine) as session:
        with pytest.raises(BulkWriteError) as failure:
            insert_rows(session, MESSAGES, [_message(1, address="+45 secret " * 10)])
        session.rollback()
    assert "message" in str(failure.value) and "secret" not in str(failure.value)
    assert failure.value.__cause__ is None and failure.value.__suppress_context__
