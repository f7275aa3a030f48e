"""The HTTP side: provider webhooks, the REST API for case systems, and the web console."""
