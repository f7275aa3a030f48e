"""A local stand-in for Twilio's Messages API, for the real twilio client to talk to."""

from __future__ import annotations

import base64
import re
import uuid
from email.utils import formatdate
from typing import Any

from twilio.http.http_client import TwilioHttpClient

from tests.fakes._server import Recorded, Reply, StubServer

TWILIO_API = "https://api.twilio.com"
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-f]{32})/Messages\.json$")
CALLS_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC[0-9a-f]{32})/Calls\.json$")


class TwilioStub(StubServer):
    """`POST /2010-04-01/Accounts/<sid>/Messages.json` → 201 with a fresh SM… sid."""

    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token

    @property
    def messages(self) -> list[Recorded]:
        """Requests that created a message."""
        return [r for r in self.requests if MESSAGES_PATH.match(r.path)]

    @property
    def calls(self) -> list[Recorded]:
        """Requests that placed a call."""
        return [r for r in self.requests if CALLS_PATH.match(r.path)]

    def handle(self, request: Recorded) -> Reply:
        """Create a message or a call, as Twilio does, after checking the account and basic auth."""
        form = request.form
        call = CALLS_PATH.match(request.path)
        if call is not None:
            return self._create_call(call["sid"], request)
        match = MESSAGES_PATH.match(request.path)
        if match is None or match["sid"] != self.account_sid:
            return _error(404, 20404, "The requested resource was not found")
        if not self._authorised(request.headers):
            return _error(401, 20003, "Authenticate")
        if "To" not in form or "Body" not in form:
            return _error(400, 21604, "A 'To' phone number is required.")
        if "From" not in form and "MessagingServiceSid" not in form:
            return _error(400, 21603, "A 'From' phone number is required.")
        sid = "SM" + uuid.uuid4().hex
        return Reply(201, self._message(sid, form))

    def _create_call(self, account: str, request: Recorded) -> Reply:
        """`POST …/Calls.json`: To, From and Url (or Twiml) are required, as documented."""
        form = request.form
        if account != self.account_sid:
            return _error(404, 20404, "The requested resource was not found")
        if not self._authorised(request.headers):
            return _error(401, 20003, "Authenticate")
        if "To" not in form or "From" not in form:
            return _error(400, 21201, "No 'To' or 'From' number is specified")
        if "Url" not in form and "Twiml" not in form:
            return _error(400, 21205, "Url parameter is required.")
        sid = "CA" + uuid.uuid4().hex
        now = formatdate(usegmt=True)
        return Reply(
            201,
            {
                "sid": sid,
                "account_sid": self.account_sid,
                "api_version": "2010-04-01",
                "date_created": now,
                "date_updated": now,
                "direction": "outbound-api",
                "from": form["From"],
                "to": form["To"],
                "status": "queued",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{sid}.json",
                "subresource_uris": {},
            },
        )

    def fail_rate_limited(self, retry_after: int | None = 7) -> None:
        """Next create: 429 Too Many Requests (error 20429), with a Retry-After header."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.script(Reply(429, _error(429, 20429, "Too Many Requests").payload, headers=headers))

    def fail_server_error(self) -> None:
        """Next create: 500 from Twilio."""
        self.script(_error(500, 20500, "Internal Server Error"))

    def fail_invalid_number(self) -> None:
        """Next create: 400 with error 21211, whose message names the number (as Twilio's does)."""
        self.script(_error(400, 21211, "The 'To' number +4520000000 is not a valid phone number."))

    def _authorised(self, headers: dict[str, str]) -> bool:
        """Basic auth with the account sid and auth token."""
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return headers.get("Authorization") == f"Basic {expected}"

    def _message(self, sid: str, form: dict[str, str]) -> dict[str, Any]:
        """The Message resource as Twilio returns it on create."""
        now = formatdate(usegmt=True)
        return {
            "sid": sid,
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": form["Body"],
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "status": "queued",
            "subresource_uris": {},
            "to": form["To"],
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }


def _error(status: int, code: int, message: str) -> Reply:
    """Twilio's error document."""
    payload = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return Reply(status, payload)


class StubTwilioHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """The real twilio HTTP client, pointed at the stub instead of api.twilio.com."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", 5)
        super().__init__(**kwargs)
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        """Rewrite the Twilio host, then send for real (to loopback)."""
        if url.startswith(TWILIO_API):
            url = self.base_url + url.removeprefix(TWILIO_API)
        return super().request(method, url, *args, **kwargs)
