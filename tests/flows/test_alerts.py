"""Alerts reach the right consultant at the right time, are acknowledged by reply, escalate."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from sqlmodel import Session, col, select

from bot.clock import utcnow
from bot.models import (
    Alert,
    AlertKind,
    AlertSeverity,
    Consultant,
    Leave,
    Message,
    ParticipantKind,
    WebhookEvent,
    WebhookSubscription,
)
from flows.alerts import escalate_unacknowledged, raise_alert, send_digests
from messages import T
from tests.factories import World, ident, make_consultant, make_jobcentre, make_world
from tests.flows.chat import Chat


def _alert(
    session: Session,
    world: World,
    severity: AlertSeverity = AlertSeverity.URGENT,
    key: str = "test:1",
) -> Alert:
    """Raise one alert about the world's citizen and commit it."""
    alert = raise_alert(
        session,
        citizen=world.citizen,
        kind=AlertKind.WAKEUP_MISSED,
        severity=severity,
        summary=T("{name} did not answer this morning.", name=world.citizen.first_name),
        key=key,
    )
    session.commit()
    return alert


def _to(session: Session, consultant: Consultant) -> list[Message]:
    """What a consultant was sent, oldest first."""
    query = select(Message).where(Message.address == consultant.phone).order_by(col(Message.id))
    return list(session.exec(query).all())


def _backup(session: Session, world: World, **overrides: object) -> Consultant:
    """A second consultant as the world consultant's backup."""
    backup = make_consultant(session, world.jobcentre, name="Jonas Berg", **overrides)
    world.consultant.backup_id = backup.id
    session.add(world.consultant)
    session.commit()
    return backup


def test_urgent_alert_goes_out_at_once_even_at_night(
    session: Session, world: World, clock: time_machine.Traveller
) -> None:
    """05:10 is inside quiet hours, but an urgent alert is worth waking someone for."""
    clock.move_to("2026-11-24T04:10:00+00:00")
    alert = _alert(session, world)
    (text,) = _to(session, world.consultant)
    assert text.kind == "alert.wakeup_missed"
    assert text.body.startswith(f"[{alert.ref}] ")
    assert f"OK {alert.ref}" in text.body
    assert text.next_attempt_at == utcnow()
    assert alert.notified_consultant_id == world.consultant.id


def test_attention_alert_waits_for_the_end_of_quiet_hours(
    session: Session, world: World, clock: time_machine.Traveller
) -> None:
    """At 22:00 an attention alert is held until 07:00 the next morning."""
    clock.move_to("2026-11-24T21:00:00+00:00")
    _alert(session, world, AlertSeverity.ATTENTION)
    (text,) = _to(session, world.consultant)
    assert text.next_attempt_at == datetime.fromisoformat("2026-11-25T06:00:00+00:00")


def test_info_alerts_arrive_in_one_daily_digest(
    session: Session, world: World, clock: time_machine.Traveller
) -> None:
    """Info alerts are not texted one by one; the digest comes at office opening, once a day."""
    clock.move_to("2026-11-24T05:00:00+00:00")  # 06:00, before office hours
    for n in range(3):
        _alert(session, world, AlertSeverity.INFO, key=f"info:{n}")
    assert _to(session, world.consultant) == []
    assert send_digests(session, utcnow()) == 0  # not office time yet
    clock.move_to("2026-11-24T07:05:00+00:00")  # 08:05
    assert send_digests(session, utcnow()) == 1
    session.commit()
    (digest,) = _to(session, world.consultant)
    assert digest.kind == "alert.digest"
    assert all(f"[A{n}]" in digest.body for n in (1, 2, 3))
    _alert(session, world, AlertSeverity.INFO, key="info:later")
    assert send_digests(session, utcnow()) == 0  # today's digest went out; this waits
    clock.move_to("2026-11-25T07:05:00+00:00")
    assert send_digests(session, utcnow()) == 1
    session.commit()
    assert "[A4]" in _to(session, world.consultant)[-1].body


def test_the_same_key_raises_one_alert(session: Session, world: World, clock: object) -> None:
    """A tick that runs twice finds the first alert instead of texting again."""
    first = _alert(session, world)
    second = _alert(session, world)
    assert first.id == second.id
    assert len(session.exec(select(Alert)).all()) == 1
    assert len(_to(session, world.consultant)) == 1


def test_ok_reply_acknowledges(chat: Chat, session: Session, world: World, clock: object) -> None:
    """The consultant writes "ok a1" (any case, with or without brackets) and is thanked."""
    alert = _alert(session, world)
    chat.send(world.consultant.phone or "", f"ok [{alert.ref.lower()}]")
    session.expire_all()
    stored = session.get_one(Alert, alert.id)
    assert stored.acknowledged_at == utcnow()
    assert stored.acknowledged_by and "Mette Jensen" in stored.acknowledged_by
    assert stored.escalate_at is None
    assert chat.last(world.consultant.phone or "").kind == "alert.ack_confirm"
    chat.send(world.consultant.phone or "", f"OK {alert.ref}")
    assert chat.last(world.consultant.phone or "").kind == "alert.ack_repeated"


def test_bare_ok_acknowledges_the_latest(
    chat: Chat, session: Session, world: World, clock: object
) -> None:
    """Just "OK" means the newest alert this consultant has not acknowledged."""
    _alert(session, world, key="a")
    newest = _alert(session, world, key="b")
    chat.send(world.consultant.phone or "", "OK")
    session.expire_all()
    assert session.get_one(Alert, newest.id).acknowledged_at is not None
    assert newest.ref in chat.last(world.consultant.phone or "").body


def test_nobody_acknowledges_someone_elses_alert(
    chat: Chat, session: Session, world: World, clock: object
) -> None:
    """Another jobcentre's consultant, or an unknown reference, gets a neutral answer."""
    alert = _alert(session, world)
    other = make_world(session)
    for sender, text in ((other.consultant, f"OK {alert.ref}"), (world.consultant, "OK A999")):
        chat.send(sender.phone or "", text)
        assert chat.last(sender.phone or "").kind == "alert.ack_unknown"
    session.expire_all()
    assert session.get_one(Alert, alert.id).acknowledged_at is None


def test_ok_from_a_citizen_is_not_an_acknowledgement(
    chat: Chat, session: Session, world: World, clock: object
) -> None:
    """Only consultants acknowledge alerts."""
    alert = _alert(session, world)
    chat.send(world.citizen.phone or "", f"OK {alert.ref}")
    session.expire_all()
    assert session.get_one(Alert, alert.id).acknowledged_at is None


def test_unacknowledged_urgent_alert_goes_to_the_backup_after_office_minutes(
    session: Session, world: World, clock: time_machine.Traveller
) -> None:
    """Raised at 06:10: the 60 minutes run from 08:00, so the backup hears at 09:00."""
    backup = _backup(session, world)
    clock.move_to("2026-11-24T05:10:00+00:00")
    alert = _alert(session, world)
    assert alert.escalate_at == datetime.fromisoformat("2026-11-24T08:00:00+00:00")
    clock.move_to("2026-11-24T07:59:00+00:00")
    assert escalate_unacknowledged(session, utcnow()) == 0
    clock.move_to("2026-11-24T08:00:00+00:00")
    assert escalate_unacknowledged(session, utcnow()) == 1
    session.commit()
    assert escalate_unacknowledged(session, utcnow()) == 0
    (text,) = _to(session, backup)
    assert "Mette Jensen" in text.body and text.body.startswith(f"[{alert.ref}]")
    session.refresh(alert)
    assert alert.escalated_at is not None and alert.notified_consultant_id == backup.id


def test_acknowledged_alert_does_not_escalate(
    chat: Chat, session: Session, world: World, clock: time_machine.Traveller
) -> None:
    """An OK in time stops the clock."""
    backup = _backup(session, world)
    alert = _alert(session, world)
    chat.send(world.consultant.phone or "", f"OK {alert.ref}")
    clock.shift(24 * 3600)
    assert escalate_unacknowledged(session, utcnow()) == 0
    assert _to(session, backup) == []


def test_escalation_waits_over_the_weekend(
    session: Session, world: World, clock: time_machine.Traveller
) -> None:
    """Friday 15:30 plus 60 office minutes is Monday 08:30."""
    _backup(session, world)
    clock.move_to("2026-11-27T14:30:00+00:00")
    alert = _alert(session, world)
    assert alert.escalate_at == datetime.fromisoformat("2026-11-30T07:30:00+00:00")


def test_consultant_on_leave_has_alerts_routed_to_the_backup(
    session: Session, world: World, clock: object
) -> None:
    """Leave recorded for the consultant sends the alert straight to the backup."""
    backup = _backup(session, world, language="en")
    session.add(
        Leave(
            jobcentre_id=ident(world.jobcentre),
            participant_kind=ParticipantKind.CONSULTANT,
            participant_id=ident(world.consultant),
            first_day=date(2026, 11, 23),
            last_day=date(2026, 11, 27),
        )
    )
    session.commit()
    alert = _alert(session, world)
    assert _to(session, world.consultant) == []
    (text,) = _to(session, backup)
    assert text.language == "en" and "did not answer this morning" in alert.summary
    assert alert.consultant_id == world.consultant.id  # still the citizen's consultant
    assert alert.notified_consultant_id == backup.id


def test_when_everybody_is_away_the_consultant_still_hears(
    session: Session, world: World, clock: object
) -> None:
    """A backup on leave too: the alert goes to the citizen's own consultant after all."""
    backup = _backup(session, world)
    for person in (world.consultant, backup):
        session.add(
            Leave(
                jobcentre_id=ident(world.jobcentre),
                participant_kind=ParticipantKind.CONSULTANT,
                participant_id=ident(person),
                first_day=date(2026, 11, 1),
                last_day=date(2026, 12, 31),
            )
        )
    backup.backup_id = world.consultant.id  # a circle must not loop
    session.add(backup)
    session.commit()
    _alert(session, world)
    assert len(_to(session, world.consultant)) == 1


def test_alert_becomes_a_thin_event(session: Session, world: World, clock: object) -> None:
    """A subscribed case system gets ids, kind and severity; no names, no summary."""
    session.add(
        WebhookSubscription(
            jobcentre_id=ident(world.jobcentre),
            url="https://case.example.dk/hooks",
            secret="whsec_" + "A" * 32,
        )
    )
    session.commit()
    alert = _alert(session, world)
    event = session.exec(select(WebhookEvent)).one()
    assert event.kind == "alert.created"
    assert event.payload["data"]["alert_id"] == alert.id
    assert event.payload["data"]["severity"] == "urgent"
    text = str(event.payload)
    assert world.citizen.first_name not in text and "did not answer" not in text


def test_alert_without_a_consultant_waits_in_the_api(session: Session, clock: object) -> None:
    """A jobcentre-level alert (no citizen) is stored even when nobody can be texted."""
    jobcentre = make_jobcentre(session)
    alert = raise_alert(
        session,
        citizen=None,
        jobcentre_id=ident(jobcentre),
        kind=AlertKind.WEBHOOK_DEAD_LETTER,
        severity=AlertSeverity.ATTENTION,
        summary=T("Events could not be delivered to the case system."),
        key="dead:1",
    )
    session.commit()
    assert alert.id is not None and alert.notified_at is None
    assert session.exec(select(Message)).all() == []
