"""The work each tick does; plain functions so tests call them with a controlled clock."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from bot.clock import utcnow
from bot.db.engine import session_scope
from flows import sick_day

log = logging.getLogger(__name__)


def check_absences(engine: Engine) -> int:
    """Raise third-day alerts for open absences (the citizen may not write every day)."""
    with session_scope(engine) as session:
        alerted = sick_day.check_open_absences(session, utcnow())
    if alerted:
        log.info("third-day sick alerts raised: %s", alerted)
    return alerted
