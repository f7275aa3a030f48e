"""Job interviews the consultant books; Makker reminds the citizen and asks how it went."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlmodel import Session, col, select

from bot.clock import local, utcnow
from bot.hours import jobcentre_hours
from bot.models import Citizen, Employer, EmployerContact, Interview, InterviewStatus
from flows import interview as flow
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, fetch_page, get_active_reference
from webhooks.api.errors import documented, not_found, unprocessable
from webhooks.api.schemas import (
    InterviewCreate,
    InterviewPublic,
    InterviewQuery,
    InterviewsPublic,
    InterviewUpdate,
)
from webhooks.deps import SessionDep

router = APIRouter(prefix="/interviews", tags=["interviews"])
MISSING = "No such interview in your jobcentre"
CLOSED = "The interview was cancelled or has been held"


def _owned(session: Session, interview_id: int, jobcentre_id: int) -> Interview:
    """The interview if the caller's jobcentre owns it; another jobcentre's is as absent."""
    row = session.get(Interview, interview_id)
    if row is None or row.jobcentre_id != jobcentre_id:
        raise not_found("Interview")
    return row


def _check_time(session: Session, starts_at: datetime, jobcentre_id: int) -> None:
    """In the future, within a year, and late enough that the citizen can be told before."""
    now = utcnow()
    if starts_at <= now:
        raise unprocessable("starts_at", "must be in the future", starts_at.isoformat())
    if starts_at > now + flow.MAX_AHEAD:
        raise unprocessable("starts_at", "can be at most a year ahead", starts_at.isoformat())
    told = flow.booking_time(jobcentre_hours(session, jobcentre_id), now)
    if told >= starts_at:
        raise unprocessable(
            "starts_at",
            f"too soon: quiet hours last until {local(told):%H:%M}, so the citizen cannot "
            "be told before it starts",
            starts_at.isoformat(),
        )


def _references(
    session: Session, body: InterviewCreate, jobcentre_id: int
) -> tuple[int | None, int | None]:
    """Employer and contact ids checked: both the caller's, the contact one of the employer's."""
    employer_id = body.employer_id
    if employer_id is not None:
        get_active_reference(
            session, Employer, row_id=employer_id, jobcentre_id=jobcentre_id, field="employer_id"
        )
    if body.contact_id is None:
        return employer_id, None
    contact = get_active_reference(
        session,
        EmployerContact,
        row_id=body.contact_id,
        jobcentre_id=jobcentre_id,
        field="contact_id",
    )
    if employer_id is not None and contact.employer_id != employer_id:
        raise unprocessable("contact_id", "is not a contact of employer_id", body.contact_id)
    return contact.employer_id, contact.id


def _open(row: Interview) -> None:
    """Only an interview still ahead can be changed or cancelled."""
    if row.status != InterviewStatus.SCHEDULED:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=CLOSED)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=InterviewPublic)
def create_interview(
    body: InterviewCreate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Interview:
    """Book an interview: the citizen gets a message now and reminders before and after."""
    get_active_reference(
        session, Citizen, row_id=body.citizen_id, jobcentre_id=jobcentre_id, field="citizen_id"
    )
    employer_id, contact_id = _references(session, body, jobcentre_id)
    _check_time(session, body.starts_at, jobcentre_id)
    now = utcnow()
    row = Interview(
        jobcentre_id=jobcentre_id,
        citizen_id=body.citizen_id,
        employer_id=employer_id,
        contact_id=contact_id,
        starts_at=body.starts_at,
        address=body.address,
        contact_name=body.contact_name,
        notes=body.notes,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    flow.book(session, row, now)
    session.commit()
    return row


@router.get("", response_model=InterviewsPublic)
def list_interviews(
    query: Annotated[InterviewQuery, Query()], session: SessionDep, jobcentre_id: JobcentreIdDep
) -> InterviewsPublic:
    """The jobcentre's interviews, soonest first."""
    statement = select(Interview).where(Interview.jobcentre_id == jobcentre_id)
    if query.citizen_id is not None:
        statement = statement.where(Interview.citizen_id == query.citizen_id)
    if query.employer_id is not None:
        statement = statement.where(Interview.employer_id == query.employer_id)
    if query.status is not None:
        statement = statement.where(Interview.status == query.status)
    statement = statement.order_by(col(Interview.starts_at), col(Interview.id))
    rows, count = fetch_page(session, statement, query=query)
    return InterviewsPublic(data=[InterviewPublic.model_validate(r) for r in rows], count=count)


@router.get(
    "/{interview_id}", response_model=InterviewPublic, responses=documented(missing=MISSING)
)
def read_interview(
    interview_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Interview:
    """One interview with its answers and its next reminder."""
    return _owned(session, interview_id, jobcentre_id)


@router.patch(
    "/{interview_id}",
    response_model=InterviewPublic,
    responses={**documented(missing=MISSING), status.HTTP_409_CONFLICT: {"description": CLOSED}},
)
def update_interview(
    interview_id: RowId, body: InterviewUpdate, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Interview:
    """Change the fields sent; a new time or address reschedules and tells the citizen."""
    row = _owned(session, interview_id, jobcentre_id)
    _open(row)
    changes = body.model_dump(exclude_unset=True)
    moved = "starts_at" in changes and changes["starts_at"] != row.starts_at
    if moved:
        _check_time(session, changes["starts_at"], jobcentre_id)
    moved = moved or ("address" in changes and changes["address"] != row.address)
    row.sqlmodel_update(changes)
    now = utcnow()
    row.updated_at = now
    session.add(row)
    if moved:
        flow.reschedule(session, row, now)
    session.commit()
    return row


@router.post(
    "/{interview_id}/cancel",
    response_model=InterviewPublic,
    responses={**documented(missing=MISSING), status.HTTP_409_CONFLICT: {"description": CLOSED}},
)
def cancel_interview(
    interview_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> Interview:
    """Call the interview off: the citizen is told, pending reminders are withdrawn."""
    row = _owned(session, interview_id, jobcentre_id)
    if row.status == InterviewStatus.CANCELLED:
        return row  # already cancelled: nothing more to do, nobody told twice
    _open(row)
    flow.cancel(session, row, utcnow())
    session.commit()
    return row


@router.delete(
    "/{interview_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**documented(missing=MISSING), status.HTTP_409_CONFLICT: {"description": CLOSED}},
)
def delete_interview(
    interview_id: RowId, session: SessionDep, jobcentre_id: JobcentreIdDep
) -> None:
    """The same as cancel: the row is kept for the timeline, never deleted."""
    cancel_interview(interview_id, session, jobcentre_id)
