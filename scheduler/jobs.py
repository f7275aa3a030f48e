"""The work each tick does; plain functions so tests call them with a controlled clock."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from bot.clock import utcnow
from bot.db.engine import session_scope
from flows import delivery_watch, sick_day

log = logging.getLogger(__name__)


def complete_stalled_reports(engine: Engine) -> int:
    """Pass on sick reports whose follow-up questions went unanswered."""
    with session_scope(engine) as session:
        completed = sick_day.complete_stalled(session, utcnow())
    if completed:
        log.info("unanswered sick reports passed on: %s", completed)
    return completed


def watch_deliveries(engine: Engine) -> int:
    """Tell consultants about employer notices that could not be delivered."""
    with session_scope(engine) as session:
        alerted = delivery_watch.alert_undelivered_notices(session, utcnow())
    if alerted:
        log.warning("undelivered employer notices reported to consultants: %s", alerted)
    return alerted


def check_absences(engine: Engine) -> int:
    """Raise third-day alerts for open absences (the citizen may not write every day)."""
    with session_scope(engine) as session:
        alerted = sick_day.check_open_absences(session, utcnow())
    if alerted:
        log.info("third-day sick alerts raised: %s", alerted)
    return alerted
