"""Leave for citizens (no wake-ups or check-ins then) and consultants (alerts go to the backup)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import col, select

from bot.models import Citizen, Consultant, Leave, ParticipantKind
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, fetch_page, get_owned
from webhooks.api.errors import documented, not_found, unprocessable
from webhooks.api.schemas import LeaveCreate, LeavePublic, LeavesPublic, ListQuery
from webhooks.deps import SessionDep

router = APIRouter(tags=["leave"])
MAX_LEAVE_DAYS = 366


def _check_owner(
    session: SessionDep, kind: ParticipantKind, person_id: int, jobcentre_id: int
) -> None:
    """404 unless the caller's jobcentre owns the citizen or consultant."""
    if kind == ParticipantKind.CITIZEN:
        get_owned(session, Citizen, row_id=person_id, jobcentre_id=jobcentre_id)
    else:
        get_owned(session, Consultant, row_id=person_id, jobcentre_id=jobcentre_id)


def _check(body: LeaveCreate) -> None:
    """A span that ends on or after its first day, and no longer than a year."""
    if body.last_day < body.first_day:
        raise unprocessable("last_day", "must not be before first_day", body.last_day.isoformat())
    if (body.last_day - body.first_day).days >= MAX_LEAVE_DAYS:
        raise unprocessable("last_day", "leave can be at most a year", body.last_day.isoformat())


def _record(
    session: SessionDep, kind: ParticipantKind, person_id: int, body: LeaveCreate, jobcentre_id: int
) -> Leave:
    """Store leave for a person the caller's jobcentre owns."""
    _check_owner(session, kind, person_id, jobcentre_id)
    _check(body)
    leave = Leave(
        jobcentre_id=jobcentre_id,
        participant_kind=kind,
        participant_id=person_id,
        first_day=body.first_day,
        last_day=body.last_day,
    )
    session.add(leave)
    session.commit()
    return leave


def _list(
    session: SessionDep, kind: ParticipantKind, person_id: int, query: ListQuery, jobcentre_id: int
) -> LeavesPublic:
    """A person's leave in date order."""
    _check_owner(session, kind, person_id, jobcentre_id)
    statement = (
        select(Leave)
        .where(
            Leave.jobcentre_id == jobcentre_id,
            Leave.participant_kind == kind,
            Leave.participant_id == person_id,
        )
        .order_by(col(Leave.first_day), col(Leave.id))
    )
    rows, count = fetch_page(session, statement, query=query)
    return LeavesPublic(data=[LeavePublic.model_validate(r) for r in rows], count=count)


@router.post(
    "/citizens/{citizen_id}/leave",
    status_code=status.HTTP_201_CREATED,
    response_model=LeavePublic,
    responses=documented(missing="No such citizen in your jobcentre"),
)
def add_citizen_leave(
    citizen_id: RowId, body: LeaveCreate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Leave:
    """Days the citizen is not expected at work (ferie): no wake-ups, no check-ins."""
    return _record(session, ParticipantKind.CITIZEN, citizen_id, body, jobcentre_id)


@router.get(
    "/citizens/{citizen_id}/leave",
    response_model=LeavesPublic,
    responses=documented(missing="No such citizen in your jobcentre"),
)
def list_citizen_leave(
    citizen_id: RowId,
    query: Annotated[ListQuery, Query()],
    session: SessionDep,
    jobcentre_id: JobcentreIdDep,
) -> LeavesPublic:
    """The citizen's leave, in date order."""
    return _list(session, ParticipantKind.CITIZEN, citizen_id, query, jobcentre_id)


@router.post(
    "/consultants/{consultant_id}/leave",
    status_code=status.HTTP_201_CREATED,
    response_model=LeavePublic,
    responses=documented(missing="No such consultant in your jobcentre"),
)
def add_consultant_leave(
    consultant_id: RowId, body: LeaveCreate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Leave:
    """Days the consultant is away: their alerts go straight to their backup."""
    return _record(session, ParticipantKind.CONSULTANT, consultant_id, body, jobcentre_id)


@router.get(
    "/consultants/{consultant_id}/leave",
    response_model=LeavesPublic,
    responses=documented(missing="No such consultant in your jobcentre"),
)
def list_consultant_leave(
    consultant_id: RowId,
    query: Annotated[ListQuery, Query()],
    session: SessionDep,
    jobcentre_id: JobcentreIdDep,
) -> LeavesPublic:
    """The consultant's leave, in date order."""
    return _list(session, ParticipantKind.CONSULTANT, consultant_id, query, jobcentre_id)


@router.delete(
    "/leave/{leave_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=documented(missing="No such leave in your jobcentre"),
)
def remove_leave(leave_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep) -> None:
    """Cancel leave (e.g. recorded by mistake); what was skipped meanwhile stays skipped."""
    leave = session.get(Leave, leave_id)
    if leave is None or leave.jobcentre_id != jobcentre_id:
        raise not_found("Leave")
    session.delete(leave)
    session.commit()
