"""One phone number or Telegram chat per active person, so every inbound text has one sender."""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from sqlalchemy import text
from sqlmodel import Session, col, select

from bot.models import Citizen, Consultant, EmployerContact
from bot.models.people import ReachableBase
from webhooks.api.errors import conflict
from webhooks.api.schemas import check_channel

Person = Citizen | EmployerContact | Consultant
PEOPLE: tuple[type[Person], ...] = (Citizen, EmployerContact, Consultant)
Identity = Literal["phone", "telegram_chat_id"]

CLASH = "Another active person has the phone number or Telegram chat"
MESSAGES: dict[Identity, str] = {
    "phone": "this phone number already belongs to another active person",
    "telegram_chat_id": "this Telegram chat already belongs to another active person",
}


def check_new_person(session: Session, *, body: ReachableBase) -> None:
    """Rules across fields and rows for a person about to be created."""
    check_channel(
        preferred_channel=body.preferred_channel,
        telegram_chat_id=body.telegram_chat_id,
        changed=body.model_fields_set,
    )
    ensure_identities_free(session, phone=body.phone, telegram_chat_id=body.telegram_chat_id)


def check_person_update(session: Session, *, person: Person, changes: dict[str, Any]) -> None:
    """The same rules on the person as the PATCH would leave them."""
    check_channel(
        preferred_channel=changes.get("preferred_channel", person.preferred_channel),
        telegram_chat_id=changes.get("telegram_chat_id", person.telegram_chat_id),
        changed=set(changes),
    )
    if person.active:  # a deactivated person holds no number
        ensure_identities_free(
            session,
            phone=changes.get("phone"),
            telegram_chat_id=changes.get("telegram_chat_id"),
            owner=person,
        )


def ensure_identities_free(
    session: Session,
    *,
    phone: str | None,
    telegram_chat_id: int | None,
    owner: Person | None = None,
) -> None:
    """409 when another active person, in any jobcentre, has the phone or chat id."""
    if phone is not None and _taken(session, "phone", phone, owner):
        raise conflict("phone", MESSAGES["phone"])
    if telegram_chat_id is not None and _taken(
        session, "telegram_chat_id", telegram_chat_id, owner
    ):
        raise conflict("telegram_chat_id", MESSAGES["telegram_chat_id"])


def _taken(session: Session, field: Identity, value: str | int, owner: Person | None) -> bool:
    """Whether an active person other than the owner holds the value."""
    _serialise(session, f"{field}:{value}")
    for model in PEOPLE:
        column = col(model.phone) if field == "phone" else col(model.telegram_chat_id)
        statement = select(model.id).where(column == value, col(model.active).is_(True))
        if isinstance(owner, model):
            statement = statement.where(col(model.id) != owner.id)
        if session.exec(statement.limit(1)).first() is not None:
            return True
    return False


def _serialise(session: Session, name: str) -> None:
    """On PostgreSQL, hold a transaction lock so two requests cannot both claim one number."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite has one writer at a time; a stale read fails the later write
    digest = hashlib.sha256(name.encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
