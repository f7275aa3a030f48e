"""Alerts for case systems: list with filters, acknowledge, resolve with a note."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, or_, select

from bot.clock import utcnow
from bot.models import Alert
from flows import alerts
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, fetch_page
from webhooks.api.errors import documented, not_found
from webhooks.api.schemas import (
    AlertAcknowledge,
    AlertPublic,
    AlertQuery,
    AlertResolve,
    AlertsPublic,
)
from webhooks.deps import SessionDep

router = APIRouter(prefix="/alerts", tags=["alerts"])
MISSING = documented(missing="No such alert in your jobcentre")


def _owned(session: SessionDep, alert_id: int, jobcentre_id: int) -> Alert:
    """The alert if the caller's jobcentre owns it (another's is as absent as a missing one)."""
    alert = session.get(Alert, alert_id)
    if alert is None or alert.jobcentre_id != jobcentre_id:
        raise not_found("Alert")
    return alert


def _public(alert: Alert) -> AlertPublic:
    """The API form, with the reference consultants type."""
    return AlertPublic.model_validate(alert, update={"ref": alert.ref})


@router.get("", response_model=AlertsPublic)
def list_alerts(
    query: Annotated[AlertQuery, Query()], session: SessionDep, jobcentre_id: JobcentreIdDep
) -> AlertsPublic:
    """The jobcentre's alerts, newest first; `open=true` for those still to be resolved."""
    statement = select(Alert).where(Alert.jobcentre_id == jobcentre_id)
    if query.open is not None:
        resolved = col(Alert.resolved_at)
        statement = statement.where(resolved.is_(None) if query.open else resolved.is_not(None))
    if query.acknowledged is not None:
        acknowledged = col(Alert.acknowledged_at)
        statement = statement.where(
            acknowledged.is_not(None) if query.acknowledged else acknowledged.is_(None)
        )
    if query.consultant_id is not None:
        statement = statement.where(
            or_(
                Alert.consultant_id == query.consultant_id,
                Alert.notified_consultant_id == query.consultant_id,
            )
        )
    if query.citizen_id is not None:
        statement = statement.where(Alert.citizen_id == query.citizen_id)
    if query.severity is not None:
        statement = statement.where(Alert.severity == query.severity)
    if query.kind is not None:
        statement = statement.where(Alert.kind == query.kind)
    statement = statement.order_by(col(Alert.created_at).desc(), col(Alert.id).desc())
    rows, count = fetch_page(session, statement, query=query)
    return AlertsPublic(data=[_public(r) for r in rows], count=count)


@router.get("/{alert_id}", response_model=AlertPublic, responses=MISSING)
def read_alert(alert_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep) -> AlertPublic:
    """One alert with its delivery, acknowledgement and resolution."""
    return _public(_owned(session, alert_id, jobcentre_id))


@router.post("/{alert_id}/acknowledge", response_model=AlertPublic, responses=MISSING)
def acknowledge_alert(
    alert_id: RowId, body: AlertAcknowledge, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> AlertPublic:
    """Mark the alert seen (stops its escalation); acknowledging twice keeps the first."""
    alert = _owned(session, alert_id, jobcentre_id)
    alerts.acknowledge(session, alert, by=body.by, now=utcnow())
    session.commit()
    return _public(alert)


@router.post("/{alert_id}/resolve", response_model=AlertPublic, responses=MISSING)
def resolve_alert(
    alert_id: RowId, body: AlertResolve, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> AlertPublic:
    """Close the alert with a note on what was done; resolving twice keeps the first note."""
    alert = _owned(session, alert_id, jobcentre_id)
    alerts.resolve(session, alert, by=body.by, note=body.note, now=utcnow())
    session.commit()
    return _public(alert)
