"""Provider webhooks: Twilio SMS and status callbacks, Telegram updates."""
