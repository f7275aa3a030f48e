"""Wake-up call webhooks: the spoken script, the key pressed, the call's outcome; all signed."""

from __future__ import annotations

import httpx2
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.models import AlertKind, Message, WakeUp, WakeUpStatus
from flows import wake_up
from tests.factories import ident
from tests.flows.checkin_builders import alerts, at
from tests.flows.test_wake_up import TUESDAY, placed, tick
from tests.webhooks.test_twilio_webhooks import sign

CALL_SID = "CA" + "5" * 32


def call_form(**extra: str) -> dict[str, str]:
    """What Twilio posts about a call."""
    return {"CallSid": CALL_SID, "AccountSid": "AC" + "0" * 32, "To": "+4520123456", **extra}


def post(client: TestClient, path: str, form: dict[str, str]) -> httpx2.Response:
    """POST signed as Twilio signs (the query string is part of the signed URL)."""
    return client.post(path, data=form, headers={"X-Twilio-Signature": sign(path, form)})


def called(
    engine: Engine, session: Session, clock: time_machine.Traveller, language: str
) -> Message:
    """Run a wake-up up to its voice call and return the call's outbox row."""
    placed(session, language=language)
    for moment in ("06:30", "06:50", "07:10"):
        clock.move_to(at(TUESDAY, moment))
        tick(engine)
    session.expire_all()
    return session.exec(select(Message).where(Message.kind == wake_up.CALL)).one()


def wake_up_row(session: Session) -> WakeUp:
    """Today's wake-up."""
    session.expire_all()
    return session.exec(select(WakeUp).where(WakeUp.day == TUESDAY).order_by(col(WakeUp.id))).one()


def test_script_is_spoken_in_turkish_with_a_one_key_gather(
    client: TestClient, engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """<Gather numDigits=1> around <Say voice=Polly.Filiz language=tr-TR>."""
    call = called(engine, session, clock, "tr")
    path = f"/webhooks/twilio/voice?outbox={ident(call)}"
    response = post(client, path, call_form(CallStatus="in-progress"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    xml = response.text
    assert '<Gather action="/webhooks/twilio/voice/gather?outbox=' in xml
    assert 'numDigits="1"' in xml
    assert 'voice="Polly.Filiz"' in xml and 'language="tr-TR"' in xml
    assert "Ali" in xml


def test_key_1_confirms_and_the_call_says_thanks(
    client: TestClient, engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Pressing 1 confirms the wake-up, as a text "1" would."""
    call = called(engine, session, clock, "en")
    path = f"/webhooks/twilio/voice/gather?outbox={ident(call)}"
    response = post(client, path, call_form(Digits="1"))
    assert response.status_code == 200 and "Have a good day" in response.text
    row = wake_up_row(session)
    assert row.status == WakeUpStatus.CONFIRMED and row.answered_via == "voice"
    again = post(client, path, call_form(Digits="1"))  # Twilio retried: nothing twice
    assert again.status_code == 200
    confirmations = session.exec(select(Message).where(Message.kind == "wake_up.confirmed")).all()
    assert len(confirmations) == 1 and confirmations[0].channel == "sms"  # thanks in writing


def test_key_2_starts_the_sick_day_flow_by_text(
    client: TestClient, engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """Pressing 2: sick; the sick-day questions follow by SMS, not by phone."""
    call = called(engine, session, clock, "en")
    response = post(
        client, f"/webhooks/twilio/voice/gather?outbox={ident(call)}", call_form(Digits="2")
    )
    assert "Get well soon" in response.text
    assert wake_up_row(session).status == WakeUpStatus.SICK
    ask = session.exec(select(Message).where(Message.kind == "sick_day.ask_who")).one()
    assert ask.channel == "sms"


def test_no_answer_status_alerts_the_consultant_at_once(
    client: TestClient, engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """CallStatus=no-answer → urgent alert without waiting for the backstop."""
    call = called(engine, session, clock, "en")
    path = f"/webhooks/twilio/voice/status?outbox={ident(call)}"
    assert post(client, path, call_form(CallStatus="no-answer")).status_code == 204
    (alert,) = alerts(session, AlertKind.WAKEUP_MISSED)
    assert "nobody answered" in alert.summary
    assert wake_up_row(session).call_status == "no-answer"


def test_unsigned_or_forged_requests_are_refused(
    client: TestClient, engine: Engine, session: Session, clock: time_machine.Traveller
) -> None:
    """403 without a valid signature; 404 for an outbox row that is no call; 422 for junk ids."""
    call = called(engine, session, clock, "en")
    path = f"/webhooks/twilio/voice/gather?outbox={ident(call)}"
    assert client.post(path, data=call_form(Digits="1")).status_code == 403
    forged = client.post(path, data=call_form(Digits="1"), headers={"X-Twilio-Signature": "x"})
    assert forged.status_code == 403
    assert wake_up_row(session).status == WakeUpStatus.OPEN
    first_text = session.exec(select(Message).where(Message.kind == wake_up.FIRST_TEXT)).one()
    assert (
        post(client, f"/webhooks/twilio/voice?outbox={ident(first_text)}", call_form()).status_code
        == 404
    )
    assert post(client, "/webhooks/twilio/voice?outbox=abc", call_form()).status_code == 422
    assert post(client, f"/webhooks/twilio/voice?outbox={ident(call)}", {}).status_code == 400
