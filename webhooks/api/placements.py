"""Placements: a citizen, an employer contact and a weekly schedule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from bot.models import Citizen, EmployerContact, Placement
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, fetch_page, get_active_reference, get_owned, owned
from webhooks.api.errors import documented
from webhooks.api.schemas import (
    PlacementCreate,
    PlacementPublic,
    PlacementQuery,
    PlacementsPublic,
    PlacementUpdate,
    check_dates,
)
from webhooks.deps import SessionDep

router = APIRouter(prefix="/placements", tags=["placements"])
MISSING = "No such placement in your jobcentre"


@router.post("", status_code=status.HTTP_201_CREATED, response_model=PlacementPublic)
def create_placement(
    body: PlacementCreate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Placement:
    """Place an active citizen with an active contact person; the employer is the contact's."""
    check_dates(start_date=body.start_date, end_date=body.end_date, changed=body.model_fields_set)
    get_active_reference(
        session, Citizen, row_id=body.citizen_id, jobcentre_id=jobcentre_id, field="citizen_id"
    )
    contact = get_active_reference(
        session,
        EmployerContact,
        row_id=body.contact_id,
        jobcentre_id=jobcentre_id,
        field="contact_id",
    )
    placement = Placement(
        **body.model_dump(exclude={"schedule"}),
        jobcentre_id=jobcentre_id,
        employer_id=contact.employer_id,
        schedule=body.schedule.to_json(),
    )
    session.add(placement)
    session.commit()
    return placement


@router.get("", response_model=PlacementsPublic)
def list_placements(
    query: Annotated[PlacementQuery, Query()], session: SessionDep, jobcentre_id: JobcentreIdDep
) -> PlacementsPublic:
    """The jobcentre's placements, oldest first."""
    statement = owned(Placement, jobcentre_id=jobcentre_id, query=query)
    if query.citizen_id is not None:
        statement = statement.where(Placement.citizen_id == query.citizen_id)
    if query.contact_id is not None:
        statement = statement.where(Placement.contact_id == query.contact_id)
    if query.employer_id is not None:
        statement = statement.where(Placement.employer_id == query.employer_id)
    if query.kind is not None:
        statement = statement.where(Placement.kind == query.kind)
    rows, count = fetch_page(session, statement, query=query)
    return PlacementsPublic(data=[PlacementPublic.model_validate(r) for r in rows], count=count)


@router.get(
    "/{placement_id}", response_model=PlacementPublic, responses=documented(missing=MISSING)
)
def read_placement(
    placement_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Placement:
    """One placement, deactivated or not."""
    return get_owned(session, Placement, row_id=placement_id, jobcentre_id=jobcentre_id)


@router.patch(
    "/{placement_id}", response_model=PlacementPublic, responses=documented(missing=MISSING)
)
def update_placement(
    placement_id: RowId, body: PlacementUpdate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Placement:
    """Change the fields sent; a new contact_id moves the placement to that contact's employer."""
    placement = get_owned(session, Placement, row_id=placement_id, jobcentre_id=jobcentre_id)
    changes = body.model_dump(exclude_unset=True, exclude={"schedule"})
    check_dates(
        start_date=changes.get("start_date", placement.start_date),
        end_date=changes.get("end_date", placement.end_date),
        changed=body.model_fields_set,
    )
    if "contact_id" in changes:
        contact = get_active_reference(
            session,
            EmployerContact,
            row_id=changes["contact_id"],
            jobcentre_id=jobcentre_id,
            field="contact_id",
        )
        changes["employer_id"] = contact.employer_id
    if body.schedule is not None:
        changes["schedule"] = body.schedule.to_json()
    placement.sqlmodel_update(changes)
    session.add(placement)
    session.commit()
    return placement


@router.delete(
    "/{placement_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=documented(missing=MISSING),
)
def deactivate_placement(
    placement_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> None:
    """Deactivate (never delete) the placement: no more wake-ups or check-ins for it."""
    placement = get_owned(session, Placement, row_id=placement_id, jobcentre_id=jobcentre_id)
    placement.active = False
    session.add(placement)
    session.commit()
