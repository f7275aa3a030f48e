"""Makker's core runtime: settings, storage, channels, outbox and the CLI."""
