"""The caller's own jobcentre: its quiet and office hours, and its closure days."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.models import ClosureDay, Jobcentre
from messages.languages import is_supported
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import fetch_page
from webhooks.api.errors import conflict, documented, not_found, unprocessable
from webhooks.api.schemas import (
    ClosureCreate,
    ClosurePublic,
    ClosuresPublic,
    JobcentrePublic,
    JobcentreUpdate,
    ListQuery,
)
from webhooks.deps import SessionDep

router = APIRouter(prefix="/jobcentre", tags=["jobcentre"])


@router.get("", response_model=JobcentrePublic)
def read_jobcentre(session: SessionDep, jobcentre_id: JobcentreIdDep) -> Jobcentre:
    """Name, default language, quiet hours, office hours and the acknowledgement window."""
    return session.get_one(Jobcentre, jobcentre_id)


@router.patch("", response_model=JobcentrePublic)
def update_jobcentre(
    body: JobcentreUpdate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Jobcentre:
    """Change the fields sent; office hours must open before they close."""
    jobcentre = session.get_one(Jobcentre, jobcentre_id)
    changes = body.model_dump(exclude_unset=True)
    if "default_language" in changes and not is_supported(changes["default_language"]):
        raise unprocessable(
            "default_language", "not a supported language code", changes["default_language"]
        )
    opens = changes.get("office_open", jobcentre.office_open)
    closes = changes.get("office_close", jobcentre.office_close)
    if closes <= opens:
        field = "office_close" if "office_close" in changes else "office_open"
        raise unprocessable(field, "office hours must open before they close", str(changes[field]))
    jobcentre.sqlmodel_update(changes)
    session.add(jobcentre)
    session.commit()
    return jobcentre


@router.get("/closures", response_model=ClosuresPublic)
def list_closures(
    query: Annotated[ListQuery, Query()], session: SessionDep, jobcentre_id: JobcentreIdDep
) -> ClosuresPublic:
    """Closure days in date order (public holidays are not listed: they are known)."""
    statement = (
        select(ClosureDay)
        .where(ClosureDay.jobcentre_id == jobcentre_id)
        .order_by(col(ClosureDay.day))
    )
    rows, count = fetch_page(session, statement, query=query)
    return ClosuresPublic(data=[ClosurePublic.model_validate(r) for r in rows], count=count)


@router.post(
    "/closures",
    status_code=status.HTTP_201_CREATED,
    response_model=ClosurePublic,
    responses=documented(clash="The day is already a closure day"),
)
def add_closure(
    body: ClosureCreate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> ClosureDay:
    """Close the jobcentre on a day: no office hours, no wake-ups or check-ins that day."""
    closure = ClosureDay(jobcentre_id=jobcentre_id, day=body.day, note=body.note)
    session.add(closure)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise conflict("day", "already a closure day") from None
    return closure


@router.delete(
    "/closures/{day}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=documented(missing="No closure on that day"),
)
def remove_closure(
    day: Annotated[date, Path()], session: SessionDep, jobcentre_id: JobcentreIdDep
) -> None:
    """Open again on a day that was closed."""
    closure = session.exec(
        select(ClosureDay).where(ClosureDay.jobcentre_id == jobcentre_id, ClosureDay.day == day)
    ).first()
    if closure is None:
        raise not_found("Closure")
    session.delete(closure)
    session.commit()
