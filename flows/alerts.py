"""Raise an alert for the citizen's consultant: a row to act on, and a message right away."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.models import Absence, Alert, AlertKind, AlertSeverity, Citizen, Placement
from bot.recipients import recipient_for
from flows.engine import say
from flows.people import consultant_of
from messages import Text, render
from messages.languages import DEFAULT_LANGUAGE


def raise_alert(
    session: Session,
    *,
    citizen: Citizen,
    kind: AlertKind,
    severity: AlertSeverity,
    summary: Text,
    key: str,
    placement: Placement | None = None,
    absence: Absence | None = None,
    details: dict[str, Any] | None = None,
    notify: bool = True,
) -> Alert:
    """Store the alert and, unless `notify` is off, text the consultant in their language."""
    consultant = consultant_of(session, citizen)
    language = consultant.language if consultant else DEFAULT_LANGUAGE
    alert = Alert(
        jobcentre_id=citizen.jobcentre_id,
        consultant_id=consultant.id if consultant else None,
        citizen_id=citizen.id,
        placement_id=placement.id if placement else None,
        absence_id=absence.id if absence else None,
        kind=kind,
        severity=severity,
        summary=render(summary, language),
        details=details or {},
    )
    session.add(alert)
    session.flush()
    if notify and consultant is not None:
        recipient = recipient_for(consultant)
        if recipient is not None:
            say(session, recipient, summary, kind=f"alert.{kind}", key=f"alert:{key}")
    return alert
