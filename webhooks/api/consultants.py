"""Job consultants: the jobcentre's staff who hear about trouble."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import col, select

from bot.models import Citizen, Consultant
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import (
    RowId,
    default_language,
    fetch_page,
    get_active_reference,
    get_owned,
    owned,
)
from webhooks.api.errors import documented, still_in_use, unprocessable
from webhooks.api.identity import CLASH, check_new_person, check_person_update
from webhooks.api.schemas import (
    ConsultantCreate,
    ConsultantPublic,
    ConsultantQuery,
    ConsultantsPublic,
    ConsultantUpdate,
)
from webhooks.deps import SessionDep

router = APIRouter(prefix="/consultants", tags=["consultants"])
MISSING = "No such consultant in your jobcentre"


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsultantPublic,
    responses=documented(clash=CLASH),
)
def create_consultant(
    body: ConsultantCreate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Consultant:
    """Add a consultant to the caller's jobcentre, optionally with a backup."""
    check_new_person(session, body=body)
    if body.backup_id is not None:
        _check_backup(session, backup_id=body.backup_id, jobcentre_id=jobcentre_id)
    consultant = Consultant.model_validate(body, update={"jobcentre_id": jobcentre_id})
    if "language" not in body.model_fields_set:
        consultant.language = default_language(session, jobcentre_id=jobcentre_id)
    session.add(consultant)
    session.commit()
    return consultant


@router.get("", response_model=ConsultantsPublic)
def list_consultants(
    query: Annotated[ConsultantQuery, Query()], session: SessionDep, jobcentre_id: JobcentreIdDep
) -> ConsultantsPublic:
    """The jobcentre's consultants, oldest first."""
    statement = owned(Consultant, jobcentre_id=jobcentre_id, query=query)
    if query.phone is not None:
        statement = statement.where(Consultant.phone == query.phone)
    rows, count = fetch_page(session, statement, query=query)
    return ConsultantsPublic(data=[ConsultantPublic.model_validate(r) for r in rows], count=count)


@router.get(
    "/{consultant_id}", response_model=ConsultantPublic, responses=documented(missing=MISSING)
)
def read_consultant(
    consultant_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Consultant:
    """One consultant, deactivated or not."""
    return get_owned(session, Consultant, row_id=consultant_id, jobcentre_id=jobcentre_id)


@router.patch(
    "/{consultant_id}",
    response_model=ConsultantPublic,
    responses=documented(missing=MISSING, clash=CLASH),
)
def update_consultant(
    consultant_id: RowId, body: ConsultantUpdate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Consultant:
    """Change the fields sent; the rest stay (`backup_id: null` removes the backup)."""
    consultant = get_owned(session, Consultant, row_id=consultant_id, jobcentre_id=jobcentre_id)
    changes = body.model_dump(exclude_unset=True)
    check_person_update(session, person=consultant, changes=changes)
    if changes.get("backup_id") is not None:
        _check_backup(
            session, backup_id=changes["backup_id"], jobcentre_id=jobcentre_id, of=consultant
        )
    consultant.sqlmodel_update(changes)
    session.add(consultant)
    session.commit()
    return consultant


@router.delete(
    "/{consultant_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=documented(missing=MISSING, clash="Active citizens still have this consultant"),
)
def deactivate_consultant(
    consultant_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> None:
    """Deactivate (never delete); give the consultant's active citizens another one first."""
    consultant = get_owned(session, Consultant, row_id=consultant_id, jobcentre_id=jobcentre_id)
    followed = select(Citizen.id).where(
        Citizen.consultant_id == consultant.id, col(Citizen.active).is_(True)
    )
    if session.exec(followed.limit(1)).first() is not None:
        raise still_in_use("Active citizens still have this consultant; reassign them first")
    consultant.active = False
    session.add(consultant)
    session.commit()


def _check_backup(
    session: SessionDep, *, backup_id: int, jobcentre_id: int, of: Consultant | None = None
) -> None:
    """A backup is another active consultant of the same jobcentre (422 on backup_id)."""
    get_active_reference(
        session, Consultant, row_id=backup_id, jobcentre_id=jobcentre_id, field="backup_id"
    )
    if of is not None and of.id == backup_id:
        raise unprocessable("backup_id", "a consultant cannot be their own backup", backup_id)
