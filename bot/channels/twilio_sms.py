"""SMS through Twilio's Messages API, with the official client run in a worker thread."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.channels.base import ChannelError, OutboundMessage, SendResult, render_sms
from bot.settings import Settings

log = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 15.0  # twilio's own default is no timeout: a dead socket would hang a worker
STATUS_CALLBACK_PATH = "/webhooks/twilio/status"


class _HeaderRecordingHttpClient(HttpClient):  # type: ignore[misc]  # twilio ships no types
    """Keeps each worker thread's last response headers, so a 429 can honour Retry-After."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner.logger, False, inner.timeout)
        self.inner = inner
        self._local = threading.local()

    def request(self, method: str, uri: str, **kwargs: Any) -> Any:
        """Delegate to the wrapped client and remember the headers for this thread only."""
        self._local.headers = None
        response = self.inner.request(method, uri, **kwargs)
        self._local.headers = response.headers
        return response

    def last_headers(self) -> Any:
        """Headers of the last response received on the calling thread, if any."""
        return getattr(self._local, "headers", None)


class TwilioSmsChannel:
    """Sends SMS with twilio.rest.Client; options are rendered as numbered lines."""

    name = "twilio_sms"

    def __init__(self, settings: Settings, http_client: Any = None) -> None:
        if not settings.twilio_enabled:
            raise ValueError("Twilio is not configured (TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)")
        self._owns_http_client = http_client is None
        inner = http_client or TwilioHttpClient(timeout=HTTP_TIMEOUT_SECONDS)
        self._http = _HeaderRecordingHttpClient(inner)
        self._client = Client(
            settings.twilio_account_sid, settings.twilio_auth_token, http_client=self._http
        )
        self._sender: dict[str, str] = (
            {"messaging_service_sid": settings.twilio_messaging_service_sid}
            if settings.twilio_messaging_service_sid
            else {"from_": settings.twilio_from_number or ""}
        )
        self._status_callback = settings.public_base_url + STATUS_CALLBACK_PATH

    async def send(self, message: OutboundMessage) -> SendResult:
        """Create the message at Twilio without blocking the event loop."""
        return await asyncio.to_thread(self._create, message)

    def _create(self, message: OutboundMessage) -> SendResult:
        """Blocking call to Twilio; runs in a worker thread so headers stay per-thread."""
        try:
            created = self._client.messages.create(
                to=message.address,
                body=render_sms(message.body, message.options),
                # The outbox id lets a callback that beats our own bookkeeping find its row.
                status_callback=f"{self._status_callback}?outbox={message.id}",
                **self._sender,
            )
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _rest_error(exc.status, exc.code, self._http.last_headers()) from exc
        except requests.RequestException as exc:
            raise ChannelError(f"twilio network error: {type(exc).__name__}") from exc
        except TwilioException as exc:
            raise ChannelError(f"twilio client error: {type(exc).__name__}") from exc
        return SendResult(provider_id=str(created.sid))

    async def aclose(self) -> None:
        """Close the pooled HTTP connections of a client this channel created itself."""
        session = getattr(self._http.inner, "session", None)
        if self._owns_http_client and session is not None:
            session.close()


def _rest_error(status: int, code: Any, headers: Any) -> ChannelError:
    """Map an HTTP error from Twilio; the reason carries status and error code only."""
    reason = f"twilio http {status} error {code}"
    if status == 429 or status >= 500:
        return ChannelError(reason, retryable=True, retry_after=_retry_after(headers))
    return ChannelError(reason, retryable=False, extra={"twilio_code": str(code)})


def _retry_after(headers: Any) -> float | None:
    """Seconds from a Retry-After header given in seconds; None when absent or an HTTP date."""
    value = headers.get("Retry-After") if headers is not None else None
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None
