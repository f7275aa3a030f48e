"""Claim due rows for one worker, and run each one's step so a failure spoils only that row."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session, SQLModel, col, select

log = logging.getLogger(__name__)

Row = TypeVar("Row", bound=SQLModel)


def claim_due(
    session: Session,
    model: type[Row],
    due: InstrumentedAttribute[Any] | Any,
    now: datetime,
    *where: Any,
    limit: int = 500,
) -> Sequence[Row]:
    """Rows whose `due` time has come, locked for this transaction; other workers skip them.

    On PostgreSQL a row another worker holds is skipped, not waited for (SKIP LOCKED). On
    SQLite call this inside bot.db.engine.write_scope, whose write lock serialises claimers.
    """
    query = (
        select(model)
        .where(col(due).is_not(None), col(due) <= now, *where)
        .order_by(col(due))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return session.exec(query).all()


@contextmanager
def isolated(session: Session, what: str) -> Iterator[None]:
    """Run one row's step in a savepoint; an error rolls back that step only and is logged.

    The caller decides what a failed row does next (usually: try again later), after the
    block; `what` names the row in the log (ids only, never content).
    """
    savepoint = session.begin_nested()
    try:
        yield
    except Exception:
        savepoint.rollback()
        log.exception("step failed for %s; will try again", what)
        raise StepFailed(what) from None
    else:
        savepoint.commit()


class StepFailed(Exception):
    """A row's step raised; its savepoint was rolled back."""
