"""API keys for case systems: shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import Session, col, select

from bot.models import ApiKey

KEY_PREFIX = "mk_"
SHOWN_PREFIX_LENGTH = 12  # enough to tell keys apart in a list, too little to guess one
MAX_KEY_LENGTH = 200  # longer "keys" are refused before hashing


def hash_key(key: str) -> str:
    """The hex SHA-256 stored in place of the key; a random key needs no slow hash."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(session: Session, *, jobcentre_id: int, name: str) -> str:
    """Store a new key for the jobcentre and return it; the caller shows it once and commits."""
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            jobcentre_id=jobcentre_id,
            name=name,
            key_prefix=plain[:SHOWN_PREFIX_LENGTH],
            key_hash=hash_key(plain),
        )
    )
    session.flush()
    return plain


def find_jobcentre_id(session: Session, key: str) -> int | None:
    """The jobcentre a key belongs to; looked up by hash, so timing says nothing about the key."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    statement = select(ApiKey.jobcentre_id).where(
        ApiKey.key_hash == hash_key(key), col(ApiKey.revoked_at).is_(None)
    )
    return session.exec(statement).first()
