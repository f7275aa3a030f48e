"""`makker webhook-receiver`: verifies with the standardwebhooks library, prints, answers."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import Session
from standardwebhooks.webhooks import Webhook

from bot import cli
from bot.clock import utcnow
from tests.factories import make_jobcentre
from tests.webhooks.webhook_builders import deliver, raise_event, sender, subscribe
from webhooks.outgoing.receiver import ReceiverServer
from webhooks.outgoing.sender import DeliveryReport
from webhooks.outgoing.signing import new_secret, signed_headers

pytestmark = pytest.mark.usefixtures("clock")
SECRET = new_secret()
BODY = '{"type":"alert.created","timestamp":"2026-11-24T06:30:00Z","data":{"alert_id":7}}'


@pytest.fixture
def server() -> Iterator[tuple[ReceiverServer, io.StringIO]]:
    """The receiver on a free loopback port, printing into a buffer."""
    out = io.StringIO()
    receiver = ReceiverServer(0, SECRET, out)
    thread = threading.Thread(target=receiver.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    yield receiver, out
    receiver.shutdown()
    receiver.server_close()
    thread.join()


def post(receiver: ReceiverServer, headers: dict[str, str], body: str = BODY) -> int:
    """POST like a webhook sender; returns the status code."""
    response = httpx.post(receiver.url, content=body.encode(), headers=headers, timeout=5)
    return response.status_code


def test_a_verified_event_is_printed_on_one_line_and_answered_204(
    server: tuple[ReceiverServer, io.StringIO],
) -> None:
    receiver, out = server
    headers = signed_headers(event_id="msg_1", body=BODY, moment=utcnow(), secrets_in_use=[SECRET])

    assert post(receiver, headers) == 204
    assert out.getvalue().splitlines() == ['alert.created msg_1 {"alert_id": 7}']


@pytest.mark.parametrize(
    "tamper",
    ["body", "id", "other secret", "stale", "future", "garbage", "missing", "v2"],
)
def test_anything_that_does_not_verify_is_refused_with_401(
    server: tuple[ReceiverServer, io.StringIO], tamper: str
) -> None:
    receiver, out = server
    moment = utcnow()
    if tamper == "stale":
        moment -= timedelta(minutes=6)
    elif tamper == "future":
        moment += timedelta(minutes=6)
    secret = new_secret() if tamper == "other secret" else SECRET
    headers = signed_headers(event_id="msg_1", body=BODY, moment=moment, secrets_in_use=[secret])
    body = BODY.replace("7", "8") if tamper == "body" else BODY
    if tamper == "id":
        headers["webhook-id"] = "msg_2"
    elif tamper == "garbage":
        headers["webhook-signature"] = "not a signature"
    elif tamper == "missing":
        del headers["webhook-signature"]
    elif tamper == "v2":
        headers["webhook-signature"] = headers["webhook-signature"].replace("v1,", "v2,")

    assert post(receiver, headers, body) == 401
    assert out.getvalue().startswith("refused: ")
    assert "alert.created" not in out.getvalue()


def test_makker_delivers_to_it(
    engine: Engine,
    session: Session,
    server: tuple[ReceiverServer, io.StringIO],
    clock: time_machine.Traveller,
) -> None:
    """The README demo: a subscription pointing at the receiver gets its events through."""
    receiver, out = server
    jobcentre = make_jobcentre(session)
    subscription = subscribe(session, jobcentre, url=receiver.url)
    receiver.webhook = Webhook(subscription.secret)  # the secret Makker generated
    event = raise_event(session, jobcentre)

    assert deliver(sender(engine)) == DeliveryReport(delivered=1)
    assert out.getvalue().splitlines() == [
        f'alert.created {event.public_id} {{"alert_id": 7, "kind": "sick_reported", '
        '"severity": "urgent"}'
    ]


def test_the_command_refuses_a_missing_or_malformed_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    assert cli.main(["webhook-receiver", "--port", "0"]) == 2
    assert cli.main(["webhook-receiver", "--secret", "whsec_short"]) == 2
    assert "--secret" in capsys.readouterr().err
