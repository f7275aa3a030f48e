"""Tenant-scoped reads and writes shared by the resource routers; every one takes a jobcentre."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Path
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.models import Citizen, Consultant, Employer, EmployerContact, Jobcentre, Placement
from messages.languages import DEFAULT_LANGUAGE, is_supported
from webhooks.api.errors import not_found, unprocessable
from webhooks.api.schemas import MAX_ID, ActiveListQuery, ListQuery

Owned = TypeVar("Owned", Consultant, Employer, EmployerContact, Citizen, Placement)
Row = TypeVar("Row")

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]

LABELS: dict[type, str] = {
    Consultant: "Consultant",
    Employer: "Employer",
    EmployerContact: "Contact",
    Citizen: "Citizen",
    Placement: "Placement",
}


def get_owned(session: Session, model: type[Owned], *, row_id: int, jobcentre_id: int) -> Owned:
    """The row if the jobcentre owns it; another jobcentre's row is as absent as a missing one."""
    row = session.get(model, row_id)
    if row is None or row.jobcentre_id != jobcentre_id:
        raise not_found(LABELS[model])
    return row


def get_active_reference(
    session: Session, model: type[Owned], *, row_id: int, jobcentre_id: int, field: str
) -> Owned:
    """A row a body points at, which must be the caller's and active, else 422 on that field."""
    row = session.get(model, row_id)
    if row is None or row.jobcentre_id != jobcentre_id or not row.active:
        label = LABELS[model].lower()
        raise unprocessable(field, f"no active {label} with this id in your jobcentre", row_id)
    return row


def owned(
    model: type[Owned], *, jobcentre_id: int, query: ActiveListQuery
) -> SelectOfScalar[Owned]:
    """The jobcentre's rows, active ones only unless asked, oldest first."""
    statement = select(model).where(model.jobcentre_id == jobcentre_id)
    if not query.include_inactive:
        statement = statement.where(col(model.active).is_(True))
    return statement.order_by(col(model.id))


def fetch_page(
    session: Session, statement: SelectOfScalar[Row], *, query: ListQuery
) -> tuple[list[Row], int]:
    """One page of the statement's rows and how many there are in all."""
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    total = session.exec(counted).one()
    rows = session.exec(statement.limit(query.limit).offset(query.offset)).all()
    return list(rows), total


def default_language(session: Session, *, jobcentre_id: int) -> str:
    """The jobcentre's language for people created without one (DESIGN: language fallback)."""
    jobcentre = session.get(Jobcentre, jobcentre_id)
    code = jobcentre.default_language if jobcentre else DEFAULT_LANGUAGE
    return code if is_supported(code) else DEFAULT_LANGUAGE
