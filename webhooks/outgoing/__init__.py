"""Outgoing webhooks: signed, retried delivery of the events outbox to case systems.

`bot.events.emit` writes an event and one pending delivery per subscription in the
transaction that caused it; `sender` claims due deliveries, signs them (`signing`, the
Standard Webhooks scheme), POSTs them and records each attempt; `schedule` says when to try
again; `dead_letters` gives up loudly. `receiver` is a small verifying server to try it.
"""
