"""Alerts: one model for every escalation, delivered by severity, acknowledged by a reply.

```mermaid
flowchart TD
    R["raise_alert (any flow)"] --> S{"severity"}
    S -- info --> D["daily digest at office opening"]
    S -- "attention" --> A["[A12] text now (held in quiet hours) · Reply OK A12"]
    S -- urgent --> U["[A12] URGENT text now, even at night · Reply OK A12"]
    U -- "not acknowledged within 60 office minutes" --> B["the consultant's backup"]
    L["consultant on leave"] -. "routes every alert to" .-> B
    K["OK A12 (SMS/Telegram) or the API"] --> ACK["acknowledged: by whom, when"]
```

Every alert also becomes an `alert.created` event for the case system (ids and severity
only). Summaries are rendered in the language of the consultant who is told.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.clock import local, utcnow
from bot.db.claim import claim_due
from bot.events import emit, iso_utc
from bot.hours import add_office_minutes, closure_days, is_office_time, jobcentre_hours, on_leave
from bot.models import (
    Absence,
    Alert,
    AlertKind,
    AlertSeverity,
    Citizen,
    Consultant,
    Message,
    ParticipantKind,
    Placement,
)
from bot.recipients import recipient_for
from flows.engine import Turn, say
from flows.people import consultant_of
from messages import TN, T, Text, lines, render
from messages.languages import DEFAULT_LANGUAGE

MAX_BACKUP_CHAIN = 5  # backups of backups followed at most this far (and never in a circle)
DIGEST_LIMIT = 10  # lines in one digest; the rest are counted
ACK = re.compile(r"^\s*ok\s*\[?\s*a?\s*(\d{1,9})\s*\]?\s*[.!]?\s*$", re.IGNORECASE)
BARE_OK = re.compile(r"^\s*(ok|okay|okej)\s*[.!]?\s*$", re.IGNORECASE)


def raise_alert(
    session: Session,
    *,
    citizen: Citizen | None,
    kind: AlertKind,
    severity: AlertSeverity,
    summary: Text,
    key: str,
    placement: Placement | None = None,
    absence: Absence | None = None,
    details: dict[str, Any] | None = None,
    notify: bool = True,
    consultant: Consultant | None = None,
    jobcentre_id: int | None = None,
    now: datetime | None = None,
) -> Alert:
    """Store the alert (once per `key`) and tell the consultant as its severity asks.

    `notify=False` is for alerts already told inside another message (the sick-day notice
    carries its threshold alerts); they are marked as told and never sent again.
    """
    existing = session.exec(select(Alert).where(Alert.dedupe_key == key)).first()
    if existing is not None:
        return existing
    moment = now or utcnow()
    assigned = consultant or (consultant_of(session, citizen) if citizen is not None else None)
    target = available_consultant(session, assigned, local(moment).date())
    reader = target or assigned
    tenant = jobcentre_id or (citizen.jobcentre_id if citizen else None)
    tenant = tenant or (assigned.jobcentre_id if assigned else None)
    if tenant is None:
        raise ValueError("an alert needs a jobcentre")
    alert = Alert(
        jobcentre_id=tenant,
        consultant_id=assigned.id if assigned else None,
        citizen_id=citizen.id if citizen else None,
        placement_id=placement.id if placement else None,
        absence_id=absence.id if absence else None,
        kind=kind,
        severity=severity,
        summary=render(summary, reader.language if reader else DEFAULT_LANGUAGE),
        details=details or {},
        created_at=moment,
        dedupe_key=key,
    )
    session.add(alert)
    session.flush()
    emit(session, jobcentre_id=tenant, kind="alert.created", data=event_data(alert), now=moment)
    if target is None:
        return alert  # nobody to text: the alert waits in the API and the console
    if not notify:
        alert.notified_consultant_id = target.id
        alert.notified_at = moment
    elif severity != AlertSeverity.INFO:
        notify_consultant(session, alert, target, moment)
    session.add(alert)
    return alert


def event_data(alert: Alert) -> dict[str, Any]:
    """What a case system learns about an alert: ids, kind, severity, times."""
    return {
        "alert_id": alert.id,
        "ref": alert.ref,
        "kind": str(alert.kind),
        "severity": str(alert.severity),
        "citizen_id": alert.citizen_id,
        "placement_id": alert.placement_id,
        "consultant_id": alert.consultant_id,
        "created_at": iso_utc(alert.created_at),
    }


def available_consultant(
    session: Session, consultant: Consultant | None, day: date
) -> Consultant | None:
    """The consultant, or the first backup in their chain who is active and not on leave.

    When everybody in the chain is away, the consultant themself: someone must hear it.
    """
    seen: set[int | None] = set()
    current = consultant
    for _ in range(MAX_BACKUP_CHAIN + 1):
        if current is None or current.id in seen:
            break
        seen.add(current.id)
        if (
            current.active
            and on_leave(session, ParticipantKind.CONSULTANT, current.id, day) is None
        ):
            return current
        current = session.get(Consultant, current.backup_id) if current.backup_id else None
    return consultant if consultant is not None and consultant.active else None


def notify_consultant(
    session: Session,
    alert: Alert,
    consultant: Consultant,
    now: datetime,
    *,
    instead_of: Consultant | None = None,
) -> Message | None:
    """Text one consultant the alert with its reference; urgent ones start the ack clock."""
    recipient = recipient_for(consultant)
    if recipient is None:
        return None
    urgent = alert.severity == AlertSeverity.URGENT
    if instead_of is not None:
        text = T(
            "[{ref}] URGENT, not acknowledged by {name}: {summary} Reply OK {ref}.",
            ref=alert.ref,
            name=instead_of.name,
            summary=alert.summary,
        )
    elif urgent:
        text = T("[{ref}] URGENT: {summary} Reply OK {ref}.", ref=alert.ref, summary=alert.summary)
    else:
        text = T("[{ref}] {summary} Reply OK {ref}.", ref=alert.ref, summary=alert.summary)
    message = say(
        session,
        recipient,
        text,
        kind=f"alert.{alert.kind}",
        key=f"alert:{alert.id}:to:{consultant.id}",
        ref=f"alert:{alert.id}",
        quiet=not urgent,  # urgent alerts are worth waking a consultant for; others wait
    )
    alert.notified_consultant_id = consultant.id
    alert.notified_at = now
    if urgent and instead_of is None:
        hours = jobcentre_hours(session, alert.jobcentre_id)
        closures = closure_days(session, alert.jobcentre_id, since=local(now).date())
        alert.escalate_at = add_office_minutes(hours, now, hours.alert_ack_minutes, closures)
    session.add(alert)
    return message


def acknowledge(session: Session, alert: Alert, *, by: str, now: datetime) -> bool:
    """Mark the alert seen; False when it already was (nothing changes then)."""
    if alert.acknowledged_at is not None:
        return False
    alert.acknowledged_at = now
    alert.acknowledged_by = by[:200]
    alert.escalate_at = None
    session.add(alert)
    emit(
        session,
        jobcentre_id=alert.jobcentre_id,
        kind="alert.acknowledged",
        data={**event_data(alert), "acknowledged_at": iso_utc(now)},
        now=now,
    )
    return True


def resolve(session: Session, alert: Alert, *, by: str, note: str | None, now: datetime) -> bool:
    """Close the alert with a note (acknowledging it too); False when already resolved."""
    if alert.resolved_at is not None:
        return False
    acknowledge(session, alert, by=by, now=now)
    alert.resolved_at = now
    alert.resolved_by = by[:200]
    alert.resolution_note = note
    session.add(alert)
    emit(
        session,
        jobcentre_id=alert.jobcentre_id,
        kind="alert.resolved",
        data={**event_data(alert), "resolved_at": iso_utc(now)},
        now=now,
    )
    return True


def acknowledge_by_reply(turn: Turn) -> bool:
    """A consultant's "OK A12" (or a bare "OK" for their latest alert); False if not one."""
    consultant = turn.person
    if not isinstance(consultant, Consultant):
        return False
    match = ACK.match(turn.text)
    if match is not None:
        alert = _ackable(turn.session, consultant, int(match.group(1)))
        ref = f"A{match.group(1)}"
    elif BARE_OK.match(turn.text):
        alert = _latest_unacknowledged(turn.session, consultant)
        if alert is None:
            return False
        ref = alert.ref
    else:
        return False
    if alert is None:
        turn.reply(
            T("There is no alert {ref} for you. Check the reference and try again.", ref=ref),
            kind="alert.ack_unknown",
        )
        return True
    if not acknowledge(
        turn.session, alert, by=f"consultant:{consultant.id} {consultant.name}", now=turn.now
    ):
        turn.reply(T("{ref} was already acknowledged.", ref=alert.ref), kind="alert.ack_repeated")
        return True
    turn.reply(T("Thank you. {ref} is acknowledged.", ref=alert.ref), kind="alert.ack_confirm")
    return True


def _ackable(session: Session, consultant: Consultant, alert_id: int) -> Alert | None:
    """The alert if this consultant may acknowledge it: it is theirs, or was sent to them."""
    alert = session.get(Alert, alert_id) if alert_id < 2**31 else None
    if alert is None or alert.jobcentre_id != consultant.jobcentre_id:
        return None
    if consultant.id in {alert.consultant_id, alert.notified_consultant_id}:
        return alert
    return None


def _latest_unacknowledged(session: Session, consultant: Consultant) -> Alert | None:
    """The newest alert sent to this consultant that nobody has acknowledged."""
    query = (
        select(Alert)
        .where(
            Alert.notified_consultant_id == consultant.id,
            col(Alert.acknowledged_at).is_(None),
            col(Alert.severity) != AlertSeverity.INFO,
        )
        .order_by(col(Alert.notified_at).desc(), col(Alert.id).desc())
    )
    return session.exec(query).first()


def escalate_unacknowledged(session: Session, now: datetime) -> int:
    """Send urgent alerts nobody acknowledged in time to the backup; returns how many."""
    due = claim_due(
        session,
        Alert,
        Alert.escalate_at,
        now,
        col(Alert.acknowledged_at).is_(None),
        col(Alert.resolved_at).is_(None),
        col(Alert.escalated_at).is_(None),
    )
    escalated = 0
    for alert in due:
        alert.escalate_at = None
        alert.escalated_at = now
        session.add(alert)
        told = session.get(Consultant, alert.notified_consultant_id or 0)
        backup = _backup_of(session, told, local(now).date())
        if told is None or backup is None:
            continue  # nobody further to tell; the alert stays open in the API
        notify_consultant(session, alert, backup, now, instead_of=told)
        emit(
            session,
            jobcentre_id=alert.jobcentre_id,
            kind="alert.escalated",
            data={**event_data(alert), "escalated_to": backup.id, "escalated_at": iso_utc(now)},
            now=now,
        )
        escalated += 1
    return escalated


def _backup_of(session: Session, consultant: Consultant | None, day: date) -> Consultant | None:
    """The first available backup after this consultant (never the consultant themself)."""
    if consultant is None or consultant.backup_id is None:
        return None
    backup = session.get(Consultant, consultant.backup_id)
    found = available_consultant(session, backup, day)
    return None if found is None or found.id == consultant.id else found


def send_digests(session: Session, now: datetime) -> int:
    """Once a day in office hours, one message per consultant with their new info alerts."""
    query = select(Alert).where(
        Alert.severity == AlertSeverity.INFO,
        col(Alert.notified_at).is_(None),
        col(Alert.digested_at).is_(None),
        col(Alert.consultant_id).is_not(None),
        col(Alert.created_at) <= now,
    )
    pending: dict[int, list[Alert]] = {}
    for alert in session.exec(query.order_by(col(Alert.id))).all():
        pending.setdefault(alert.consultant_id or 0, []).append(alert)
    sent = 0
    today = local(now).date()
    for consultant_id, alerts in pending.items():
        assigned = session.get(Consultant, consultant_id)
        if assigned is None:
            continue
        hours = jobcentre_hours(session, assigned.jobcentre_id)
        closures = closure_days(session, assigned.jobcentre_id, since=today)
        if not is_office_time(hours, now, closures):
            continue
        target = available_consultant(session, assigned, today)
        recipient = recipient_for(target) if target is not None else None
        if target is None or recipient is None:
            continue
        key = f"digest:{target.id}:{today.isoformat()}"
        if session.exec(select(Message.id).where(Message.idempotency_key == key)).first():
            continue  # today's digest went out; these wait for tomorrow's
        shown = alerts[:DIGEST_LIMIT]
        more = len(alerts) - len(shown)
        say(
            session,
            recipient,
            lines(
                TN(
                    "Makker daily overview: {n} new notice.",
                    "Makker daily overview: {n} new notices.",
                    len(alerts),
                ),
                *(T("[{ref}] {summary}", ref=a.ref, summary=a.summary) for a in shown),
                TN("… and {n} more in the case system.", "… and {n} more in the case system.", more)
                if more
                else None,
            ),
            kind="alert.digest",
            key=key,
        )
        for alert in alerts:
            alert.digested_at = now
            alert.notified_at = now
            alert.notified_consultant_id = target.id
            session.add(alert)
        sent += 1
    return sent
