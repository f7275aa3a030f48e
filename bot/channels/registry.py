"""Pick a provider per channel kind from the settings; the sandbox stands in for any missing one."""

from __future__ import annotations

from typing import Any

from telegram.request import BaseRequest

from bot.channels.base import Channel
from bot.channels.sandbox import SandboxChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.twilio_sms import TwilioSmsChannel
from bot.channels.twilio_voice import TwilioVoiceChannel
from bot.models import ChannelKind
from bot.settings import Settings


def build_channels(
    settings: Settings,
    *,
    twilio_http_client: Any = None,
    telegram_request: BaseRequest | None = None,
) -> dict[ChannelKind, Channel]:
    """Real providers where credentials are set, otherwise the sandbox."""
    sandbox = SandboxChannel()
    sms: Channel = (
        TwilioSmsChannel(settings, http_client=twilio_http_client)
        if settings.twilio_enabled
        else sandbox
    )
    telegram: Channel = (
        TelegramChannel(settings, request=telegram_request)
        if settings.telegram_enabled
        else sandbox
    )
    voice: Channel = (
        TwilioVoiceChannel(settings, http_client=twilio_http_client)
        if settings.twilio_enabled and settings.twilio_from_number
        else sandbox
    )
    return {ChannelKind.SMS: sms, ChannelKind.TELEGRAM: telegram, ChannelKind.VOICE: voice}
