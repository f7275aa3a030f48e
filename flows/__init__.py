"""Conversations: one module per flow, a small step engine, and the router that picks a flow."""
