"""Employers' contact persons: who hears that the new hire is not coming."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import col, select

from bot.models import Employer, EmployerContact, Placement
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, default_language, fetch_page, get_owned, owned
from webhooks.api.errors import documented, still_in_use, unprocessable
from webhooks.api.identity import CLASH, check_new_person, check_person_update
from webhooks.api.schemas import (
    ActiveListQuery,
    ContactCreate,
    ContactPublic,
    ContactsPublic,
    ContactUpdate,
)
from webhooks.deps import SessionDep

router = APIRouter(tags=["contacts"])
MISSING = "No such contact person in your jobcentre"
MISSING_EMPLOYER = "No such employer in your jobcentre"


@router.post(
    "/employers/{employer_id}/contacts",
    status_code=status.HTTP_201_CREATED,
    response_model=ContactPublic,
    responses=documented(missing=MISSING_EMPLOYER, clash=CLASH),
)
def create_contact(
    employer_id: RowId, body: ContactCreate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> EmployerContact:
    """Add a contact person to an active employer."""
    employer = get_owned(session, Employer, row_id=employer_id, jobcentre_id=jobcentre_id)
    if not employer.active:
        raise unprocessable("employer_id", "the employer is deactivated", employer_id, where="path")
    check_new_person(session, body=body)
    contact = EmployerContact.model_validate(
        body, update={"jobcentre_id": jobcentre_id, "employer_id": employer.id}
    )
    if "language" not in body.model_fields_set:
        contact.language = default_language(session, jobcentre_id=jobcentre_id)
    session.add(contact)
    session.commit()
    return contact


@router.get(
    "/employers/{employer_id}/contacts",
    response_model=ContactsPublic,
    responses=documented(missing=MISSING_EMPLOYER),
)
def list_contacts(
    employer_id: RowId,
    query: Annotated[ActiveListQuery, Query()],
    session: SessionDep,
    jobcentre_id: JobcentreIdDep,
) -> ContactsPublic:
    """An employer's contact persons, oldest first."""
    employer = get_owned(session, Employer, row_id=employer_id, jobcentre_id=jobcentre_id)
    statement = owned(EmployerContact, jobcentre_id=jobcentre_id, query=query)
    statement = statement.where(EmployerContact.employer_id == employer.id)
    rows, count = fetch_page(session, statement, query=query)
    return ContactsPublic(data=[ContactPublic.model_validate(r) for r in rows], count=count)


@router.get(
    "/contacts/{contact_id}", response_model=ContactPublic, responses=documented(missing=MISSING)
)
def read_contact(
    contact_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> EmployerContact:
    """One contact person, deactivated or not."""
    return get_owned(session, EmployerContact, row_id=contact_id, jobcentre_id=jobcentre_id)


@router.patch(
    "/contacts/{contact_id}",
    response_model=ContactPublic,
    responses=documented(missing=MISSING, clash=CLASH),
)
def update_contact(
    contact_id: RowId, body: ContactUpdate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> EmployerContact:
    """Change the fields sent; the rest stay."""
    contact = get_owned(session, EmployerContact, row_id=contact_id, jobcentre_id=jobcentre_id)
    changes = body.model_dump(exclude_unset=True)
    check_person_update(session, person=contact, changes=changes)
    contact.sqlmodel_update(changes)
    session.add(contact)
    session.commit()
    return contact


@router.delete(
    "/contacts/{contact_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=documented(missing=MISSING, clash="Active placements still have this contact"),
)
def deactivate_contact(
    contact_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> None:
    """Deactivate (never delete); move the contact's active placements to another one first."""
    contact = get_owned(session, EmployerContact, row_id=contact_id, jobcentre_id=jobcentre_id)
    in_use = select(Placement.id).where(
        Placement.contact_id == contact.id, col(Placement.active).is_(True)
    )
    if session.exec(in_use.limit(1)).first() is not None:
        raise still_in_use("Active placements still have this contact; move them first")
    contact.active = False
    session.add(contact)
    session.commit()
