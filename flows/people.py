"""Look-ups the flows share: who wrote, their placements, contacts and consultant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bot.models import ChannelKind, Citizen, Consultant, Employer, EmployerContact, Placement
from bot.recipients import Person

PERSON_TABLES: tuple[type[Citizen] | type[EmployerContact] | type[Consultant], ...] = (
    Citizen,
    EmployerContact,
    Consultant,
)


def _first_active(session: Session, **where: object) -> Person | None:
    """The first active person, citizens first, whose column equals the value."""
    ((column, value),) = where.items()
    for table in PERSON_TABLES:
        query = select(table).where(getattr(table, column) == value, col(table.active))
        # One turn per person at a time: a double tap must not record an absence twice.
        query = query.with_for_update()
        found = session.exec(query).first()
        if isinstance(found, Citizen | EmployerContact | Consultant):
            return found
    return None


def identify(
    session: Session, channel: ChannelKind, address: str, shared_phone: str | None = None
) -> Person | None:
    """The active person behind an address; a Telegram user who shares their phone is linked."""
    if channel == ChannelKind.TELEGRAM:
        chat_id = _as_chat_id(address)
        if chat_id is None:
            return None
        found = _first_active(session, telegram_chat_id=chat_id)
        if found is not None:
            return found
        if shared_phone:
            return _link_telegram(session, shared_phone, chat_id)
        return None
    return _first_active(session, phone=address)


def _as_chat_id(address: str) -> int | None:
    """Telegram chat ids are integers; anything else is not one."""
    try:
        return int(address)
    except ValueError:
        return None


def _link_telegram(session: Session, phone: str, chat_id: int) -> Person | None:
    """Attach a Telegram chat to the person registered with the phone the user shared."""
    found = _first_active(session, phone=phone)
    if found is not None:
        found.telegram_chat_id = chat_id
        found.preferred_channel = ChannelKind.TELEGRAM
        session.add(found)
        session.flush()
    return found


@dataclass(frozen=True)
class PlacementView:
    """A current placement with the people the flows talk to about it."""

    placement: Placement
    contact: EmployerContact
    employer: Employer


def upcoming_placements(session: Session, citizen: Citizen, today: date) -> list[PlacementView]:
    """Active placements not yet ended: a report may be about a shift in one starting soon."""
    return [
        view
        for view in _active_placements(session, citizen)
        if view.placement.end_date is None or view.placement.end_date >= today
    ]


def current_placements(session: Session, citizen: Citizen, day: date) -> list[PlacementView]:
    """The citizen's placements running on `day`, with contact and employer."""
    return [view for view in _active_placements(session, citizen) if view.placement.is_current(day)]


def _active_placements(session: Session, citizen: Citizen) -> list[PlacementView]:
    """Every active placement of the citizen, with contact and employer."""
    query = (
        select(Placement, EmployerContact, Employer)
        .join(EmployerContact, col(EmployerContact.id) == Placement.contact_id)
        .join(Employer, col(Employer.id) == Placement.employer_id)
        .where(Placement.citizen_id == citizen.id, col(Placement.active))
        .order_by(col(Placement.id))
    )
    return [
        PlacementView(placement, contact, employer)
        for placement, contact, employer in session.exec(query).all()
    ]


def consultant_of(session: Session, citizen: Citizen) -> Consultant | None:
    """The citizen's consultant, if one is assigned and active."""
    if citizen.consultant_id is None:
        return None
    consultant = session.get(Consultant, citizen.consultant_id)
    return consultant if consultant is not None and consultant.active else None


def unique_contacts(views: list[PlacementView]) -> list[PlacementView]:
    """One entry per active contact person (two placements may share a contact)."""
    seen: set[int | None] = set()
    result = []
    for view in views:
        if view.contact.id in seen or not view.contact.active:
            continue
        seen.add(view.contact.id)
        result.append(view)
    return result
