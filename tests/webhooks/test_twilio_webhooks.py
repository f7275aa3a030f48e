"""Twilio's inbound SMS and status webhooks: signed requests only, stored once, never a 5xx."""

from __future__ import annotations

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from twilio.request_validator import RequestValidator

from bot.models import ChannelKind, Direction, Message, MessageStatus
from bot.settings import Settings
from webhooks.app import create_app

# The router looks at the time (working days, shifts): keep it still.
pytestmark = pytest.mark.usefixtures("clock")

BASE = "https://makker.example.org"
TOKEN = "test-twilio-auth-token"
SID = "SM" + "1" * 32
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def sms(**overrides: str | None) -> dict[str, str]:
    """The form Twilio posts for an incoming SMS (None drops a field)."""
    form: dict[str, str | None] = {
        "ToCountry": "DK",
        "SmsMessageSid": SID,
        "NumMedia": "0",
        "MessageSid": SID,
        "AccountSid": "AC" + "0" * 32,
        "From": "+4520123456",
        "To": "+4570000000",
        "Body": "syg",
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def sign(path: str, params: dict[str, str], token: str = TOKEN) -> str:
    """The X-Twilio-Signature Twilio would send for this URL and form."""
    return str(RequestValidator(token).compute_signature(BASE + path, params))


def post_signed(
    client: TestClient, path: str, params: dict[str, str], signature: str | None = None
) -> httpx2.Response:
    """POST the form with a correct signature (or the one given)."""
    headers = {"X-Twilio-Signature": signature if signature is not None else sign(path, params)}
    return client.post(path, data=params, headers=headers)


def inbound_rows(engine: Engine) -> list[Message]:
    """Inbound messages stored so far."""
    with Session(engine) as s:
        query = select(Message).where(col(Message.direction) == Direction.INBOUND)
        return list(s.exec(query.order_by(col(Message.id))).all())


def all_rows(engine: Engine) -> list[Message]:
    """Every message row, in or out."""
    with Session(engine) as s:
        return list(s.exec(select(Message)).all())


def test_inbound_sms_is_stored_routed_and_answered_with_empty_twiml(
    client: TestClient, engine: Engine
) -> None:
    """200 with an empty <Response>: replies travel through the outbox, not TwiML."""
    response = post_signed(client, "/webhooks/twilio/sms", sms())

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text == EMPTY_TWIML
    (stored,) = inbound_rows(engine)
    assert stored.channel == ChannelKind.SMS
    assert stored.provider_id == SID
    assert stored.address == "+4520123456"
    assert stored.body == "syg"
    assert stored.status == MessageStatus.HANDLED


def test_sender_is_normalised_and_short_codes_are_kept(client: TestClient, engine: Engine) -> None:
    """00-prefixed numbers become E.164; a sender id that is no number stays as it came."""
    post_signed(client, "/webhooks/twilio/sms", sms(From="004520123457"))
    post_signed(client, "/webhooks/twilio/sms", sms(From="1919", MessageSid="SM" + "2" * 32))
    assert [r.address for r in inbound_rows(engine)] == ["+4520123457", "1919"]


def test_missing_body_is_stored_as_empty_text(client: TestClient, engine: Engine) -> None:
    """An MMS without text, say: the router answers it with the help menu."""
    response = post_signed(client, "/webhooks/twilio/sms", sms(Body=None))
    assert response.status_code == 200
    (stored,) = inbound_rows(engine)
    assert stored.body == ""


def test_same_message_sid_twice_is_stored_once(client: TestClient, engine: Engine) -> None:
    """Twilio retries; the second delivery is acknowledged and ignored."""
    first = post_signed(client, "/webhooks/twilio/sms", sms())
    second = post_signed(client, "/webhooks/twilio/sms", sms())
    assert first.status_code == second.status_code == 200
    assert len(inbound_rows(engine)) == 1


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("bm90IGEgc2lnbmF0dXJl", id="garbage"),
        pytest.param(sign("/webhooks/twilio/sms", sms(), token="another-token"), id="other-token"),
        pytest.param(sign("/webhooks/twilio/sms", sms(Body="ok")), id="other-body"),
    ],
)
def test_unsigned_or_badly_signed_sms_is_refused_without_a_write(
    client: TestClient, engine: Engine, signature: str | None
) -> None:
    """403, and the message table stays empty."""
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    response = client.post("/webhooks/twilio/sms", data=sms(), headers=headers)
    assert response.status_code == 403
    assert all_rows(engine) == []


def test_signature_must_cover_the_public_url(client: TestClient, engine: Engine) -> None:
    """Signed for another host (e.g. a proxy's internal name): refused."""
    params = sms()
    signature = RequestValidator(TOKEN).compute_signature(
        "http://internal:8000/webhooks/twilio/sms", params
    )
    response = post_signed(client, "/webhooks/twilio/sms", params, signature)
    assert response.status_code == 403
    assert all_rows(engine) == []


def test_query_string_is_part_of_the_signed_url(client: TestClient, engine: Engine) -> None:
    """Twilio signs the full URL it called, query included."""
    path = "/webhooks/twilio/sms?tenant=hoeje-taastrup"
    params = sms()
    response = post_signed(client, path, params, sign(path, params))
    assert response.status_code == 200
    assert len(inbound_rows(engine)) == 1


def test_without_a_twilio_auth_token_every_request_is_refused(
    settings: Settings, engine: Engine
) -> None:
    """Nothing to check the signature with: nothing gets in."""
    unconfigured = settings.model_copy(
        update={"twilio_account_sid": None, "twilio_auth_token": None}
    )
    with TestClient(create_app(unconfigured, engine), base_url=BASE) as client:
        response = post_signed(client, "/webhooks/twilio/sms", sms())
    assert response.status_code == 403
    assert all_rows(engine) == []


@pytest.mark.parametrize("missing", ["From", "MessageSid"])
def test_signed_form_without_required_fields_is_a_400(
    client: TestClient, engine: Engine, missing: str
) -> None:
    """Not a Twilio SMS webhook, even if signed."""
    response = post_signed(client, "/webhooks/twilio/sms", sms(**{missing: None}))
    assert response.status_code == 400
    assert all_rows(engine) == []


def test_json_instead_of_a_form_is_a_4xx(client: TestClient, engine: Engine) -> None:
    """Non-form content has no fields; signed for no fields, it still lacks From."""
    path = "/webhooks/twilio/sms"
    unsigned = client.post(path, json=sms())
    signed = client.post(path, json=sms(), headers={"X-Twilio-Signature": sign(path, {})})
    garbage = client.post(
        path,
        content=b"\xff\xfe not a form",
        headers={"X-Twilio-Signature": sign(path, {}), "Content-Type": "text/plain"},
    )
    assert unsigned.status_code == 403
    assert signed.status_code == 400
    assert garbage.status_code == 400
    assert all_rows(engine) == []


def test_file_upload_is_refused(client: TestClient, engine: Engine) -> None:
    """Twilio never posts files to this webhook."""
    path = "/webhooks/twilio/sms"
    response = client.post(
        path,
        data=sms(),
        files={"Media": ("a.txt", b"x", "text/plain")},
        headers={"X-Twilio-Signature": sign(path, sms())},
    )
    assert response.status_code == 400
    assert all_rows(engine) == []


def outbound_row(session: Session, sid: str = SID) -> int:
    """An SMS the dispatcher handed to Twilio."""
    message = Message(
        direction=Direction.OUTBOUND,
        channel=ChannelKind.SMS,
        address="+4520123456",
        body="Hej",
        status=MessageStatus.SENT,
        provider_id=sid,
        attempts=1,
    )
    session.add(message)
    session.commit()
    assert message.id is not None
    return message.id


def status_form(status: str = "delivered", **extra: str) -> dict[str, str]:
    """The form of a status callback."""
    return {
        "MessageSid": SID,
        "MessageStatus": status,
        "AccountSid": "AC" + "0" * 32,
        "To": "+4520123456",
        **extra,
    }


def stored_status(engine: Engine, message_id: int) -> Message:
    """The outbound row as stored."""
    with Session(engine) as s:
        return s.get_one(Message, message_id)


def test_status_callback_updates_the_row(
    client: TestClient, engine: Engine, session: Session
) -> None:
    """Delivered → 204 and the row says delivered."""
    message_id = outbound_row(session)
    response = post_signed(client, "/webhooks/twilio/status", status_form())
    assert response.status_code == 204
    assert stored_status(engine, message_id).status == MessageStatus.DELIVERED


def test_status_callback_with_error_code(
    client: TestClient, engine: Engine, session: Session
) -> None:
    """Undelivered carries Twilio's ErrorCode onto the row."""
    message_id = outbound_row(session)
    form = status_form("undelivered", ErrorCode="30003")
    assert post_signed(client, "/webhooks/twilio/status", form).status_code == 204
    stored = stored_status(engine, message_id)
    assert stored.status == MessageStatus.UNDELIVERED
    assert stored.last_error == "twilio status undelivered error 30003"


def test_status_for_an_unknown_sid_is_acknowledged(client: TestClient, engine: Engine) -> None:
    """204 so Twilio does not retry forever; nothing is written."""
    response = post_signed(client, "/webhooks/twilio/status", status_form())
    assert response.status_code == 204
    assert all_rows(engine) == []


def test_badly_signed_status_is_refused(
    client: TestClient, engine: Engine, session: Session
) -> None:
    """A forged "failed" must not touch the row."""
    message_id = outbound_row(session)
    form = status_form("failed")
    response = post_signed(client, "/webhooks/twilio/status", form, signature="Zm9yZ2Vk")
    assert response.status_code == 403
    assert stored_status(engine, message_id).status == MessageStatus.SENT


def test_status_without_message_status_is_a_400(
    client: TestClient, engine: Engine, session: Session
) -> None:
    """Half a callback is not applied."""
    message_id = outbound_row(session)
    form = {"MessageSid": SID}
    assert post_signed(client, "/webhooks/twilio/status", form).status_code == 400
    assert stored_status(engine, message_id).status == MessageStatus.SENT


def test_callback_before_the_sid_is_recorded_finds_its_row_by_outbox_id(
    client: TestClient, engine: Engine, session: Session
) -> None:
    """Twilio can report "delivered" before the dispatcher has stored the sid: nothing is lost."""
    message = Message(
        direction=Direction.OUTBOUND,
        channel=ChannelKind.SMS,
        address="+4520123456",
        body="Hej",
        status=MessageStatus.SENDING,
    )
    session.add(message)
    session.commit()
    path = f"/webhooks/twilio/status?outbox={message.id}"
    assert post_signed(client, path, status_form("delivered")).status_code == 204
    stored = stored_status(engine, message.id or 0)
    assert stored.status == MessageStatus.DELIVERED and stored.provider_id == SID


def test_outbox_id_cannot_rebind_a_row_with_another_sid(
    client: TestClient, engine: Engine, session: Session
) -> None:
    """A callback naming another message's outbox id does not touch that message."""
    message_id = outbound_row(session, sid="SM" + "2" * 32)
    path = f"/webhooks/twilio/status?outbox={message_id}"
    assert post_signed(client, path, status_form("failed")).status_code == 204
    stored = stored_status(engine, message_id)
    assert stored.status == MessageStatus.SENT and stored.provider_id == "SM" + "2" * 32
