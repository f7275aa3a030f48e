"""SMS through Twilio's Messages API, with the official client run in a worker thread."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.channels.base import OutboundMessage, SendResult, render_sms
from bot.channels.twilio_api import TwilioApi
from bot.settings import Settings

STATUS_CALLBACK_PATH = "/webhooks/twilio/status"


class TwilioSmsChannel:
    """Sends SMS with twilio.rest.Client; options are rendered as numbered lines."""

    name = "twilio_sms"

    def __init__(self, settings: Settings, http_client: Any = None) -> None:
        if not settings.twilio_enabled:
            raise ValueError("Twilio is not configured (TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)")
        self._api = TwilioApi(settings, http_client)
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
        created = self._api.call(
            lambda: self._api.client.messages.create(
                to=message.address,
                body=render_sms(message.body, message.options),
                # The outbox id lets a callback that beats our own bookkeeping find its row.
                status_callback=f"{self._status_callback}?outbox={message.id}",
                **self._sender,
            )
        )
        return SendResult(provider_id=str(created.sid))

    async def aclose(self) -> None:
        """Close the pooled HTTP connections of a client this channel created itself."""
        self._api.close()
