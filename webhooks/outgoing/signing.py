"""Standard Webhooks secrets and signatures (https://www.standardwebhooks.com/).

A secret is `whsec_` + base64 of random bytes. Each request carries `webhook-id`,
`webhook-timestamp` (unix seconds) and `webhook-signature`: space-separated `v1,<base64
HMAC-SHA256 over "{id}.{timestamp}.{body}">`, one per secret that is valid right now.
"""

from __future__ import annotations

import base64
import binascii
import math
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64 random bytes


def new_secret() -> str:
    """A fresh signing secret, in the form every Standard Webhooks library reads."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def is_valid_secret(secret: str) -> bool:
    """Whether a secret has the whsec_ form and 24-64 bytes behind it (for the receiver CLI)."""
    if not secret.startswith(SECRET_PREFIX):
        return False
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        return False
    return 24 <= len(key) <= 64


def mask(secret: str) -> str:
    """Enough of a secret to tell which one is set, never enough to sign with it."""
    return f"{SECRET_PREFIX}…{secret[-4:]}"


def signed_headers(
    *, event_id: str, body: str, moment: datetime, secrets_in_use: Sequence[str]
) -> dict[str, str]:
    """The three Standard Webhooks headers of one attempt, signed with every given secret."""
    seconds = math.floor(moment.timestamp())
    # The library reads the datetime as UTC whatever its zone, so hand it a UTC one.
    at = datetime.fromtimestamp(seconds, UTC)
    signatures = [
        Webhook(secret).sign(msg_id=event_id, timestamp=at, data=body) for secret in secrets_in_use
    ]
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(seconds),
        "webhook-signature": " ".join(signatures),
    }
