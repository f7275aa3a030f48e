"""Citizens: the people placed in work, each followed by a consultant."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import col, select

from bot.models import Citizen, Consultant, Placement
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import (
    RowId,
    default_language,
    fetch_page,
    get_active_reference,
    get_owned,
    owned,
)
from webhooks.api.errors import documented
from webhooks.api.identity import CLASH, check_new_person, check_person_update
from webhooks.api.schemas import (
    CitizenCreate,
    CitizenPublic,
    CitizenQuery,
    CitizensPublic,
    CitizenUpdate,
)
from webhooks.deps import SessionDep

router = APIRouter(prefix="/citizens", tags=["citizens"])
MISSING = "No such citizen in your jobcentre"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CitizenPublic,
    responses=documented(clash=CLASH),
)
def create_citizen(
    body: CitizenCreate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Citizen:
    """Add a citizen to the caller's jobcentre, optionally with their consultant."""
    if body.consultant_id is not None:
        get_active_reference(
            session,
            Consultant,
            row_id=body.consultant_id,
            jobcentre_id=jobcentre_id,
            field="consultant_id",
        )
    check_new_person(session, body=body)
    citizen = Citizen.model_validate(body, update={"jobcentre_id": jobcentre_id})
    if "language" not in body.model_fields_set:
        citizen.language = default_language(session, jobcentre_id=jobcentre_id)
    session.add(citizen)
    session.commit()
    return citizen


@router.get("", response_model=CitizensPublic)
def list_citizens(
    query: Annotated[CitizenQuery, Query()], session: SessionDep, jobcentre_id: JobcentreIdDep
) -> CitizensPublic:
    """The jobcentre's citizens, oldest first."""
    statement = owned(Citizen, jobcentre_id=jobcentre_id, query=query)
    if query.consultant_id is not None:
        statement = statement.where(Citizen.consultant_id == query.consultant_id)
    if query.phone is not None:
        statement = statement.where(Citizen.phone == query.phone)
    rows, count = fetch_page(session, statement, query=query)
    return CitizensPublic(data=[CitizenPublic.model_validate(r) for r in rows], count=count)


@router.get("/{citizen_id}", response_model=CitizenPublic, responses=documented(missing=MISSING))
def read_citizen(citizen_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep) -> Citizen:
    """One citizen, deactivated or not."""
    return get_owned(session, Citizen, row_id=citizen_id, jobcentre_id=jobcentre_id)


@router.patch(
    "/{citizen_id}",
    response_model=CitizenPublic,
    responses=documented(missing=MISSING, clash=CLASH),
)
def update_citizen(
    citizen_id: RowId, body: CitizenUpdate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Citizen:
    """Change the fields sent; the rest stay."""
    citizen = get_owned(session, Citizen, row_id=citizen_id, jobcentre_id=jobcentre_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("consultant_id") is not None:
        get_active_reference(
            session,
            Consultant,
            row_id=changes["consultant_id"],
            jobcentre_id=jobcentre_id,
            field="consultant_id",
        )
    check_person_update(session, person=citizen, changes=changes)
    citizen.sqlmodel_update(changes)
    session.add(citizen)
    session.commit()
    return citizen


@router.delete(
    "/{citizen_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=documented(missing=MISSING),
)
def deactivate_citizen(
    citizen_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> None:
    """Deactivate (never delete) the citizen and end their placements, so nothing more is sent."""
    citizen = get_owned(session, Citizen, row_id=citizen_id, jobcentre_id=jobcentre_id)
    citizen.active = False
    session.add(citizen)
    placements = session.exec(
        select(Placement).where(Placement.citizen_id == citizen.id, col(Placement.active).is_(True))
    ).all()
    for placement in placements:
        placement.active = False
        session.add(placement)
    session.commit()
