"""The official twilio client as Makker uses it: a timeout, per-thread headers, mapped errors."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.channels.base import ChannelError
from bot.settings import Settings

HTTP_TIMEOUT_SECONDS = 15.0  # twilio's own default is no timeout: a dead socket would hang a worker
Result = TypeVar("Result")


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


class TwilioApi:
    """One twilio.rest.Client per channel; `call` turns every failure into a ChannelError."""

    def __init__(self, settings: Settings, http_client: Any = None) -> None:
        self._owns_http_client = http_client is None
        inner = http_client or TwilioHttpClient(timeout=HTTP_TIMEOUT_SECONDS)
        self._http = _HeaderRecordingHttpClient(inner)
        self.client = Client(
            settings.twilio_account_sid, settings.twilio_auth_token, http_client=self._http
        )

    def call(self, request: Callable[[], Result]) -> Result:
        """Run one blocking API request (in a worker thread, so headers stay per-thread)."""
        try:
            return request()
        except (TwilioRestException, TwilioServiceException) as exc:
            raise _rest_error(exc.status, exc.code, self._http.last_headers()) from exc
        except requests.RequestException as exc:
            raise ChannelError(f"twilio network error: {type(exc).__name__}") from exc
        except TwilioException as exc:
            raise ChannelError(f"twilio client error: {type(exc).__name__}") from exc

    def close(self) -> None:
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
