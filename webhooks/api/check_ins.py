"""A placement's follow-up check-ins: both sides' answers, period by period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import col, select

from bot.models import CheckIn, Placement
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, fetch_page, get_owned
from webhooks.api.errors import documented
from webhooks.api.schemas import CheckInPublic, CheckInQuery, CheckInsPublic
from webhooks.deps import SessionDep

router = APIRouter(prefix="/placements/{placement_id}", tags=["check-ins"])
MISSING = documented(missing="No such placement in your jobcentre")


@router.get("/check-ins", response_model=CheckInsPublic, responses=MISSING)
def list_check_ins(
    placement_id: RowId,
    query: Annotated[CheckInQuery, Query()],
    session: SessionDep,
    jobcentre_id: JobcentreIdDep,
) -> CheckInsPublic:
    """The series of check-ins, oldest period first (citizen before contact within a period)."""
    placement = get_owned(session, Placement, row_id=placement_id, jobcentre_id=jobcentre_id)
    statement = select(CheckIn).where(
        CheckIn.placement_id == placement.id, CheckIn.jobcentre_id == jobcentre_id
    )
    if query.respondent is not None:
        statement = statement.where(CheckIn.respondent == query.respondent)
    statement = statement.order_by(col(CheckIn.number), col(CheckIn.respondent), col(CheckIn.id))
    rows, count = fetch_page(session, statement, query=query)
    return CheckInsPublic(data=[CheckInPublic.model_validate(r) for r in rows], count=count)
