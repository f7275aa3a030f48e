"""Voice calls through Twilio's Calls API: Twilio fetches what to say from our voice webhook."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.channels.base import OutboundMessage, SendResult
from bot.channels.twilio_api import TwilioApi
from bot.settings import Settings

VOICE_PATH = "/webhooks/twilio/voice"
VOICE_STATUS_PATH = "/webhooks/twilio/voice/status"
RING_SECONDS = 30  # then Twilio reports no-answer


class TwilioVoiceChannel:
    """Places a call; the TwiML (<Say> and <Gather>) comes from VOICE_PATH when it is answered."""

    name = "twilio_voice"

    def __init__(self, settings: Settings, http_client: Any = None) -> None:
        if not settings.twilio_enabled or not settings.twilio_from_number:
            raise ValueError("Twilio voice needs an account SID, an auth token and a number")
        self._api = TwilioApi(settings, http_client)
        self._from = settings.twilio_from_number
        self._base = settings.public_base_url

    async def send(self, message: OutboundMessage) -> SendResult:
        """Create the call without blocking the event loop."""
        return await asyncio.to_thread(self._create, message)

    def _create(self, message: OutboundMessage) -> SendResult:
        """Blocking call to Twilio; the outbox id in the URLs ties the call to its script."""
        call = self._api.call(
            lambda: self._api.client.calls.create(
                to=message.address,
                from_=self._from,
                url=f"{self._base}{VOICE_PATH}?outbox={message.id}",
                method="POST",
                status_callback=f"{self._base}{VOICE_STATUS_PATH}?outbox={message.id}",
                status_callback_method="POST",
                timeout=RING_SECONDS,
            )
        )
        return SendResult(provider_id=str(call.sid))

    async def aclose(self) -> None:
        """Close the pooled HTTP connections of a client this channel created itself."""
        self._api.close()
