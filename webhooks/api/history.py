"""A citizen's timeline for the case system: absences and the message log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, select

from bot.models import Absence, Citizen, Message, ParticipantKind
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, fetch_page, get_owned
from webhooks.api.errors import documented
from webhooks.api.schemas import (
    AbsencePublic,
    AbsencesPublic,
    ListQuery,
    MessagePublic,
    MessagesPublic,
)
from webhooks.deps import SessionDep

router = APIRouter(prefix="/citizens/{citizen_id}", tags=["history"])
MISSING = documented(missing="No such citizen in your jobcentre")


@router.get("/absences", response_model=AbsencesPublic, responses=MISSING)
def list_absences(
    citizen_id: RowId,
    query: Annotated[ListQuery, Query()],
    session: SessionDep,
    jobcentre_id: JobcentreIdDep,
) -> AbsencesPublic:
    """The citizen's sick episodes, newest first, with their own notes (consultant only)."""
    citizen = get_owned(session, Citizen, row_id=citizen_id, jobcentre_id=jobcentre_id)
    statement = (
        select(Absence)
        .where(Absence.citizen_id == citizen.id, Absence.jobcentre_id == jobcentre_id)
        .order_by(
            col(Absence.first_day).desc(), col(Absence.reported_at).desc(), col(Absence.id).desc()
        )
    )
    rows, count = fetch_page(session, statement, query=query)
    return AbsencesPublic(data=[AbsencePublic.model_validate(r) for r in rows], count=count)


@router.get("/messages", response_model=MessagesPublic, responses=MISSING)
def list_messages(
    citizen_id: RowId,
    query: Annotated[ListQuery, Query()],
    session: SessionDep,
    jobcentre_id: JobcentreIdDep,
) -> MessagesPublic:
    """Every message to and from the citizen, newest first, with its delivery state."""
    citizen = get_owned(session, Citizen, row_id=citizen_id, jobcentre_id=jobcentre_id)
    statement = (
        select(Message)
        .where(
            Message.participant_kind == ParticipantKind.CITIZEN,
            Message.participant_id == citizen.id,
        )
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
    )
    rows, count = fetch_page(session, statement, query=query)
    return MessagesPublic(data=[MessagePublic.model_validate(r) for r in rows], count=count)
