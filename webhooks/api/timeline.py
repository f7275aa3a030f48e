"""A citizen's story in one chronological list, for the consultant and the case system.

Messages, absences, wake-ups, interviews, check-in answers, employer reports and alerts, each
an entry with the moment it happened, a kind, the id of the row behind it and a one-line
summary. The list is built from the rows themselves, so it never disagrees with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session, col, select

from bot.clock import local
from bot.models import (
    Absence,
    Alert,
    CheckIn,
    Citizen,
    EmployerReport,
    Interview,
    Leave,
    Message,
    ParticipantKind,
    WakeUp,
)
from webhooks.api.auth import JobcentreIdDep
from webhooks.api.crud import RowId, get_owned
from webhooks.api.errors import documented
from webhooks.api.schemas import ListQuery, TimelineEntry, TimelinePublic
from webhooks.deps import SessionDep

router = APIRouter(prefix="/citizens/{citizen_id}", tags=["history"])


@router.get(
    "/timeline",
    response_model=TimelinePublic,
    responses=documented(missing="No such citizen in your jobcentre"),
)
def citizen_timeline(
    citizen_id: RowId,
    query: Annotated[ListQuery, Query()],
    session: SessionDep,
    jobcentre_id: JobcentreIdDep,
) -> TimelinePublic:
    """Everything that happened to or around the citizen, oldest first."""
    citizen = get_owned(session, Citizen, row_id=citizen_id, jobcentre_id=jobcentre_id)
    entries = sorted(timeline(session, citizen), key=lambda e: (e.at, e.kind, e.id))
    page = entries[query.offset : query.offset + query.limit]
    return TimelinePublic(data=page, count=len(entries))


def timeline(session: Session, citizen: Citizen) -> Iterator[TimelineEntry]:
    """Every entry about the citizen, unsorted."""
    yield from _messages(session, citizen)
    yield from _absences(session, citizen)
    yield from _wake_ups(session, citizen)
    yield from _interviews(session, citizen)
    yield from _check_ins(session, citizen)
    yield from _reports(session, citizen)
    yield from _alerts(session, citizen)
    yield from _leave(session, citizen)


def _clock(moment: datetime) -> str:
    """Danish wall-clock time of an instant, for summaries."""
    return local(moment).strftime("%Y-%m-%d %H:%M")


def _messages(session: Session, citizen: Citizen) -> Iterable[TimelineEntry]:
    """Texts to and from the citizen, with what became of them."""
    query = select(Message).where(
        Message.participant_kind == ParticipantKind.CITIZEN, Message.participant_id == citizen.id
    )
    for message in session.exec(query).all():
        assert message.id is not None
        way = "from" if message.direction == "in" else "to"
        yield TimelineEntry(
            at=message.created_at,
            kind=f"message.{message.direction}",
            id=message.id,
            summary=f"Message {way} citizen by {message.channel}"
            + (f" ({message.kind})" if message.kind else "")
            + f": {message.status}",
            detail={
                "message_kind": message.kind,
                "channel": str(message.channel),
                "status": str(message.status),
                "language": message.language,
                "body": message.body,
                "sent_at": message.sent_at,
            },
        )


def _absences(session: Session, citizen: Citizen) -> Iterable[TimelineEntry]:
    """Sick episodes: when reported and when closed."""
    for absence in session.exec(select(Absence).where(Absence.citizen_id == citizen.id)).all():
        assert absence.id is not None
        yield TimelineEntry(
            at=absence.reported_at,
            kind="absence.reported",
            id=absence.id,
            summary=f"Absent from {absence.first_day} ({absence.reason}); "
            f"expected back: {absence.expected_return_date or absence.expected_return}",
            detail={
                "reason": str(absence.reason),
                "first_day": absence.first_day,
                "reported_after_shift_start": absence.reported_after_shift_start,
                "doctor_note": absence.doctor_note,
            },
        )
        if absence.closed_at is not None:
            yield TimelineEntry(
                at=absence.closed_at,
                kind="absence.closed",
                id=absence.id,
                summary=f"Back at work from {absence.return_day}",
                detail={"return_day": absence.return_day},
            )


def _wake_ups(session: Session, citizen: Citizen) -> Iterable[TimelineEntry]:
    """Each morning's check-in and how it ended."""
    for wake in session.exec(select(WakeUp).where(WakeUp.citizen_id == citizen.id)).all():
        assert wake.id is not None
        how = f" by {wake.answered_via}" if wake.answered_via else ""
        yield TimelineEntry(
            at=wake.answered_at or wake.wake_at,
            kind=f"wakeup.{wake.status}",
            id=wake.id,
            summary=f"Wake-up for the shift at {_clock(wake.shift_start)}: {wake.status}{how}",
            detail={
                "day": wake.day,
                "stage": str(wake.stage),
                "placement_id": wake.placement_id,
                "call_status": wake.call_status,
            },
        )


def _interviews(session: Session, citizen: Citizen) -> Iterable[TimelineEntry]:
    """Interviews: booked, cancelled, and what came of them."""
    for interview in session.exec(select(Interview).where(Interview.citizen_id == citizen.id)):
        assert interview.id is not None
        when = _clock(interview.starts_at)
        yield TimelineEntry(
            at=interview.created_at,
            kind="interview.scheduled",
            id=interview.id,
            summary=f"Interview booked for {when} at {interview.address}",
            detail={
                "starts_at": interview.starts_at,
                "employer_id": interview.employer_id,
                "status": str(interview.status),
                "attendance": str(interview.attendance),
                "feedback": interview.feedback,
                "outcome": interview.outcome,
                "version": interview.version,
            },
        )
        if interview.cancelled_at is not None:
            yield TimelineEntry(
                at=interview.cancelled_at,
                kind="interview.cancelled",
                id=interview.id,
                summary=f"Interview of {when} cancelled",
            )
        elif interview.status == "held":
            yield TimelineEntry(
                at=interview.starts_at,
                kind="interview.held",
                id=interview.id,
                summary=f"Interview at {when}: attendance {interview.attendance}, "
                f"citizen felt {interview.feedback or 'not said'}, "
                f"outcome {interview.outcome or 'not known'}",
                detail={
                    "attendance": str(interview.attendance),
                    "feedback": interview.feedback,
                    "outcome": interview.outcome,
                },
            )


def _check_ins(session: Session, citizen: Citizen) -> Iterable[TimelineEntry]:
    """Follow-up answers from the citizen and the employer, and months without contact."""
    for check in session.exec(select(CheckIn).where(CheckIn.citizen_id == citizen.id)).all():
        assert check.id is not None
        who = "citizen" if check.respondent == ParticipantKind.CITIZEN else "employer"
        if check.answered_at is not None:
            extra = ""
            if check.wants_call:
                extra = ", wants a call"
            if check.paid_hours is not None:
                extra = f", {check.paid_hours:g} paid hours last week"
            yield TimelineEntry(
                at=check.answered_at,
                kind="checkin.answered",
                id=check.id,
                summary=f"Check-in {check.number}, {who}: {check.rating}{extra}",
                detail={
                    "respondent": who,
                    "number": check.number,
                    "rating": check.rating,
                    "wants_call": check.wants_call,
                    "paid_hours": check.paid_hours,
                },
            )
        elif check.stage == "missed":
            yield TimelineEntry(
                at=check.updated_at,
                kind="checkin.missed",
                id=check.id,
                summary=f"Check-in {check.number}, {who}: no answer",
                detail={"respondent": who, "number": check.number},
            )


def _reports(session: Session, citizen: Citizen) -> Iterable[TimelineEntry]:
    """What employers reported, and what the citizen answered."""
    query = select(EmployerReport).where(EmployerReport.citizen_id == citizen.id)
    for report in session.exec(query).all():
        assert report.id is not None
        yield TimelineEntry(
            at=report.created_at,
            kind="employer_report",
            id=report.id,
            summary=f"Employer reported: {report.category}",
            detail={
                "category": str(report.category),
                "contact_id": report.contact_id,
                "text": report.text,
            },
        )
        if report.citizen_replied_at is not None:
            yield TimelineEntry(
                at=report.citizen_replied_at,
                kind="employer_report.citizen_reply",
                id=report.id,
                summary="Citizen answered the employer's report",
                detail={"reply": report.citizen_reply},
            )


def _alerts(session: Session, citizen: Citizen) -> Iterable[TimelineEntry]:
    """Alerts: raised, acknowledged, resolved."""
    query = select(Alert).where(Alert.citizen_id == citizen.id).order_by(col(Alert.id))
    for alert in session.exec(query).all():
        assert alert.id is not None
        base = {"ref": alert.ref, "alert_kind": str(alert.kind), "severity": str(alert.severity)}
        yield TimelineEntry(
            at=alert.created_at,
            kind="alert.created",
            id=alert.id,
            summary=f"[{alert.ref}] {alert.severity}: {alert.summary}",
            detail=base,
        )
        if alert.acknowledged_at is not None:
            yield TimelineEntry(
                at=alert.acknowledged_at,
                kind="alert.acknowledged",
                id=alert.id,
                summary=f"[{alert.ref}] acknowledged by {alert.acknowledged_by}",
                detail=base,
            )
        if alert.resolved_at is not None:
            yield TimelineEntry(
                at=alert.resolved_at,
                kind="alert.resolved",
                id=alert.id,
                summary=f"[{alert.ref}] resolved by {alert.resolved_by}",
                detail={**base, "note": alert.resolution_note},
            )


def _leave(session: Session, citizen: Citizen) -> Iterable[TimelineEntry]:
    """Leave recorded through the API."""
    query = select(Leave).where(
        Leave.participant_kind == ParticipantKind.CITIZEN, Leave.participant_id == citizen.id
    )
    for leave in session.exec(query).all():
        assert leave.id is not None
        yield TimelineEntry(
            at=leave.created_at,
            kind="leave",
            id=leave.id,
            summary=f"Leave from {leave.first_day} to {leave.last_day}",
            detail={"first_day": leave.first_day, "last_day": leave.last_day},
        )
