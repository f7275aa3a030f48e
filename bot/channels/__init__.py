"""Providers behind one interface: Twilio SMS, Telegram and the offline sandbox."""
