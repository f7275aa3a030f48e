"""Employers: the companies that take on citizens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import Session, col, select

from bot.models import Employer, EmployerContact, Placement
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, fetch_page, get_owned, owned
from webhooks.api.errors import documented
from webhooks.api.schemas import (
    EmployerCreate,
    EmployerPublic,
    EmployerQuery,
    EmployersPublic,
    EmployerUpdate,
)
from webhooks.deps import SessionDep

router = APIRouter(prefix="/employers", tags=["employers"])
MISSING = "No such employer in your jobcentre"


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EmployerPublic)
def create_employer(
    body: EmployerCreate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Employer:
    """Add a company to the caller's jobcentre."""
    employer = Employer.model_validate(body, update={"jobcentre_id": jobcentre_id})
    session.add(employer)
    session.commit()
    return employer


@router.get("", response_model=EmployersPublic)
def list_employers(
    query: Annotated[EmployerQuery, Query()], session: SessionDep, jobcentre_id: JobcentreIdDep
) -> EmployersPublic:
    """The jobcentre's employers, oldest first."""
    statement = owned(Employer, jobcentre_id=jobcentre_id, query=query)
    if query.cvr is not None:
        statement = statement.where(Employer.cvr == query.cvr)
    rows, count = fetch_page(session, statement, query=query)
    return EmployersPublic(data=[EmployerPublic.model_validate(r) for r in rows], count=count)


@router.get("/{employer_id}", response_model=EmployerPublic, responses=documented(missing=MISSING))
def read_employer(
    employer_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Employer:
    """One employer, deactivated or not."""
    return get_owned(session, Employer, row_id=employer_id, jobcentre_id=jobcentre_id)


@router.patch(
    "/{employer_id}", response_model=EmployerPublic, responses=documented(missing=MISSING)
)
def update_employer(
    employer_id: RowId, body: EmployerUpdate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Employer:
    """Change the fields sent; the rest stay."""
    employer = get_owned(session, Employer, row_id=employer_id, jobcentre_id=jobcentre_id)
    employer.sqlmodel_update(body.model_dump(exclude_unset=True))
    session.add(employer)
    session.commit()
    return employer


@router.delete(
    "/{employer_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=documented(missing=MISSING),
)
def deactivate_employer(
    employer_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> None:
    """Deactivate (never delete) the company, its contact persons and its placements."""
    employer = get_owned(session, Employer, row_id=employer_id, jobcentre_id=jobcentre_id)
    employer.active = False
    session.add(employer)
    for row in _active_children(session, employer):
        row.active = False
        session.add(row)
    session.commit()


def _active_children(session: Session, employer: Employer) -> list[EmployerContact | Placement]:
    """Rows that cannot outlive the company's deactivation."""
    contacts = session.exec(
        select(EmployerContact).where(
            EmployerContact.employer_id == employer.id, col(EmployerContact.active).is_(True)
        )
    ).all()
    placements = session.exec(
        select(Placement).where(
            Placement.employer_id == employer.id, col(Placement.active).is_(True)
        )
    ).all()
    return [*contacts, *placements]
